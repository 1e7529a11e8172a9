"""Keyset pagination of the public lists (site/pagination.py): cursors, ties, the last page,
stories published or withdrawn between page loads, bad cursors, and old ?page=N links."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.core.cache import cache

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.site.pagination import PER_PAGE, Position, decode_cursor, encode_cursor, position_of


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()


def _walk(client, url: str) -> tuple[list[list[int]], list[str]]:
    """Follow "Older stories" from `url` to the end: every page's ids, and the URLs visited."""
    pages, urls = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        window = response.context["window"]
        pages.append([a.pk for a in window.items])
        urls.append(url)
        url = f"{response.wsgi_request.path}{window.older_query}" if window.has_next else ""
    return pages, urls


def _expected(articles) -> list[int]:
    return [a.pk for a in sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)]


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(2026, 12, 3, 10, 15, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 3, 10, 15, 0, 123456, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
    ],
)
def test_a_cursor_names_its_position_exactly(when):
    position = Position(when, 98765)
    assert decode_cursor(encode_cursor(position)) == position


def test_cursors_walk_every_story_once_in_order_with_ties_broken_by_id(client, make_article):
    now = clock.now().replace(microsecond=0)
    # Three runs of stories published in the same second, across page boundaries.
    made = [make_article(published_at=now - dt.timedelta(minutes=i // 15)) for i in range(45)]
    pages, urls = _walk(client, "/business/")
    assert [len(p) for p in pages] == [20, 20, 5]
    assert [pk for page in pages for pk in page] == _expected(made)
    assert all("before=" in url for url in urls[1:])


def test_newer_links_lead_back_through_the_same_pages(client, make_article):
    made = [make_article() for _ in range(50)]
    pages, urls = _walk(client, "/business/")
    # From the last page, "Newer stories" gives the page before, down to the first (bare) URL.
    response = client.get(urls[-1])
    seen = [[a.pk for a in response.context["window"].items]]
    while response.context["window"].has_previous:
        url = f"/business/{response.context['window'].newer_query}"
        response = client.get(url)
        seen.append([a.pk for a in response.context["window"].items])
    assert seen == pages[::-1]
    assert url == "/business/"
    assert [pk for page in pages for pk in page] == _expected(made)


def test_the_last_page_has_no_older_link_and_nothing_lies_beyond_it(client, make_article):
    made = [make_article() for _ in range(PER_PAGE + 3)]
    last = client.get(f"/business/?before={encode_cursor(position_of(made[PER_PAGE - 1]))}")
    window = last.context["window"]
    assert [a.pk for a in window.items] == [a.pk for a in made[PER_PAGE:]]
    assert not window.has_next and window.newer_query == ""
    assert 'rel="next"' not in last.content.decode()
    beyond = client.get(f"/business/?before={encode_cursor(position_of(made[-1]))}")
    assert beyond.status_code == 404


def test_stories_published_between_page_loads_do_not_shift_an_older_page(client, make_article):
    made = [make_article() for _ in range(30)]
    first = client.get("/business/")
    older_url = f"/business/{first.context['window'].older_query}"
    for _ in range(3):
        make_article(published_at=clock.now())
    second = client.get(older_url)
    # The stories after the last one the reader saw: no repeats, none missed.
    assert [a.pk for a in second.context["window"].items] == [a.pk for a in made[20:]]
    # An old ?page=2 link counts from the newest, as it always did.
    assert client.get("/business/?page=2").context["window"].items[0].pk == made[17].pk


def test_a_cursor_on_a_story_withdrawn_since_still_answers(client, make_article):
    made = [make_article() for _ in range(25)]
    first = client.get("/business/")
    older_url = f"/business/{first.context['window'].older_query}"
    services.withdraw(made[19])
    services.withdraw(made[20])
    second = client.get(older_url)
    assert [a.pk for a in second.context["window"].items] == [a.pk for a in made[21:]]


def test_a_page_whose_newer_stories_were_withdrawn_becomes_the_first(client, make_article):
    made = [make_article() for _ in range(25)]
    cursor = encode_cursor(position_of(made[19]))
    for article in made[:20]:
        services.withdraw(article)
    window = client.get(f"/business/?before={cursor}").context["window"]
    assert [a.pk for a in window.items] == [a.pk for a in made[20:]]
    assert not window.has_previous and window.number == 1


def test_old_page_links_answer_with_the_same_stories_and_cursor_links_onward(client, make_article):
    made = [make_article() for _ in range(65)]
    expected = _expected(made)
    for number in (2, 3, 4):
        response = client.get(f"/business/?page={number}")
        window = response.context["window"]
        assert [a.pk for a in window.items] == expected[(number - 1) * 20 : number * 20]
        assert f"Page {number}" in response.content.decode()
        assert window.has_previous
    assert client.get("/business/?page=5").status_code == 404
    assert client.get("/business/?page=501").status_code == 404


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "abc",
        "20261203T101500Z",  # no id
        "20261203T101500Z.0",
        "20261203T101500Z.-4",
        "20261203T101500Z.1234567890123456789",  # wider than a 64-bit id
        "20261399T101500Z.5",  # no such date
        "20261203T256000Z.5",
        "20261203T101500.12Z.5",  # microseconds are six digits or absent
        "2026-12-03T10:15:00Z.5",
        "20261203T101500+01:00.5",
        "٢٠٢٦١٢٠٣T101500Z.5",  # digits, but not ASCII ones
        "20261203T101500Z.5\x00",
        "9" * 5000,
    ],
)
def test_a_bad_cursor_is_a_clear_404(client, make_article, cursor):
    make_article()
    for path in ("/business/", "/", "/author/mara-quill/", "/tag/ferries/"):
        response = client.get(path, {"before": cursor})
        assert response.status_code == 404, (path, cursor)


def test_the_canonical_url_of_a_cursor_page_is_itself(client, make_article):
    made = [make_article() for _ in range(25)]
    cursor = encode_cursor(position_of(made[19]))
    page = unescape(client.get(f"/business/?before={cursor}&utm_source=x").content.decode())
    assert f'<link rel="canonical" href="http://testserver/business/?before={cursor}">' in page
    assert "Business – from " in page  # its title differs from the first page's


@pytest.mark.parametrize("small_tag_limit", [20_000, 1])
def test_tag_pages_walk_by_cursor_through_equal_times(client, make_article, monkeypatch, small_tag_limit):
    """Both ways of reading a tag (its own rows, or the date index) give the same pages."""
    from broadsheet.site import related

    monkeypatch.setattr(related, "SMALL_TAG", small_tag_limit)
    now = clock.now().replace(microsecond=0)
    tagged = [
        make_article(tags=["Ferries"], published_at=now - dt.timedelta(hours=i // 10)) for i in range(45)
    ]
    make_article(tags=["Ferries"], publish=False)
    make_article(tags=["Ferries"], published_at=now + dt.timedelta(hours=1))  # scheduled
    make_article(tags=["Harbor"])
    pages, _urls = _walk(client, "/tag/ferries/")
    assert [pk for page in pages for pk in page] == _expected(tagged)
    assert [a.pk for a in client.get("/tag/ferries/?page=2").context["window"].items] == pages[1]
    last = client.get(_walk(client, "/tag/ferries/")[1][-1]).context["window"]
    assert last.newer_query is not None and "before=" in last.newer_query


def test_monthly_archive_pages_walk_by_cursor(client, make_article):
    start = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
    made = [make_article(published_at=start + dt.timedelta(hours=i)) for i in range(30)]
    make_article(published_at=dt.datetime(2025, 4, 2, tzinfo=dt.UTC))  # another month
    pages, _urls = _walk(client, "/2025/03/")
    assert [pk for page in pages for pk in page] == _expected(made)


def test_home_and_author_pages_walk_by_cursor(client, make_article):
    made = [make_article() for _ in range(45)]
    for start in ("/", "/author/mara-quill/"):
        pages, urls = _walk(client, start)
        assert [pk for page in pages for pk in page] == _expected(made), start
        assert len(urls) == 3 and all("?before=" in url for url in urls[1:])
