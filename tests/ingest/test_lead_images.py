"""Lead images of aggregated stories: every place a publisher states one (page and feed), its
alt text and credit, and the source's image policy (none, link, copy) through the pipeline."""

from __future__ import annotations

import io

import lxml.html
import pytest
from PIL import Image as PILImage

from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest import images
from broadsheet.ingest.extract import Extracted, extract_article
from broadsheet.ingest.metadata import stated_metadata
from broadsheet.ingest.models import Source
from broadsheet.ingest.parse import FeedEntry, parse_feed
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.media.models import Image
from broadsheet.newsroom.models import Article

from .conftest import LoopbackServer, Route

BASE = "https://www.publisher.example"
BODY = (
    "<body><article><h1>Council approves budget</h1>"
    + "<p>The council approved its budget on Tuesday after a long debate about lighting.</p>" * 6
    + "</article></body>"
)


def page(head: str, body: str = BODY) -> str:
    return f"<!DOCTYPE html><html lang='en'><head><title>Budget</title>{head}</head>{body}</html>"


def stated(head: str, body: str = BODY) -> dict[str, str]:
    return stated_metadata(lxml.html.fromstring(page(head, body)), f"{BASE}/news/budget")


# --- What a page states --------------------------------------------------------------------


def test_og_image_with_its_alt_text():
    # As the BBC and most CMSs write it.
    found = stated(
        '<meta property="og:image" content="https://ichef.publisher.example/976/cpsprodpb/budget.jpg">'
        '<meta property="og:image:alt" content="Councillors vote in the chamber">'
        '<meta property="og:image:width" content="976">'
    )
    assert found["image_url"] == "https://ichef.publisher.example/976/cpsprodpb/budget.jpg"
    assert found["image_alt"] == "Councillors vote in the chamber"


def test_og_image_secure_url_relative_and_twitter_fallback():
    found = stated('<meta property="og:image:secure_url" content="/media/budget.jpg">')
    assert found["image_url"] == f"{BASE}/media/budget.jpg"
    found = stated(
        '<meta name="twitter:card" content="summary_large_image">'
        '<meta name="twitter:image" content="https://pbs.publisher.example/budget.png">'
        '<meta name="twitter:image:alt" content="The town hall at dusk">'
    )
    assert (found["image_url"], found["image_alt"]) == (
        "https://pbs.publisher.example/budget.png",
        "The town hall at dusk",
    )
    found = stated('<meta name="twitter:image:src" content="https://pbs.publisher.example/old.png">')
    assert found["image_url"] == "https://pbs.publisher.example/old.png"


def json_ld(image: str) -> str:
    return (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
        f' "headline": "Council approves budget", "image": {image}}}</script>'
    )


def test_json_ld_image_as_a_string():
    assert (
        stated(json_ld('"https://cdn.publisher.example/a.jpg"'))["image_url"]
        == "https://cdn.publisher.example/a.jpg"
    )


def test_json_ld_image_object_with_caption_and_credit():
    found = stated(
        json_ld(
            '{"@type": "ImageObject", "url": "https://cdn.publisher.example/b.jpg", "width": 1200,'
            ' "caption": "The council chamber.", "creditText": "Photo: Jo Lens/Agency"}'
        )
    )
    assert found["image_url"] == "https://cdn.publisher.example/b.jpg"
    assert found["image_caption"] == "The council chamber."
    assert found["image_credit"] == "Photo: Jo Lens/Agency"  # the label goes at ingest (clean_credit)


def test_json_ld_image_list_first_usable_wins():
    # The Guardian and many WordPress sites give several sizes; a hostile first one is passed over.
    found = stated(
        json_ld(
            '["javascript:alert(1)", {"@type": "ImageObject", "contentUrl": "/i/1200x675.jpg",'
            ' "copyrightHolder": {"@type": "Organization", "name": "Wire Agency"}}, "/i/800x800.jpg"]'
        )
    )
    assert found["image_url"] == f"{BASE}/i/1200x675.jpg"
    assert found["image_credit"] == "Wire Agency"


def test_json_ld_image_takes_the_figure_alt_of_the_same_picture():
    body = (
        "<body><article><figure><img src='/i/chamber.jpg' alt='Councillors in the chamber'>"
        "<figcaption>The vote.</figcaption></figure></article></body>"
    )
    found = stated(json_ld('"/i/chamber.jpg"'), body)
    assert (found["image_url"], found["image_alt"]) == (f"{BASE}/i/chamber.jpg", "Councillors in the chamber")


def test_alt_of_another_picture_is_not_borrowed():
    body = "<body><figure><img src='/i/other.jpg' alt='A different picture'></figure></body>"
    found = stated(json_ld('"/i/chamber.jpg"'), body)
    assert found["image_url"] == f"{BASE}/i/chamber.jpg" and "image_alt" not in found


def test_a_sites_stand_in_picture_gives_way_to_the_storys():
    # SFGate and mySA state "opengraph_default.png" on stories without a picture of their own.
    body = "<body><article><figure><img src='/i/chamber.jpg' alt='The chamber'></figure></article></body>"
    found = stated('<meta property="og:image" content="/img/pages/article/opengraph_default.png">', body)
    assert found["image_url"] == f"{BASE}/i/chamber.jpg"


@pytest.mark.parametrize(
    "name",
    ["opengraph_default.png", "site-logo.png", "placeholder-1200x630.jpg", "fallback.jpg"],
)
def test_a_story_with_only_a_stand_in_shows_no_picture(name):
    head = f'<meta property="og:image" content="/img/{name}">'
    assert "image_url" not in stated(head)
    # Nor does trafilatura's guess bring it back (it reads the same og:image).
    assert extract_article(page(head), f"{BASE}/news/budget").image_url == ""


def test_a_story_picture_about_logos_is_no_stand_in():
    found = stated('<meta property="og:image" content="/i/logo-design-trends-2020.jpg">')
    assert found["image_url"] == f"{BASE}/i/logo-design-trends-2020.jpg"


def test_page_without_any_image():
    assert "image_url" not in stated('<meta property="og:title" content="Budget">')


def test_extract_article_carries_the_alt_of_its_image():
    extracted = extract_article(
        page('<meta property="og:image" content="/a.jpg"><meta property="og:image:alt" content="Lamps">'),
        f"{BASE}/news/budget",
    )
    assert (extracted.image_url, extracted.image_alt) == (f"{BASE}/a.jpg", "Lamps")


# --- What a feed states --------------------------------------------------------------------

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Publisher</title>
<link>https://www.publisher.example/</link><item><title>Budget</title>
<link>https://www.publisher.example/news/budget</link><guid>budget-1</guid>{image}</item></channel></rss>"""


@pytest.mark.parametrize(
    ("markup", "expected", "credit"),
    [
        (
            '<media:content url="https://cdn.publisher.example/mc.jpg" medium="image" width="1024">'
            "<media:credit>Jo Lens</media:credit></media:content>",
            "https://cdn.publisher.example/mc.jpg",
            "Jo Lens",
        ),
        (
            '<media:content url="https://cdn.publisher.example/mc.png" type="image/png"/>',
            "https://cdn.publisher.example/mc.png",
            "",
        ),
        # A video's media:content is no lead image; the thumbnail beside it is.
        (
            '<media:content url="https://cdn.publisher.example/v.mp4" medium="video"/>'
            '<media:thumbnail url="https://cdn.publisher.example/thumb.jpg" width="240"/>',
            "https://cdn.publisher.example/thumb.jpg",
            "",
        ),
        (
            '<enclosure url="https://cdn.publisher.example/e.jpg" type="image/jpeg" length="1234"/>',
            "https://cdn.publisher.example/e.jpg",
            "",
        ),
        ('<enclosure url="https://cdn.publisher.example/pod.mp3" type="audio/mpeg" length="1234"/>', "", ""),
    ],
    ids=["media-content", "media-content-type", "media-thumbnail", "enclosure-image", "enclosure-audio"],
)
def test_feed_images(markup, expected, credit):
    entry = parse_feed(FEED.format(image=markup).encode(), url=f"{BASE}/feed").entries[0]
    assert (entry.image_url, entry.image_credit) == (expected, credit)


# --- Choosing, alt and credit ----------------------------------------------------------------

ENTRY = FeedEntry(guid="g", url=f"{BASE}/news/budget", title="Council approves budget")


def extracted(**fields: str) -> Extracted:
    return Extracted(url=f"{BASE}/news/budget", **fields)  # type: ignore[arg-type]


def test_link_policy_with_stated_alt_and_credit():
    chosen = images.choose(
        "link",
        ENTRY,
        extracted(
            image_url=f"{BASE}/a.jpg", image_alt="Lamps on the quay", image_credit="Photograph: Jo Lens"
        ),
        headline="Council approves budget",
        publisher="Harbour Post",
    )
    assert chosen == images.LeadImage(f"{BASE}/a.jpg", "Lamps on the quay", "", "Jo Lens")


def test_alt_falls_back_to_the_headline_and_credit_to_the_publisher():
    chosen = images.choose(
        "link",
        ENTRY,
        extracted(image_url=f"{BASE}/a.jpg"),
        headline="Council approves budget",
        publisher="Harbour Post",
    )
    assert (chosen.alt, chosen.credit) == ("Council approves budget", "Harbour Post")


def test_feed_image_wins_and_does_not_take_the_page_alt_of_another_picture():
    entry = FeedEntry(guid="g", url=ENTRY.url, title="t", image_url=f"{BASE}/feed.jpg", image_credit="Agency")
    chosen = images.choose(
        "link",
        entry,
        extracted(image_url=f"{BASE}/page.jpg", image_alt="Page picture"),
        headline="t",
        publisher="P",
    )
    assert (chosen.url, chosen.alt, chosen.credit) == (f"{BASE}/feed.jpg", "t", "Agency")


def test_none_policy_shows_no_picture():
    entry = FeedEntry(guid="g", url=ENTRY.url, title="t", image_url=f"{BASE}/feed.jpg")
    assert (
        images.choose("none", entry, extracted(image_url=f"{BASE}/p.jpg"), headline="t", publisher="P")
        == images.LeadImage()
    )


def test_no_picture_anywhere():
    assert images.choose("link", ENTRY, None, headline="t", publisher="P") == images.LeadImage()


@pytest.mark.parametrize(
    ("stated", "clean"),
    [
        ("Photo: AP", "AP"),
        ("Image credit - Reuters", "Reuters"),
        ("Picture: Jo Lens / Harbour Post", "Jo Lens / Harbour Post"),
        ("Credit: Getty Images", "Getty Images"),
        ("Photographer: Jo Lens", "Photographer: Jo Lens"),  # not a label: kept as stated
        ("", ""),
    ],
)
def test_clean_credit(stated, clean):
    assert images.clean_credit(stated) == clean


# --- Through the pipeline, on loopback --------------------------------------------------------


def png(width: int = 64, height: int = 36) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (20, 90, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def fetcher(allow_loopback):
    with Fetcher(FetchOptions(total_timeout=5)) as client:
        yield client


@pytest.fixture
def publisher(server: LoopbackServer, section):
    server.routes["/story/ferry.html"] = server.file_route("ferry.html")
    server.routes["/story/market.html"] = server.file_route("market.html")
    server.routes["/img/ferry.jpg"] = Route(200, png(), {"Content-Type": "image/png"})
    return server


def source(server: LoopbackServer, **fields) -> Source:
    return Source.objects.create(feed_url=server.url("/f/rss20.xml"), name="Harbor Gazette", **fields)


@pytest.mark.django_db
def test_link_policy_stores_the_remote_picture_with_alt_and_credit(publisher, fetcher):
    ingest_source(source(publisher), fetcher)
    ferry = Article.objects.get(canonical_url=publisher.url("/story/ferry.html"))
    assert ferry.lead_image_url == publisher.url("/img/ferry.jpg") and ferry.lead_media is None
    assert ferry.lead_image_alt == "The ferry"  # the page's <img alt> for that same picture
    assert ferry.lead_image_credit == "P. Lund"  # the page's creditText over the feed's media:credit


@pytest.mark.django_db
def test_none_policy_stores_no_picture(publisher, fetcher):
    ingest_source(source(publisher, image_policy=Source.Images.NONE), fetcher)
    assert not Article.objects.exclude(lead_image_url="").exists()
    assert not Article.objects.exclude(lead_image_credit="").exists()


@pytest.mark.django_db
def test_copy_policy_puts_the_picture_in_the_media_library(publisher, fetcher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ingest_source(source(publisher, image_policy=Source.Images.COPY), fetcher)
    ferry = Article.objects.select_related("lead_media").get(canonical_url=publisher.url("/story/ferry.html"))
    assert ferry.lead_media is not None
    assert (ferry.lead_media.alt, ferry.lead_media.credit) == ("The ferry", "P. Lund")
    assert (ferry.lead_media.width, ferry.lead_media.height) == (64, 36)
    # market.html's picture is not served (404): that story links it instead of failing.
    market = Article.objects.get(canonical_url=publisher.url("/story/market.html"))
    assert market.lead_media is None and market.lead_image_url.endswith("/img/market.jpg")
    assert Image.objects.count() == 1


@pytest.mark.django_db
def test_copy_policy_refuses_what_is_not_an_image(publisher, fetcher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    publisher.routes["/img/ferry.jpg"] = Route(
        200, b"<html>not a picture</html>", {"Content-Type": "image/png"}
    )
    ingest_source(source(publisher, image_policy=Source.Images.COPY), fetcher)
    ferry = Article.objects.get(canonical_url=publisher.url("/story/ferry.html"))
    assert ferry.lead_media is None and ferry.lead_image_url == publisher.url("/img/ferry.jpg")
    assert not Image.objects.exists()


# --- Setting the policy: CLI, add_source, admin -----------------------------------------------


@pytest.mark.django_db
def test_sources_add_takes_an_image_policy(server: LoopbackServer, section, allow_loopback):
    from django.core.management import call_command

    call_command("sources", "add", server.url("/f/atom.xml"), "--images", "copy", stdout=io.StringIO())
    call_command("sources", "add", server.url("/f/rss20.xml"), stdout=io.StringIO())
    policies = dict(Source.objects.values_list("feed_url", "image_policy"))
    assert policies == {server.url("/f/atom.xml"): "copy", server.url("/f/rss20.xml"): "link"}


@pytest.mark.django_db
def test_sources_add_refuses_an_unknown_image_policy(server: LoopbackServer, section, allow_loopback):
    from django.core.management import CommandError, call_command

    from broadsheet.ingest import commands
    from broadsheet.ingest.errors import SourceError

    with pytest.raises(CommandError, match="invalid choice"):
        call_command("sources", "add", server.url("/f/atom.xml"), "--images", "hotlink", stdout=io.StringIO())
    with pytest.raises(SourceError, match="images must be one of none, link, copy"):
        commands.add_source(server.url("/f/atom.xml"), images="all")
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_admin_source_form_offers_the_image_policy(admin_client):
    page = admin_client.get("/admin/ingest/source/add/").content.decode()
    assert 'name="image_policy"' in page
    for value in ("none", "link", "copy"):
        assert f'value="{value}"' in page
