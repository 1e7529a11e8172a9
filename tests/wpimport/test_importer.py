"""Importing our own small exports: what each WordPress item becomes, idempotency, dry runs."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.newsroom.models import Article, Author, LegacyRedirect, Page, Section, Tag
from broadsheet.newsroom.signals import published
from broadsheet.wpimport.importer import import_wxr
from broadsheet.wpimport.models import WordPressItem
from tests.wpimport.conftest import fixture_bytes

pytestmark = pytest.mark.django_db

LEDGER = "wxr-1.2-https.xml"


def dump() -> list[tuple]:
    """Every content row the import may touch, for before/after comparisons."""
    articles = list(
        Article.objects.order_by("pk").values_list(
            "pk",
            "headline",
            "slug",
            "dek",
            "body",
            "status",
            "published_at",
            "updated_at",
            "section_id",
            "author_id",
            "is_sticky",
            "lead_image_url",
            "lead_image_alt",
            "lead_image_caption",
        )
    )
    pages = list(
        Page.objects.order_by("pk").values_list("pk", "title", "slug", "body", "parent_id", "updated_at")
    )
    others = [
        list(Section.objects.order_by("pk").values_list("pk", "slug", "name")),
        list(Tag.objects.order_by("pk").values_list("pk", "slug", "name")),
        list(Author.objects.order_by("pk").values_list("pk", "slug", "name")),
        list(
            WordPressItem.objects.order_by("pk").values_list("pk", "wp_id", "guid", "digest", "imported_at")
        ),
        list(LegacyRedirect.objects.order_by("pk").values_list("pk", "old_path", "article_id", "page_id")),
        list(Article.tags.through.objects.order_by("pk").values_list("pk", "article_id", "tag_id")),
    ]
    return [articles, pages, *others]


def article(wp_id: int) -> Article:
    return WordPressItem.objects.get(wp_id=wp_id).article


def test_posts_become_articles_with_status_dates_authors_sections_and_tags() -> None:
    report = import_wxr(fixture_bytes(LEDGER))
    ferry = article(10)
    assert ferry.headline == "Ferry plan approved & funded"
    assert ferry.slug == "ferry-plan-approved"
    assert ferry.status == "published" and ferry.state == "published"
    assert ferry.published_at == dt.datetime(2024, 3, 5, 14, 0, tzinfo=dt.UTC)
    assert ferry.dek == "Seven votes to two."
    assert ferry.is_sticky is True
    assert ferry.author.name == "Jo Doe"
    assert ferry.section.slug == "ferries"  # the first category
    assert sorted(ferry.tags.values_list("name", flat=True)) == ["Council", "港"]
    assert "<!--" not in ferry.body and "<h3>What happens next</h3>" in ferry.body
    assert "<li>Tenders in April</li>" in ferry.body
    # Featured image: the attachment's URL, its alt text and its caption (the excerpt).
    assert ferry.lead_image_url == "https://cdn.ledger.example/2023/11/market.jpg"
    assert (ferry.lead_image_alt, ferry.lead_image_caption) == ("Fish on ice", "Fish on ice at dawn")

    assert article(12).state == "scheduled"  # future → published with a future date
    draft = article(13)
    assert draft.status == "draft" and draft.slug == "draft-about-tides"
    assert draft.published_at == dt.datetime(2024, 1, 15, 15, 0, tzinfo=dt.UTC)  # local New York time
    assert article(15).status == "draft"  # private
    assert not WordPressItem.objects.filter(wp_id=14).exists()  # trash
    assert article(11).section.slug == "uncategorized"

    assert report.count("post", "created") == 6
    assert report.count("post", "skipped") == 1
    assert report.count("page", "created") == 2 and report.count("page", "skipped") == 1
    assert report.count("attachment", "created") == 2
    assert report.count("other", "skipped") == 1
    reasons = dict(report.warnings)
    assert reasons["status 'trash' skipped"] == 1
    assert reasons["private post imported as a draft"] == 1
    assert reasons["shortcode [gallery] removed"] == 1
    assert reasons["unknown shortcode [pullquote] removed"] == 1
    assert reasons["unsupported post type 'nav_menu_item' skipped"] == 1
    assert reasons["page not public (status 'draft') skipped"] == 1


def test_categories_become_sections_created_by_slug() -> None:
    import_wxr(fixture_bytes(LEDGER))
    harbor = Section.objects.get(slug="harbor")
    assert harbor.name == "Harbor" and harbor.description == "Ships & docks" and harbor.in_menu
    ferries = Section.objects.get(slug="ferries")
    assert not ferries.in_menu  # a child category stays out of the header menu
    assert Section.objects.filter(slug="uncategorized").exists()


def test_classic_content_gets_paragraphs_and_a_captioned_figure() -> None:
    import_wxr(fixture_bytes(LEDGER))
    body = article(11).body
    assert body.startswith("<p>The market opened at dawn.<br>\nStalls were full.</p>")
    assert "<figure><a" in body and "<figcaption>Fish on ice at dawn</figcaption></figure>" in body
    assert "[gallery" not in body and "[pullquote]" not in body and "Best cod in the county." in body
    assert "<ul>\n<li>Cod</li>" in body
    assert "<p>Prices rose [sic] again.</p>" in body


def test_hostile_html_is_sanitised() -> None:
    import_wxr(fixture_bytes(LEDGER))
    hostile = article(16)
    assert hostile.headline == 'alert("t")Hostile markup' or "<script" not in hostile.headline
    for bad in ("<script", "onclick", "javascript:", "<iframe", "onerror", "<style"):
        assert bad not in hostile.body


def test_pages_keep_their_parents_and_order() -> None:
    import_wxr(fixture_bytes(LEDGER))
    history = Page.objects.get(slug="history")
    assert history.parent == Page.objects.get(slug="the-paper")
    assert history.order == 2 and history.body == "<p>Founded in 1887.</p>"
    assert Page.objects.get(slug="the-paper").body == "<p>Who we are.</p>"


def test_other_attachments_are_kept_as_urls() -> None:
    import_wxr(fixture_bytes(LEDGER))
    pdf = WordPressItem.objects.get(wp_id=31)
    assert pdf.kind == "attachment" and pdf.attachment_url == "https://cdn.ledger.example/2023/11/tides.pdf"
    photo = WordPressItem.objects.get(wp_id=30)
    assert photo.article == article(10) and photo.alt_text == "Fish on ice"


def test_a_second_import_changes_nothing() -> None:
    import_wxr(fixture_bytes(LEDGER))
    before = dump()
    again = import_wxr(fixture_bytes(LEDGER))
    assert dump() == before
    assert again.total("created") == 0 and again.total("updated") == 0
    assert again.count("post", "unchanged") == 6
    assert again.count("redirect", "created") == 0 and again.count("redirect", "updated") == 0


def test_a_changed_item_is_updated_in_place() -> None:
    import_wxr(fixture_bytes(LEDGER))
    ferry_pk = article(10).pk
    changed = fixture_bytes(LEDGER).replace(b"Seven votes to two.", b"Seven to two, after a long night.")
    report = import_wxr(changed)
    assert report.count("post", "updated") == 1 and report.count("post", "unchanged") == 5
    assert article(10).pk == ferry_pk and article(10).dek == "Seven to two, after a long night."
    assert Article.objects.count() == 6


def test_the_same_post_is_found_by_guid_when_its_id_changed() -> None:
    import_wxr(fixture_bytes(LEDGER))
    renumbered = fixture_bytes(LEDGER).replace(
        b"<wp:post_id>16</wp:post_id>", b"<wp:post_id>916</wp:post_id>"
    )
    report = import_wxr(renumbered)
    assert report.count("post", "created") == 0
    assert WordPressItem.objects.get(guid="https://ledger.example/?p=16").wp_id == 916


def test_another_post_with_a_taken_id_is_not_overwritten() -> None:
    import_wxr(fixture_bytes(LEDGER))
    other_guid = fixture_bytes(LEDGER).replace(
        b"https://ledger.example/?p=16<", b"https://elsewhere.example/?p=16<"
    )
    report = import_wxr(other_guid)
    assert report.count("post", "skipped") == 2  # the trashed post and the conflicting one
    assert "post id already imported with another GUID or type; skipped" in report.warnings
    assert article(16).headline.endswith("Hostile markup")


def test_dry_run_writes_nothing() -> None:
    before = dump()
    report = import_wxr(fixture_bytes(LEDGER), dry_run=True)
    assert report.dry_run and report.count("post", "created") == 6
    assert dump() == before


def test_published_articles_announce_themselves_once_written() -> None:
    seen: list[tuple[int, str]] = []

    def receiver(sender: object, article_id: int, action: str, **kwargs: object) -> None:
        seen.append((article_id, action))

    published.connect(receiver, dispatch_uid="test-wpimport")
    try:
        with pytest.MonkeyPatch.context():
            from django.test import TestCase

            with TestCase.captureOnCommitCallbacks(execute=True):
                import_wxr(fixture_bytes(LEDGER))
    finally:
        published.disconnect(dispatch_uid="test-wpimport")
    announced = {article_id for article_id, action in seen if action == "published"}
    assert article(10).pk in announced and article(12).pk in announced  # published and scheduled
    assert article(13).pk not in announced  # a draft says nothing


@pytest.mark.parametrize(
    ("name", "sticky_wp_id", "draft_wp_id"),
    [("wxr-1.1-http.xml", 102, 102), ("wxr-1.0.xml", 1, None)],
)
def test_older_versions_import(name: str, sticky_wp_id: int, draft_wp_id: int | None) -> None:
    report = import_wxr(fixture_bytes(name))
    assert report.total("created") >= 2
    assert article(sticky_wp_id).is_sticky
    if draft_wp_id is not None:
        assert article(draft_wp_id).status == "pending_review"  # WordPress's "pending"


def test_an_existing_page_with_the_same_slug_takes_the_wordpress_content() -> None:
    Page.objects.create(title="About the blog", slug="about-the-blog", body="<p>Old.</p>")
    report = import_wxr(fixture_bytes("wxr-1.0.xml"))
    assert Page.objects.get(slug="about-the-blog").body == "<p>About this blog.</p>"
    assert Page.objects.filter(slug__startswith="about-the-blog").count() == 1
    assert report.count("page", "updated") == 1
