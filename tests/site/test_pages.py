"""The public HTML pages: what each page shows, who may see it, redirects, pagination, errors."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Page, Section, SiteSettings, Tag
from broadsheet.site import views
from broadsheet.site.pagination import encode_cursor, position_of
from broadsheet.site.related import latest_by_section, related_articles

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


@pytest.fixture(autouse=True)
def _fresh(settings):
    # Pages are rendered by the views under test, never replayed from the page cache,
    # and cached widgets from an earlier test must not leak into this one.
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()


@pytest.fixture
def chrome(db) -> SiteSettings:
    Page.objects.create(title="About Us", slug="about", body="<p>Who we are.</p>", order=1)
    Page.objects.create(title="Contact Us", slug="contact-us", form=Page.Form.CONTACT, order=2)
    Page.objects.create(
        title="Privacy Policy", slug="privacy-policy", body="<p>Data.</p>", in_contact_menu=False, order=3
    )
    Page.objects.create(title="Hidden Desk", slug="hidden-desk", in_contact_menu=False, in_footer=False)
    return SiteSettings.objects.create(
        pk=1,
        site_name="Harbor Daily",
        tagline="All the harbor's news",
        facebook_url="https://facebook.example/harbordaily",
        x_url="https://x.example/harbordaily",
        tiktok_url="https://tiktok.example/@harbordaily",
        copyright_text="© Harbor Daily Media",
        disclaimer_text="Aggregated stories belong to their publishers.",
        footer_text="Independent news since last Tuesday.",
    )


@pytest.fixture
def story(make_article) -> Article:
    return make_article(
        headline="Ferry & pier: what's next?",
        lead_image_url="https://images.example/pier.jpg",
        lead_image_width=1600,
        lead_image_height=900,
        lead_image_alt="The old pier at dawn",
        lead_image_caption="The pier before repairs.",
        lead_image_credit="Jo Lens / Harbor Daily",
        tags=["Ferries", "Council"],
    )


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("editor", password="pw-for-tests-only", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def main(page: str) -> str:
    """The page's <main>: the sidebar's widgets list headlines of their own."""
    return page[page.index("<main") : page.index("</main>")]


# ---------------------------------------------------------------- chrome


def test_every_page_has_the_chrome(client, chrome, story):
    page = html(client.get("/"))
    assert '<html lang="en">' in page
    assert 'class="skip-link" href="#main"' in page
    for landmark in ("<header", "<nav", "<main", "<aside", "<footer"):
        assert landmark in page
    assert page.count("<h1") == 1
    # Social profiles, each with an accessible name.
    assert 'href="https://facebook.example/harbordaily"' in page
    assert "Harbor Daily on Facebook" in page and "Harbor Daily on TikTok" in page
    assert "on Instagram" not in page  # no URL set, no link
    # The Contact menu lists exactly the pages placed in it, in order.
    menu = page[page.index('id="menu-contact"') : page.index("</ul>", page.index('id="menu-contact"'))]
    assert re.findall(r">([^<]+)</a>", menu) == ["About Us", "Contact Us"]
    assert 'aria-expanded="false"' in page
    # Off-canvas menu and search overlay.
    assert "Close Menu" in page
    assert 'class="search-toggle" href="/search/"' in page
    assert "Type above and press Enter to search. Press Esc to cancel." in page
    # Footer: Useful Links, copyright and disclaimer.
    footer = page[page.index("<footer") :]
    assert "Useful Links" in footer and "/privacy-policy/" in footer and "Hidden Desk" not in footer
    assert "© Harbor Daily Media" in footer and "Aggregated stories belong to their publishers." in footer
    assert "Independent news since last Tuesday." in footer
    # Sidebar widgets.
    assert "widget--popular" in page and "widget--categories" in page and "widget--archives" in page


def test_pages_follow_the_content_security_policy(client, chrome, story):
    for url in ("/", story.get_absolute_url(), "/business/", "/about/"):
        page = html(client.get(url))
        assert " style=" not in page
        assert not re.search(r"\son[a-z]+=", page)
        scripts = re.findall(r"<script([^>]*)>", page)
        for attrs in scripts:
            assert "defer" in attrs or 'type="application/ld+json"' in attrs
        assert '<script src="/static/site/site.js" defer></script>' in page
        assert '<link rel="icon" href="/static/site/favicon.svg"' in page
        assert '<link rel="stylesheet" href="/static/site/site.css">' in page


def test_chrome_without_settings_row_uses_defaults_and_creates_nothing(client, story):
    response = client.get("/")
    assert response.status_code == 200
    assert "Broadsheet" in html(response)
    assert not SiteSettings.objects.exists()


# ---------------------------------------------------------------- article page


def test_article_page_shows_the_story(client, chrome, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    page = html(response)
    assert f'data-article-id="{story.pk}"' in page
    start = page.index('aria-label="Breadcrumb"')
    crumbs = page[start : page.index("</nav>", start)]
    assert 'href="/"' in crumbs and "»" in crumbs and 'href="/business/">Business</a>' in crumbs
    assert '<h1 class="story__headline" lang="en" dir="ltr">Ferry &amp; pier: what&#x27;s next?</h1>' in page
    assert "A fictional story for tests." in page
    assert '<a rel="author" href="/author/mara-quill/">Mara Quill</a>' in page
    assert re.search(r'<time class="story__date" datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}">', page)
    figure = page[page.index("<figure") : page.index("</figure>")]
    assert 'alt="The old pier at dawn"' in figure and 'width="1600" height="900"' in figure
    assert 'fetchpriority="high"' in figure and 'loading="lazy"' not in figure
    assert "<figcaption" in figure and "The pier before repairs." in figure
    assert "Credit: Jo Lens / Harbor Daily" in figure
    assert "<p>The council met on Tuesday.</p><blockquote>We will build it.</blockquote>" in page
    assert 'href="/tag/ferries/"' in page and 'href="/tag/council/"' in page
    assert "Originally published by" not in page


def test_share_links_are_encoded_and_open_safely(client, chrome, story):
    page = html(client.get(story.get_absolute_url()))
    url = f"http://testserver{story.get_absolute_url()}"
    shares = re.findall(r'<a class="share__link share__link--(\w+)" href="([^"]+)"([^>]*)>', page)
    assert len(shares) == 14  # top and bottom
    networks = [name for name, _, _ in shares[:7]]
    assert networks == ["facebook", "x", "pinterest", "linkedin", "tumblr", "email", "reddit"]
    for name, href, attrs in shares:
        link = urlsplit(unescape(href))
        params = parse_qs(link.query)
        if name == "email":
            assert link.scheme == "mailto" and "target" not in attrs
            assert params["subject"] == [story.headline] and params["body"] == [url]
            assert "%20" in href and "+" not in href
            continue
        assert link.scheme == "https"
        assert 'target="_blank"' in attrs and 'rel="noopener' in attrs
        assert url in [v for values in params.values() for v in values]
    facebook = unescape(shares[0][1])
    assert facebook == (
        "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Fbusiness%2F"
        + story.slug
        + "%2F"
    )
    x = unescape(shares[1][1])
    assert "text=Ferry%20%26%20pier%3A%20what%27s%20next%3F" in x
    assert "media=https%3A%2F%2Fimages.example%2Fpier.jpg" in unescape(shares[2][1])


def test_aggregated_story_credits_its_source(client, chrome, make_article):
    article = make_article(
        canonical_url="https://wire.example/2026/harbor-news",
        source_name="Wire Example",
        byline="Wire Staff",
        author=None,
    )
    page = html(client.get(article.get_absolute_url()))
    assert (
        'Originally published by <a href="https://wire.example/2026/harbor-news" rel="noopener" '
        'target="_blank">Wire Example</a>'
    ) in page
    assert "By Wire Staff" in page and 'rel="author"' not in page


def test_related_stories_prefer_shared_tags(client, chrome, make_article, story):
    other_section = Section.objects.create(name="Sports", slug="sports")
    older_tagged = make_article(tags=["Ferries"], published_at=clock.now() - dt.timedelta(days=5))
    plain = [make_article(published_at=clock.now() - dt.timedelta(days=1, hours=i)) for i in range(6)]
    make_article(section=other_section, tags=["Ferries"])
    make_article(tags=["Ferries"], publish=False)

    related = [a.pk for a in related_articles(story)]
    assert len(related) == 6
    assert related[0] == older_tagged.pk
    assert related[1:] == [a.pk for a in plain[:5]]
    assert story.pk not in related

    page = html(client.get(story.get_absolute_url()))
    block = page[page.index('class="related"') :]
    assert "You might also be interested in…" in block
    assert older_tagged.get_absolute_url() in block


def test_related_is_two_queries(make_article, story, django_assert_num_queries):
    for _ in range(3):
        make_article(tags=["Council"])
    with django_assert_num_queries(2):
        assert len(related_articles(story)) == 3


def test_latest_by_section_is_two_bounded_queries(make_article, section, django_assert_num_queries):
    sports = Section.objects.create(name="Sports", slug="sports")
    empty = Section.objects.create(name="Empty", slug="empty")
    for _ in range(6):
        make_article()
    make_article(section=sports)
    make_article(section=sports, publish=False)
    make_article(section=sports, published_at=clock.now() + dt.timedelta(hours=1))
    with django_assert_num_queries(2):
        grouped = latest_by_section([section, sports, empty], per_section=4)
    assert len(grouped[section.pk]) == 4 and len(grouped[sports.pk]) == 1 and grouped[empty.pk] == []
    newest = list(Article.objects.public_listing(section=section)[:4])
    assert [a.pk for a in grouped[section.pk]] == [a.pk for a in newest]


# ---------------------------------------------------------------- visibility and redirects


def test_draft_and_scheduled_are_404_for_the_public(client, make_article):
    draft = make_article(publish=False)
    scheduled = make_article(published_at=clock.now() + dt.timedelta(days=1))
    withdrawn = make_article()
    services.withdraw(withdrawn)
    for article in (draft, scheduled, withdrawn):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 404
        assert "We couldn’t find that page" in html(response)


def test_staff_see_a_preview_that_is_never_cached(staff_client, make_article):
    scheduled = make_article(published_at=clock.now() + dt.timedelta(days=1))
    response = staff_client.get(scheduled.get_absolute_url())
    assert response.status_code == 200
    page = html(response)
    assert "Preview — not public." in page and "scheduled" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"]


def test_staff_see_public_stories_without_a_banner(staff_client, story):
    page = html(staff_client.get(story.get_absolute_url()))
    assert "Preview — not public." not in page


def test_old_slug_redirects_permanently(client, story):
    old = story.get_absolute_url()
    story.slug = "ferry-and-pier"
    services.save_article(story)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/business/ferry-and-pier/"
    # Through the old slug under a wrong section too.
    assert client.get(old.replace("/business/", "/sports/"))["Location"] == "/business/ferry-and-pier/"


def test_wrong_section_redirects_permanently(client, story):
    response = client.get(f"/some-section/{story.slug}/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_old_slug_of_a_draft_is_404(client, make_article):
    draft = make_article(publish=False)
    old = draft.get_absolute_url()
    draft.slug = "renamed-draft"
    services.save_article(draft)
    assert client.get(old).status_code == 404


def test_unknown_article_is_404(client, section):
    assert client.get("/business/no-such-story/").status_code == 404


# ---------------------------------------------------------------- home and lists


def test_home_page(client, chrome, make_article, section):
    sports = Section.objects.create(name="Sports", slug="sports", order=1)
    Section.objects.create(name="Hidden", slug="hidden", in_menu=False)
    newest = make_article(headline="Newest without a picture")
    pictured = make_article(headline="Pictured story", lead_image_url="https://images.example/p.jpg")
    for i in range(5):
        make_article(headline=f"Match report {i}", section=sports)
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    lead = page[page.index('class="lead"') : page.index("</section>", page.index('class="lead"'))]
    assert "Pictured story" in lead and 'fetchpriority="high"' in lead
    assert "Newest without a picture" not in lead
    # Sections in menu order, four stories each.
    assert page.index('id="block-sports"') < page.index('id="block-business"')
    block = page[page.index('id="block-sports"') : page.index('id="block-business"')]
    assert block.count('class="card__title"') == 4
    assert "Match report 4" not in block  # the oldest of five
    assert 'id="block-hidden"' not in page
    latest = main(page)[main(page).index('id="latest-title"') :]
    # Each story once: the lead, then in its section's block; "Latest" holds neither.
    assert pictured.headline not in latest and newest.headline not in latest
    business = page[page.index('id="block-business"') : page.index('id="latest-title"')]
    assert newest.headline in business and pictured.headline not in business
    menu = page[page.index('class="menu"') : page.index("</nav>", page.index('class="menu"'))]
    assert menu.index(">Home<") < menu.index(">Sports<") < menu.index(">Business<")
    assert ">Hidden<" not in menu


def test_home_page_shows_no_story_twice(client, make_article, section):
    """Used to repeat: the lead came back as the first card of its section, and "Latest"
    listed again every story of the blocks above it."""
    sports = Section.objects.create(name="Sports", slug="sports", order=1)
    lead = make_article(headline="Ferry lead with a picture", lead_image_url="https://images.example/l.jpg")
    business = [make_article(headline=f"Business item {i}") for i in range(5)]
    matches = [make_article(headline=f"Match report {i}", section=sports) for i in range(3)]
    page = main(html(client.get("/")))
    for article in [lead, *business, *matches]:
        assert page.count(f">{article.headline}<") <= 1, article.headline
    block = page[page.index('id="block-business"') : page.index('id="latest-title"')]
    # The lead's section still shows four cards: the next story stands in for the lead.
    assert block.count('class="card__title"') == 4
    assert [b.headline in block for b in business] == [True, True, True, True, False]
    latest = page[page.index('id="latest-title"') :]
    assert latest.count('class="river__item"') == 1 and "Business item 4" in latest
    # Nothing left for "Latest" and no older page: no empty heading.
    Article.objects.filter(headline="Business item 4").delete()
    page = main(html(client.get("/")))
    assert 'id="latest-title"' not in page and 'id="block-business"' in page
    # Page two of "Latest" is a plain river: nothing above it to repeat.
    for _ in range(25):
        make_article(headline="Older story")
    assert main(html(client.get("/?page=2"))).count('class="river__item"') > 0


def test_home_lead_falls_back_to_newest(client, make_article):
    make_article(headline="Only words here")
    page = html(client.get("/"))
    lead = page[page.index('class="lead"') :]
    assert "Only words here" in lead[: lead.index("</section>")]


def test_section_page_and_pagination(client, chrome, make_article):
    made = [make_article() for _ in range(21)]
    first = client.get("/business/")
    assert first.status_code == 200
    page = html(first)
    assert '<h1 class="list-head__title">Business</h1>' in page
    assert page.count('class="river__item"') == 20
    # The older page's link names the last story shown: a cursor, not a page number.
    older = f"/business/?before={encode_cursor(position_of(first.context['window'].items[-1]))}"
    assert f'rel="next" href="{older}"' in page and 'rel="prev"' not in page
    assert "Page 1" in page
    for url, label in ((older, "From "), ("/business/?page=2", "Page 2")):  # old links still answer
        second = html(client.get(url))
        assert second.count('class="river__item"') == 1
        assert made[-1].headline in second  # the oldest
        assert 'rel="prev" href="/business/"' in second and 'rel="next"' not in second
        assert label in second
    assert client.get("/business/?page=3").status_code == 404


@pytest.mark.parametrize("value", ["0", "-1", "abc", "", "1.5", "٣"])
def test_unparsable_page_numbers_show_page_one(client, make_article, value):
    make_article()
    make_article()
    response = client.get("/business/", {"page": value})
    assert response.status_code == 200
    assert main(html(response)) == main(html(client.get("/business/")))
    assert main(html(response)).count('class="river__item"') == 2


@pytest.mark.parametrize("value", [str(10**20), "501", "99999999999999999999999999999999"])
def test_absurd_page_numbers_are_404(client, make_article, value):
    make_article()
    for url in ("/", "/business/", "/author/mara-quill/"):
        assert client.get(url, {"page": value}).status_code == 404


def test_empty_section_renders_a_note(client, section):
    response = client.get("/business/")
    assert response.status_code == 200
    assert "No stories here yet." in html(response)


def test_author_page(client, make_article, author):
    author.bio = "Covers the docks and the ferries."
    author.save()
    article = make_article()
    make_article(author=None, byline="Guest")
    page = main(html(client.get("/author/mara-quill/")))
    assert '<h1 class="list-head__title">Mara Quill</h1>' in page
    assert "Covers the docks and the ferries." in page
    assert page.count('class="river__item"') == 1 and article.headline in page
    assert client.get("/author/nobody/").status_code == 404


def test_tag_page(client, make_article):
    tagged = make_article(tags=["Ferries"])
    untagged = make_article()
    page = main(html(client.get("/tag/ferries/")))
    assert '<h1 class="list-head__title">Ferries</h1>' in page
    assert tagged.headline in page and untagged.headline not in page
    assert client.get("/tag/nothing/").status_code == 404


def test_monthly_archive(client, make_article):
    march = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
    inside = make_article(headline="March story", published_at=march)
    make_article(headline="April story", published_at=march + dt.timedelta(days=30))
    response = client.get("/2025/03/")
    assert response.status_code == 200
    page = main(html(response))
    assert '<h1 class="list-head__title">March 2025</h1>' in page
    assert inside.headline in page and "April story" not in page
    assert client.get("/2025/05/").status_code == 404
    assert client.get("/0000/01/").status_code == 404
    assert client.get("/9999/12/").status_code == 404


def test_archive_month_follows_the_site_time_zone(client, make_article, settings):
    # 02:00 UTC on 1 April is still 31 March in New York.
    make_article(headline="Late March", published_at=dt.datetime(2025, 4, 1, 2, tzinfo=dt.UTC))
    assert "Late March" in main(html(client.get("/2025/03/")))
    assert client.get("/2025/04/").status_code == 404


def test_card_images_are_lazy_with_dimensions(client, make_article):
    make_article(lead_image_url="https://images.example/a.jpg", lead_image_width=800, lead_image_height=600)
    page = html(client.get("/business/"))
    assert re.search(
        r'<img src="https://images.example/a.jpg" alt="" width="800" height="600" loading="lazy"', page
    )


# ---------------------------------------------------------------- static pages


def test_static_page(client, chrome):
    response = client.get("/about/")
    assert response.status_code == 200
    page = html(response)
    assert '<h1 class="static-page__title">About Us</h1>' in page and "<p>Who we are.</p>" in page
    assert "<form" not in page[page.index("<main") : page.index("</main>")]
    assert client.post("/about/").status_code == 405
    assert client.get("/no-such-page/").status_code == 404


def test_static_page_with_a_form(client, chrome):
    page = html(client.get("/contact-us/"))
    assert 'method="post" action="/contact-us/"' in page and "csrfmiddlewaretoken" in page
    invalid = client.post("/contact-us/", {"name": "", "email": "not-an-address"})
    assert invalid.status_code == 200 and "form-errors" in html(invalid)


def test_section_refuses_post(client, section):
    assert client.post("/business/").status_code == 405


def test_section_wins_over_a_page_with_the_same_slug(client, section):
    Page.objects.create(title="Business page", slug="business")
    assert '<h1 class="list-head__title">Business</h1>' in html(client.get("/business/"))


# ---------------------------------------------------------------- robots and errors


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


def test_custom_404_page(client, chrome):
    response = client.get("/nowhere-at-all/")
    assert response.status_code == 404
    page = html(response)
    assert "We couldn’t find that page" in page
    assert 'action="/search/"' in page and "Close Menu" in page
    assert '<meta name="robots" content="noindex">' in page


def test_server_error_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# ---------------------------------------------------------------- reads only, bounded queries


def test_views_never_write(client, chrome, story, make_article):
    make_article(tags=["Ferries"])
    urls = [
        "/",
        "/?page=2",
        story.get_absolute_url(),
        "/business/",
        "/author/mara-quill/",
        "/tag/ferries/",
        f"/{story.published_at:%Y/%m}/",
        "/about/",
        "/contact-us/",
        "/robots.txt",
        "/missing/",
    ]
    SiteSettings.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            client.get(url)
    writes = [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])]
    assert writes == []


def _count(client, url: str) -> int:
    client.get(url)  # warm the widget cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_archive(client, chrome, make_article):
    Section.objects.create(name="Sports", slug="sports")
    first = make_article(tags=["Ferries"], lead_image_url="https://images.example/1.jpg")
    # A second story, so the article page has something related from the start (with none,
    # the related list needs no second query).
    make_article()
    urls = ["/", "/business/", first.get_absolute_url(), "/author/mara-quill/", "/tag/ferries/"]
    before = {url: _count(client, url) for url in urls}
    tag = Tag.objects.get(slug="ferries")
    for i in range(30):
        a = make_article(lead_image_url=f"https://images.example/{i}.jpg")
        a.tags.add(tag)
    cache.clear()
    after = {url: _count(client, url) for url in urls}
    assert after == before, (before, after)
    assert max(after.values()) <= 7


def test_head_requests_are_answered(client, story):
    for url in ("/", "/business/", story.get_absolute_url(), "/robots.txt"):
        response = client.head(url)
        assert response.status_code == 200
        assert response.content == b""


@pytest.mark.parametrize("small_tag_limit", [20_000, 0])
def test_tag_pages_list_public_stories_newest_first_both_ways(
    client, make_article, monkeypatch, small_tag_limit
):
    """A small tag is read through its own rows, a big one through the date index: same pages."""
    from broadsheet.site import related

    monkeypatch.setattr(related, "SMALL_TAG", small_tag_limit)
    now = clock.now()
    tagged = [make_article(tags=["Ferries"], published_at=now - dt.timedelta(hours=i)) for i in range(25)]
    make_article(tags=["Ferries"], publish=False)
    make_article(tags=["Ferries"], published_at=now + dt.timedelta(hours=1))
    make_article(tags=["Harbor"])
    first = client.get("/tag/ferries/")
    second = client.get("/tag/ferries/?page=2")
    assert first.status_code == second.status_code == 200
    shown = [a.pk for a in first.context["window"].items] + [a.pk for a in second.context["window"].items]
    assert shown == [a.pk for a in tagged]
    assert first.context["window"].has_next and not second.context["window"].has_next
    assert client.get("/tag/ferries/?page=3").status_code == 404
