"""WordPress attachments into the media library through the guarded fetcher, against a real
loopback server: the featured image becomes the lead image, body images of the site's uploads
point at library copies, every failure is reported and never costs the article; and the Yoast
SEO title and description become the article's."""

from __future__ import annotations

import http.server
from collections.abc import Iterator

import pytest

from broadsheet.cli import main
from broadsheet.core.fetch import FetchOptions
from broadsheet.media.models import Image
from broadsheet.newsroom.models import Article
from broadsheet.wpimport.importer import import_wxr
from tests.ingest.conftest import LoopbackServer, Route
from tests.media.conftest import halves

pytestmark = pytest.mark.django_db

UPLOADS = "/wp-content/uploads/2024/03"
QUICK = FetchOptions(total_timeout=2.0, max_bytes=400_000, max_decoded_bytes=400_000)


def _post(wp_id: int, title: str, thumbnail: int | None, body: str = "<p>Body.</p>", meta: str = "") -> str:
    thumb = (
        f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{thumbnail}</wp:meta_value></wp:postmeta>"
        if thumbnail
        else ""
    )
    return f"""<item><title>{title}</title><link>{{base}}/{wp_id}/</link>
    <guid isPermaLink="false">{{base}}/?p={wp_id}</guid>
    <content:encoded><![CDATA[{body}]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>{wp_id}</wp:post_id><wp:post_date_gmt>2024-03-05 14:00:00</wp:post_date_gmt>
    <wp:post_name>post-{wp_id}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
    {thumb}{meta}</item>"""


def _attachment(
    wp_id: int, parent: int, file: str, alt: str = "", caption: str = "", credit: str = ""
) -> str:
    metadata = f'a:1:{{s:10:"image_meta";a:1:{{s:6:"credit";s:{len(credit)}:"{credit}";}}}}' if credit else ""
    return f"""<item><title>{file.rsplit(".", 1)[0]}</title><link>{{base}}/a{wp_id}/</link>
    <guid isPermaLink="false">{{base}}{UPLOADS}/{file}</guid>
    <excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
    <wp:post_id>{wp_id}</wp:post_id><wp:post_parent>{parent}</wp:post_parent>
    <wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>{{base}}{UPLOADS}/{file}</wp:attachment_url>
    <wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>{alt}</wp:meta_value></wp:postmeta>
    <wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key><wp:meta_value><![CDATA[{metadata}]]></wp:meta_value></wp:postmeta>
    </item>"""


YOAST = (
    "<wp:postmeta><wp:meta_key>_yoast_wpseo_title</wp:meta_key>"
    "<wp:meta_value><![CDATA[%%title%% %%sep%% %%sitename%% %%page%%]]></wp:meta_value></wp:postmeta>"
    "<wp:postmeta><wp:meta_key>_yoast_wpseo_metadesc</wp:meta_key>"
    "<wp:meta_value><![CDATA[Ferries return to the north pier.]]></wp:meta_value></wp:postmeta>"
)
BODY = (
    f'<p>Before.</p><img src="{{base}}{UPLOADS}/harbour-300x200.png" alt="" width="300" height="200" '
    f'class="wp-image-41" srcset="{{base}}{UPLOADS}/harbour-300x200.png 300w, {{base}}{UPLOADS}/harbour.png 800w">'
    '<p>Hot-linked:</p><img src="https://elsewhere.example/x.jpg" alt="Elsewhere">'
    f'<p>Gone:</p><img src="{{base}}{UPLOADS}/vanished.jpg" alt="Vanished">'
)


def wxr(server: LoopbackServer) -> bytes:
    items = [
        _post(10, "Ferries are back", 40, BODY, YOAST),
        _post(11, "Featured image gone", 42),
        _post(12, "Featured image too big", 43),
        _post(13, "Featured image is a web page", 44),
        _post(14, "Featured image never arrives", 45),
        _post(15, "Same photo, another upload", 46),
        _attachment(
            40, 10, "ferry.jpg", alt="The ferry at the pier", caption="Back at last", credit="M. Quill"
        ),
        _attachment(41, 10, "harbour.png", alt="The harbour"),
        _attachment(42, 11, "gone.jpg"),
        _attachment(43, 12, "huge.jpg"),
        _attachment(44, 13, "page.jpg"),
        _attachment(45, 14, "slow.jpg"),
        _attachment(46, 15, "ferry-copy.jpg"),
        _attachment(47, 0, "unused.gif"),
    ]
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Harbor Ledger</title><link>{{base}}</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>{{base}}</wp:base_blog_url>
{"".join(items)}
</channel></rss>"""
    return text.replace("{base}", server.base).encode()


FERRY = halves(1600, 900)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def wordpress(server: LoopbackServer) -> LoopbackServer:
    """The old WordPress site's uploads on loopback: good images, a 404, a too-big file, a web
    page named .jpg and an image that never arrives."""

    def never(handler: http.server.BaseHTTPRequestHandler) -> None:
        server.stopping.wait(10)

    server.routes.update(
        {
            f"{UPLOADS}/ferry.jpg": Route(200, FERRY, {"Content-Type": "image/jpeg"}),
            f"{UPLOADS}/ferry-copy.jpg": Route(200, FERRY, {"Content-Type": "image/jpeg"}),
            f"{UPLOADS}/harbour.png": Route(200, halves(800, 400, fmt="PNG"), {"Content-Type": "image/png"}),
            f"{UPLOADS}/unused.gif": Route(200, halves(40, 40, fmt="GIF"), {"Content-Type": "image/gif"}),
            f"{UPLOADS}/huge.jpg": Route(200, b"\xff" * 500_000, {"Content-Type": "image/jpeg"}),
            f"{UPLOADS}/page.jpg": Route(
                200, b"<!doctype html><p>Not here</p>", {"Content-Type": "text/html"}
            ),
            f"{UPLOADS}/slow.jpg": never,
        }
    )
    return server


def _article(slug: str) -> Article:
    return Article.objects.select_related("lead_media").get(slug=slug)


def test_attachments_come_into_the_library(wordpress: LoopbackServer, settings) -> None:
    settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS = True
    report = import_wxr(wxr(wordpress), attachments=True, fetch_options=QUICK)

    # Every post is imported, whatever happened to its images.
    assert Article.objects.count() == 6
    ferry = _article("post-10")
    assert ferry.lead_media is not None and ferry.lead_image_url == ""
    assert (ferry.lead_media.alt, ferry.lead_media.caption, ferry.lead_media.credit) == (
        "The ferry at the pier",
        "Back at last",
        "M. Quill",
    )
    assert (ferry.lead_image_width, ferry.lead_image_height) == (1600, 900)
    assert ferry.lead_image_alt == "The ferry at the pier"

    # The body's resized copy points at the library's copy of the original, with its id.
    harbour = Image.objects.get(alt="The harbour")
    assert (harbour.width, harbour.height) == (800, 400)
    assert f'src="{harbour.url}" data-media-id="{harbour.pk}"' in ferry.body
    assert "srcset" not in ferry.body and "harbour-300x200" not in ferry.body
    # Images from elsewhere are left alone; a vanished upload keeps its remote URL.
    assert 'src="https://elsewhere.example/x.jpg"' in ferry.body
    assert f'src="{wordpress.base}{UPLOADS}/vanished.jpg"' in ferry.body

    # The same bytes under another name are stored once.
    assert _article("post-15").lead_media_id == ferry.lead_media_id
    # Attachments no post uses come in too; the library has ferry, harbour and the GIF.
    assert Image.objects.count() == 3
    assert Image.objects.filter(alt="unused").exists()

    # Failures keep the remote URL as before, and say why in the summary.
    for slug, file in (
        ("post-11", "gone.jpg"),
        ("post-12", "huge.jpg"),
        ("post-13", "page.jpg"),
        ("post-14", "slow.jpg"),
    ):
        failed = _article(slug)
        assert failed.lead_media_id is None
        assert failed.lead_image_url == f"{wordpress.base}{UPLOADS}/{file}"
    reasons = {reason: examples for reason, _, examples in report.grouped_warnings()}
    kept = "image not brought into the library: {} (remote URL kept)"
    assert any("gone.jpg" in e for e in reasons[kept.format("HTTP 404")])
    assert any("vanished.jpg" in e for e in reasons[kept.format("HTTP 404")])
    assert any("huge.jpg" in e for e in reasons[kept.format("too big")])
    assert any("page.jpg" in e for e in reasons[kept.format("not an image the library accepts")])
    assert any("slow.jpg" in e for e in reasons[kept.format("timed out")])
    assert report.count("image", "created") == 3
    assert report.count("image", "unchanged") == 1  # ferry-copy.jpg
    assert report.count("image", "skipped") == 5

    # Each URL was fetched once in the run (the featured ferry was not fetched again).
    assert wordpress.paths().count(f"{UPLOADS}/ferry.jpg") == 1
    assert f"{UPLOADS}/harbour-300x200.png" not in wordpress.paths()


def test_second_import_is_unchanged_and_stores_nothing_twice(wordpress: LoopbackServer, settings) -> None:
    settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS = True
    import_wxr(wxr(wordpress), attachments=True, fetch_options=QUICK)
    first = {a.slug: (a.lead_media_id, a.body) for a in Article.objects.all()}
    again = import_wxr(wxr(wordpress), attachments=True, fetch_options=QUICK)
    assert {a.slug: (a.lead_media_id, a.body) for a in Article.objects.all()} == first
    assert again.count("post", "unchanged") == 6
    assert again.count("image", "created") == 0
    assert Image.objects.count() == 3


def test_private_addresses_are_refused_and_the_articles_still_import(
    wordpress: LoopbackServer, settings
) -> None:
    settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS = False
    report = import_wxr(wxr(wordpress), attachments=True, fetch_options=QUICK)
    assert Article.objects.count() == 6
    assert Image.objects.count() == 0
    assert wordpress.requests == []
    assert _article("post-10").lead_image_url == f"{wordpress.base}{UPLOADS}/ferry.jpg"
    reason = "image not brought into the library: address refused (private or not http) (remote URL kept)"
    assert report.warnings[reason] == 9  # every distinct image URL, each tried once


def test_command_fetches_by_default_and_no_attachments_keeps_remote_urls(
    wordpress: LoopbackServer, settings, tmp_path, capsys
) -> None:
    settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS = True
    wordpress.routes[f"{UPLOADS}/slow.jpg"] = Route(404)  # the command's own deadline is 20 s
    export = tmp_path / "export.xml"
    export.write_bytes(wxr(wordpress))

    assert main(["import-wxr", "--no-attachments", str(export)]) == 0
    assert wordpress.requests == []
    assert Image.objects.count() == 0
    assert _article("post-10").lead_image_url == f"{wordpress.base}{UPLOADS}/ferry.jpg"
    capsys.readouterr()

    assert main(["import-wxr", str(export)]) == 0
    out = capsys.readouterr().out
    assert "image               3        0          1        5" in out
    assert "image not brought into the library: HTTP 404 (remote URL kept)" in out
    assert _article("post-10").lead_media is not None


def test_dry_run_fetches_nothing(wordpress: LoopbackServer, settings) -> None:
    settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS = True
    import_wxr(wxr(wordpress), dry_run=True, attachments=True, fetch_options=QUICK)
    assert wordpress.requests == []
    assert Image.objects.count() == 0


def test_yoast_title_and_description_become_the_articles(wordpress: LoopbackServer) -> None:
    import_wxr(wxr(wordpress))
    ferry = _article("post-10")
    # %%page%% means nothing here and goes; the others are filled in.
    assert ferry.seo_title == "Ferries are back – Harbor Ledger"
    assert ferry.meta_description == "Ferries return to the north pier."
    assert (_article("post-11").seo_title, _article("post-11").meta_description) == ("", "")


def test_yoast_text_over_the_limits_is_cut_and_reported(wordpress: LoopbackServer) -> None:
    long_meta = YOAST.replace("%%title%% %%sep%% %%sitename%% %%page%%", "Word " * 30).replace(
        "Ferries return to the north pier.", "Sentence " * 40
    )
    data = wxr(wordpress).replace(YOAST.encode(), long_meta.encode())
    report = import_wxr(data)
    ferry = _article("post-10")
    assert len(ferry.seo_title) <= 70 and ferry.seo_title.endswith("…")
    assert len(ferry.meta_description) <= 160 and ferry.meta_description.endswith("…")
    assert report.warnings["Yoast SEO title longer than 70 characters: cut"] == 1
    assert report.warnings["Yoast meta description longer than 160 characters: cut"] == 1
