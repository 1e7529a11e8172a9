"""WordPress posts as Articles: status, section, byline, tags, lead image and slug."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import RESERVED_SLUGS, Article, Section, unique_slug
from broadsheet.wpimport import paths, terms, yoast
from broadsheet.wpimport.convert import plain_text
from broadsheet.wpimport.run import ImportRun, http_url, item_label, values_digest
from broadsheet.wpimport.terms import DEFAULT_SECTION
from broadsheet.wpimport.wxr import WxrItem, WxrTerm

DRAFT_STATUSES = frozenset({"draft", "private"})
SKIPPED_STATUSES = frozenset({"trash", "auto-draft", "inherit"})


def post_status(run: ImportRun, item: WxrItem) -> str | None:
    """The Article status the item becomes; None for a status never imported (counted as skipped)."""
    label = item_label(item)
    if item.status in SKIPPED_STATUSES:
        run.skip(item, f"status {item.status!r} skipped")
        return None
    if item.password:
        run.report.warn("password-protected post imported as a draft", label)
        return Article.Status.DRAFT
    if item.status == "pending":
        # WordPress's "Pending Review" is ours: it waits for an editor.
        return Article.Status.PENDING_REVIEW
    if item.status in DRAFT_STATUSES:
        if item.status == "private":
            run.report.warn("private post imported as a draft", label)
        return Article.Status.DRAFT
    if item.status in ("publish", "future"):
        return Article.Status.PUBLISHED
    run.report.warn(f"unknown status {item.status!r} imported as a draft", label)
    return Article.Status.DRAFT


def lead_image(run: ImportRun, item: WxrItem) -> dict[str, Any]:
    raw = item.meta_value("_thumbnail_id").strip()
    if not raw.isdigit():
        return {"lead_image_url": "", "lead_image_alt": "", "lead_image_caption": ""}
    attachment = run.attachments.get(int(raw))
    url = http_url(attachment.attachment_url) if attachment else ""
    if not url:
        run.report.warn("featured image not in the export", item_label(item))
        return {"lead_image_url": "", "lead_image_alt": "", "lead_image_caption": ""}
    assert attachment is not None
    image = run.library.for_attachment(attachment, item_label(item)) if run.library is not None else None
    if image is not None:
        # From the library now: the remote URL goes, so the old site can be switched off.
        return {
            "lead_media_id": image.pk,
            "lead_image_url": "",
            "lead_image_alt": image.alt,
            "lead_image_caption": image.caption,
            "lead_image_credit": image.credit,
            "lead_image_width": image.width,
            "lead_image_height": image.height,
        }
    return {
        "lead_image_url": url,
        "lead_image_alt": plain_text(attachment.meta_value("_wp_attachment_image_alt"))[:300],
        "lead_image_caption": plain_text(attachment.excerpt)[:500],
    }


def post_section(run: ImportRun, item: WxrItem) -> Section:
    categories: tuple[WxrTerm, ...] = item.categories
    first = next((c for c in categories if c.slug or c.name), None)
    if first is None:
        return terms.section(run, *DEFAULT_SECTION)
    for other in categories[1:]:
        terms.section(run, other.slug, other.name)  # so /category/<slug>/ still answers
    return terms.section(run, first.slug, first.name)


def import_post(run: ImportRun, item: WxrItem) -> None:
    status = post_status(run, item)
    if status is None:
        return
    record, writable = run.record(item)
    if not writable:
        return
    body = run.body_html(item)
    headline = plain_text(item.title)
    if not headline:
        run.report.warn("empty title: headline set to “Untitled”", item_label(item))
        headline = "Untitled"
    section = post_section(run, item)
    author = terms.author(run, item.creator)
    tags = [terms.tag(run, t.slug, t.name) for t in item.tags]
    fields: dict[str, Any] = {
        "headline": headline[:300],
        "dek": plain_text(item.excerpt),
        "body": body,
        "status": str(status),
        "section_id": section.pk,
        "author_id": author.pk if author else None,
        "is_sticky": item.sticky or item.wp_id in run.doc.sticky_ids,
        **lead_image(run, item),
        **yoast.seo_fields(run, item),
    }
    wanted_slug = (paths.clean_slug(item.slug) or slugify(headline) or "untitled")[:200]
    digest = values_digest(
        {**fields, "published_at": item.date, "slug": wanted_slug, "tags": sorted(t.pk for t in tags)}
    )
    article = record.article if record is not None else None
    if run.unchanged(record, item, digest, article=article):
        return
    outcome = "updated" if article is not None else "created"
    if article is None:
        article = Article()
    for name, value in fields.items():
        setattr(article, name, value)
    if item.date is not None:
        article.published_at = item.date
    elif article.published_at is None and status == Article.Status.PUBLISHED:
        run.report.warn("no date: published now", item_label(item))
        article.published_at = clock.now()
    article.slug = article_slug(article, wanted_slug)
    services.save_article(article, tags=[t.pk for t in tags])
    run.saved(record, item, outcome, digest, article=article)


def article_slug(article: Article, wanted: str) -> str:
    """The WordPress slug when it is free; an article keeps the slug it has otherwise."""
    taken = Article.objects.filter(slug=wanted).exclude(pk=article.pk).exists()
    if wanted not in RESERVED_SLUGS and not taken:
        return wanted
    return article.slug or unique_slug(Article, wanted, exclude_pk=article.pk)
