"""Writing a parsed WordPress export into the newsroom: the one step of the import that stores.

Articles go through `newsroom.services.save_article` (sanitising, slugs, the published
signal). Each item is written in its own savepoint, so a failing one becomes a warning and
the import goes on. What each item became is kept in WordPressItem, keyed by post id and by
GUID, so running the same file again updates what changed and touches nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from broadsheet.core import clock
from broadsheet.core.markup_cost import MarkupTooComplex
from broadsheet.core.urls import safe_http_url
from broadsheet.newsroom import services
from broadsheet.newsroom.models import RESERVED_SLUGS, Article, Author, Page, Section, Tag, unique_slug
from broadsheet.wpimport import paths
from broadsheet.wpimport.convert import convert_content, plain_text
from broadsheet.wpimport.models import LegacyRedirect, WordPressItem
from broadsheet.wpimport.report import ImportReport
from broadsheet.wpimport.wxr import WxrDocument, WxrItem, WxrTerm, parse_wxr

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

DEFAULT_SECTION = ("uncategorized", "Uncategorized")
DRAFT_STATUSES = frozenset({"draft", "pending", "private"})
SKIPPED_STATUSES = frozenset({"trash", "auto-draft", "inherit"})
# Failures of one item that must not stop the others.
ITEM_ERRORS = (DatabaseError, ValidationError, ValueError)


def _digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _label(item: WxrItem) -> str:
    title = plain_text(item.title)[:50] or "(no title)"
    return f"{item.post_type} {item.wp_id} “{title}”"


def _http_url(url: str) -> str:
    """An attachment's URL when it is an absolute http(s) URL that fits its column, else ""."""
    url = safe_http_url(url)
    return url if len(url) <= 1000 else ""


class _Importer:
    def __init__(self, doc: WxrDocument, report: ImportReport, progress: Progress | None) -> None:
        self.doc = doc
        self.report = report
        self.progress = progress
        self.site = doc.site_url[:200]
        self.authors_by_login = {a.login: a for a in doc.authors}
        self.categories_by_slug = {c.slug: c for c in doc.categories}
        self.attachments = {i.wp_id: i for i in doc.items if i.post_type == "attachment"}
        self._authors: dict[str, Author | None] = {}
        self._sections: dict[str, Section] = {}
        self._tags: dict[str, Tag] = {}
        self.records_by_id: dict[int, WordPressItem] = {}
        self.records_by_guid: dict[str, WordPressItem] = {}
        for record in WordPressItem.objects.filter(site=self.site):
            self.records_by_id[record.wp_id] = record
            self.records_by_guid[record.guid] = record
        self.redirects: dict[str, LegacyRedirect] = {}
        self.done = 0
        self.page_parents = {i.wp_id: i.parent_id for i in doc.items if i.post_type == "page"}
        self.guids = self._effective_guids()

    # --- the run ---------------------------------------------------------------------------

    def run(self) -> None:
        items = self.doc.items
        for author in self.doc.authors:
            self._author(author.login)
        for category in self.doc.categories:
            self._section(category.slug, category.name)
        for tag in self.doc.tags:
            self._tag(tag.slug, tag.name)
        posts = [i for i in items if i.post_type == "post"]
        pages = sorted((i for i in items if i.post_type == "page"), key=self._page_depth)
        attachments = list(self.attachments.values())
        others = [i for i in items if i.post_type not in ("post", "page", "attachment")]
        for handler, group in ((self._post, posts), (self._page, pages), (self._attachment, attachments)):
            for item in group:
                self._guarded(handler, item)
        for item in others:
            self.report.add("other", "skipped")
            self.report.warn(f"unsupported post type {item.post_type!r} skipped", _label(item))
            self._tick()

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, len(self.doc.items))

    def _guarded(self, handler: Callable[[WxrItem], None], item: WxrItem) -> None:
        try:
            with transaction.atomic():
                handler(item)
        except MarkupTooComplex as exc:
            # Refused before the sanitiser spent minutes on it; the reason says what to fix.
            logger.warning("WordPress %s %s failed: %s", item.post_type, item.wp_id, exc)
            self.report.add(item.post_type, "skipped")
            self.report.warn(
                "failed to import: content too complex to clean safely", f"{_label(item)}: {exc}"[:200]
            )
        except ITEM_ERRORS as exc:
            logger.warning("WordPress %s %s failed: %s", item.post_type, item.wp_id, exc)
            self.report.add(item.post_type, "skipped")
            self.report.warn(f"failed to import: {type(exc).__name__}", f"{_label(item)}: {exc}"[:200])
        self._tick()

    # --- who and where: authors, sections, tags --------------------------------------------

    def _author(self, raw_login: str) -> Author | None:
        # Logins cannot hold angle brackets, but exports do carry a stray one.
        login = raw_login.strip("<> \t\n")
        if not login:
            return None
        if login in self._authors:
            return self._authors[login]
        known = self.authors_by_login.get(login)
        name = ((known.display_name if known else "") or login)[:120]
        # By name first: that is what an earlier import created, and it is the same on every run.
        found = Author.objects.filter(name=name).first() or Author.objects.filter(slug=slugify(login)).first()
        if found is None:
            found = Author.objects.create(name=name, slug=unique_slug(Author, name, max_length=120))
            self.report.add("author", "created")
        else:
            self.report.add("author", "unchanged")
        self._authors[login] = found
        if found.slug != login:
            self._redirect(f"/author/{unquote(login)}/", author=found)
        return found

    def _category_path(self, slug: str) -> str:
        chain, seen = [slug], {slug}
        parent = self.categories_by_slug.get(slug)
        while parent is not None and parent.parent_slug and parent.parent_slug not in seen:
            chain.insert(0, parent.parent_slug)
            seen.add(parent.parent_slug)
            parent = self.categories_by_slug.get(parent.parent_slug)
        return "/".join(chain)

    def _section(self, wp_slug: str, name: str) -> Section:
        key = wp_slug or slugify(name)
        if key in self._sections:
            return self._sections[key]
        slug = (paths.clean_slug(wp_slug) or slugify(name) or DEFAULT_SECTION[0])[:80]
        # An earlier import may have had to give the section another slug: its redirect knows.
        earlier = (
            LegacyRedirect.objects.filter(old_path=f"/category/{unquote(wp_slug)}/", section__isnull=False)
            .select_related("section")
            .first()
            if wp_slug
            else None
        )
        found = earlier.section if earlier is not None else Section.objects.filter(slug=slug).first()
        if found is None:
            category = self.categories_by_slug.get(wp_slug)
            display = plain_text(name)[:80] or slug
            if Section.objects.filter(name=display).exists():
                display = f"{display[:70]} ({slug})"[:80]
            if slug in RESERVED_SLUGS or Page.objects.filter(slug=slug).exists():
                slug = unique_slug(Section, f"{slug}-section", max_length=80)
            found = Section.objects.create(
                name=display,
                slug=slug,
                description=plain_text(category.description) if category else "",
                in_menu=not (category and category.parent_slug),
            )
            self.report.add("section", "created")
        else:
            self.report.add("section", "unchanged")
        self._sections[key] = found
        if wp_slug:
            self._redirect(f"/category/{unquote(self._category_path(wp_slug))}/", section=found)
            self._redirect(f"/category/{unquote(wp_slug)}/", section=found)
        category = self.categories_by_slug.get(wp_slug)
        if category is not None and category.term_id:
            self._redirect(paths.query_path("cat", category.term_id), section=found)
        return found

    def _tag(self, wp_slug: str, name: str) -> Tag:
        key = wp_slug or slugify(name)
        if key in self._tags:
            return self._tags[key]
        display = plain_text(name)[:80] or wp_slug
        slug = paths.clean_slug(wp_slug)[:80]
        found = (Tag.objects.filter(slug=slug).first() if slug else None) or Tag.objects.filter(
            name__iexact=display
        ).first()
        if found is None:
            if not slug or Tag.objects.filter(slug=slug).exists():
                slug = unique_slug(Tag, display or "tag", max_length=80)
            found = Tag.objects.create(name=display, slug=slug)
            self.report.add("tag", "created")
        else:
            self.report.add("tag", "unchanged")
        self._tags[key] = found
        if wp_slug and found.slug != wp_slug:
            self._redirect(f"/tag/{unquote(wp_slug)}/", tag=found)
        return found

    # --- keeping old URLs --------------------------------------------------------------------

    def _redirect(self, old_path: str | None, **target: Any) -> None:
        if not old_path or len(old_path) > paths.MAX_PATH:
            return
        current = self.redirects.get(old_path) or LegacyRedirect.objects.filter(old_path=old_path).first()
        wanted = {
            f"{name}_id": (target[name].pk if target.get(name) else None) for name in LegacyRedirect.TARGETS
        }
        if current is not None and all(getattr(current, k) == v for k, v in wanted.items()):
            self.redirects[old_path] = current
            return
        outcome = "updated" if current is not None else "created"
        if current is None:
            current = LegacyRedirect(old_path=old_path)
        for field_name, value in wanted.items():
            setattr(current, field_name, value)
        current.save()
        self.redirects[old_path] = current
        self.report.add("redirect", outcome)

    def _redirect_item(self, item: WxrItem, **target: Any) -> None:
        query_key = {"page": "page_id", "attachment": "attachment_id"}.get(item.post_type, "p")
        self._redirect(paths.query_path(query_key, item.wp_id), **target)
        if query_key != "p":
            # WordPress answers /?p=ID for any post type.
            self._redirect(paths.query_path("p", item.wp_id), **target)
        old = paths.old_path(item.link)
        if old is not None:
            self._redirect(old, **target)
            if item.post_type == "post":
                categories = frozenset(t.slug for t in item.categories)
                self.report.permalink_structures[paths.permalink_structure(old, categories)] += 1

    # --- which record -------------------------------------------------------------------------

    def _effective_guids(self) -> dict[int, str]:
        """Each item's GUID, told apart by post id when two items of the file share one.

        A GUID should be unique, but exports do carry duplicates (the theme unit test data
        has two pairs). The first item keeps it; the order of the file decides, so a second
        import of the same file pairs every item with the same record again.
        """
        guids: dict[int, str] = {}
        owner: dict[str, WxrItem] = {}
        for item in self.doc.items:
            if item.post_type not in ("post", "page", "attachment"):
                continue
            first = owner.setdefault(item.guid, item)
            if first is item:
                guids[item.wp_id] = item.guid
            else:
                guids[item.wp_id] = f"{item.guid}#{item.wp_id}"
                self.report.warn("GUID shared with another item: told apart by post id", _label(item))
        return guids

    def _guid(self, item: WxrItem) -> str:
        return self.guids.get(item.wp_id, item.guid)[:500]

    def _record(self, item: WxrItem) -> tuple[WordPressItem | None, bool]:
        """The item's record if imported before, and whether it may be written at all."""
        guid = self._guid(item)
        by_guid = self.records_by_guid.get(guid)
        by_id = self.records_by_id.get(item.wp_id)
        if by_guid is not None and by_id is not None and by_guid.pk != by_id.pk:
            self.report.warn("post id and GUID belong to two earlier items; skipped", _label(item))
            return None, False
        record = by_guid or by_id
        if record is not None and (record.guid != guid or record.kind != item.post_type):
            # The same id on the same site with another GUID is another post (two exports
            # of different sites at one address, or a rebuilt site): never overwrite it.
            self.report.warn("post id already imported with another GUID or type; skipped", _label(item))
            return None, False
        if record is not None and record.wp_id != item.wp_id:
            # Same GUID, new id: the site was moved to another WordPress and renumbered.
            self.records_by_id.pop(record.wp_id, None)
            record.wp_id = item.wp_id
            record.save(update_fields=["wp_id"])
            self.records_by_id[record.wp_id] = record
        return record, True

    def _remember(self, record: WordPressItem | None, item: WxrItem, **fields: Any) -> WordPressItem:
        if record is None:
            record = WordPressItem(
                site=self.site, wp_id=item.wp_id, guid=self._guid(item), kind=item.post_type
            )
        record.wp_id = item.wp_id
        for name, value in fields.items():
            setattr(record, name, value)
        record.old_path = paths.old_path(item.link) or ""
        record.save()
        self.records_by_id[record.wp_id] = record
        self.records_by_guid[record.guid] = record
        return record

    # --- posts ----------------------------------------------------------------------------------

    def _post_status(self, item: WxrItem) -> str | None:
        label = _label(item)
        if item.status in SKIPPED_STATUSES:
            self.report.warn(f"status {item.status!r} skipped", label)
            return None
        if item.password:
            self.report.warn("password-protected post imported as a draft", label)
            return Article.Status.DRAFT
        if item.status in DRAFT_STATUSES:
            if item.status == "private":
                self.report.warn("private post imported as a draft", label)
            return Article.Status.DRAFT
        if item.status in ("publish", "future"):
            return Article.Status.PUBLISHED
        self.report.warn(f"unknown status {item.status!r} imported as a draft", label)
        return Article.Status.DRAFT

    def _lead_image(self, item: WxrItem) -> dict[str, str]:
        raw = item.meta_value("_thumbnail_id").strip()
        if not raw.isdigit():
            return {"lead_image_url": "", "lead_image_alt": "", "lead_image_caption": ""}
        attachment = self.attachments.get(int(raw))
        url = _http_url(attachment.attachment_url) if attachment else ""
        if not url:
            self.report.warn("featured image not in the export", _label(item))
            return {"lead_image_url": "", "lead_image_alt": "", "lead_image_caption": ""}
        assert attachment is not None
        return {
            "lead_image_url": url,
            "lead_image_alt": plain_text(attachment.meta_value("_wp_attachment_image_alt"))[:300],
            "lead_image_caption": plain_text(attachment.excerpt)[:500],
        }

    def _post_section(self, item: WxrItem) -> Section:
        categories: tuple[WxrTerm, ...] = item.categories
        first = next((c for c in categories if c.slug or c.name), None)
        if first is None:
            return self._section(*DEFAULT_SECTION)
        for other in categories[1:]:
            self._section(other.slug, other.name)  # so /category/<slug>/ still answers
        return self._section(first.slug, first.name)

    def _post(self, item: WxrItem) -> None:
        status = self._post_status(item)
        if status is None:
            self.report.add("post", "skipped")
            return
        record, writable = self._record(item)
        if not writable:
            self.report.add("post", "skipped")
            return
        converted = convert_content(item.content)
        for warning in converted.warnings:
            self.report.warn(warning, _label(item))
        headline = plain_text(item.title)
        if not headline:
            self.report.warn("empty title: headline set to “Untitled”", _label(item))
            headline = "Untitled"
        section = self._post_section(item)
        author = self._author(item.creator)
        tags = [self._tag(t.slug, t.name) for t in item.tags]
        fields: dict[str, Any] = {
            "headline": headline[:300],
            "dek": plain_text(item.excerpt),
            "body": converted.html,
            "status": str(status),
            "section_id": section.pk,
            "author_id": author.pk if author else None,
            "is_sticky": item.sticky or item.wp_id in self.doc.sticky_ids,
            **self._lead_image(item),
        }
        wanted_slug = (paths.clean_slug(item.slug) or slugify(headline) or "untitled")[:200]
        digest = _digest(
            {**fields, "published_at": item.date, "slug": wanted_slug, "tags": sorted(t.pk for t in tags)}
        )
        article = record.article if record is not None else None
        if record is not None and article is not None and record.digest == digest:
            self.report.add("post", "unchanged")
            self._redirect_item(item, article=article)
            return
        outcome = "updated" if article is not None else "created"
        if article is None:
            article = Article()
        for name, value in fields.items():
            setattr(article, name, value)
        if item.date is not None:
            article.published_at = item.date
        elif article.published_at is None and status == Article.Status.PUBLISHED:
            self.report.warn("no date: published now", _label(item))
            article.published_at = clock.now()
        article.slug = self._article_slug(article, wanted_slug)
        services.save_article(article, tags=[t.pk for t in tags])
        self._remember(record, item, article=article, digest=digest)
        self.report.add("post", outcome)
        self._redirect_item(item, article=article)

    @staticmethod
    def _article_slug(article: Article, wanted: str) -> str:
        """The WordPress slug when it is free; an article keeps the slug it has otherwise."""
        taken = Article.objects.filter(slug=wanted).exclude(pk=article.pk).exists()
        if wanted not in RESERVED_SLUGS and not taken:
            return wanted
        return article.slug or unique_slug(Article, wanted, exclude_pk=article.pk)

    # --- pages ----------------------------------------------------------------------------------

    def _page_depth(self, item: WxrItem) -> int:
        depth, seen, parent = 0, {item.wp_id}, item.parent_id
        while parent in self.page_parents and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = self.page_parents[parent]
        return depth

    def _page_slug(self, page: Page, wanted: str, title: str) -> str:
        if wanted and wanted not in RESERVED_SLUGS and not Section.objects.filter(slug=wanted).exists():
            holder = Page.objects.filter(slug=wanted).exclude(pk=page.pk).first()
            if holder is None:
                return wanted
        if page.slug:
            return page.slug
        candidate = unique_slug(Page, wanted or title, max_length=100)
        while Section.objects.filter(slug=candidate).exists():
            candidate = unique_slug(Page, f"{candidate}-page", max_length=100)
        return candidate

    def _page(self, item: WxrItem) -> None:
        if item.status != "publish" or item.password:
            reason = "password-protected" if item.password else f"status {item.status!r}"
            self.report.warn(f"page not public ({reason}) skipped", _label(item))
            self.report.add("page", "skipped")
            return
        record, writable = self._record(item)
        if not writable:
            self.report.add("page", "skipped")
            return
        converted = convert_content(item.content)
        for warning in converted.warnings:
            self.report.warn(warning, _label(item))
        title = plain_text(item.title) or "Untitled"
        parent_record = self.records_by_id.get(item.parent_id) if item.parent_id else None
        parent = parent_record.page if parent_record is not None else None
        if item.parent_id and parent is None:
            self.report.warn("parent page not imported: page placed at the top", _label(item))
        wanted = paths.clean_slug(item.slug)[:100]
        values = {"title": title[:200], "body": converted.html, "order": min(item.menu_order, 32767)}
        digest = _digest({**values, "slug": wanted, "parent": item.parent_id if parent else None})
        page = record.page if record is not None else None
        if record is not None and page is not None and record.digest == digest:
            self.report.add("page", "unchanged")
            self._redirect_item(item, page=page)
            return
        outcome = "updated" if page is not None else "created"
        if page is None:
            adopted = Page.objects.filter(slug=wanted).first() if wanted else None
            claimed = adopted is not None and WordPressItem.objects.filter(page=adopted).exists()
            if adopted is not None and not claimed:
                self.report.warn("existing page took the WordPress page's content", _label(item))
                page, outcome = adopted, "updated"
            else:
                page = Page(in_contact_menu=False, in_footer=parent is None)
        for name, value in values.items():
            setattr(page, name, value)
        page.parent = parent if parent is not None and parent.pk != page.pk else None
        page.slug = self._page_slug(page, wanted, title)
        page.save()
        self._remember(record, item, page=page, digest=digest)
        self.report.add("page", outcome)
        self._redirect_item(item, page=page)

    # --- attachments ------------------------------------------------------------------------------

    def _attachment(self, item: WxrItem) -> None:
        record, writable = self._record(item)
        if not writable:
            self.report.add("attachment", "skipped")
            return
        url = _http_url(item.attachment_url or item.guid)
        if not url:
            self.report.warn("attachment without an http(s) URL", _label(item))
        parent_record = self.records_by_id.get(item.parent_id) if item.parent_id else None
        article = parent_record.article if parent_record is not None else None
        values = {
            "attachment_url": url,
            "caption": plain_text(item.excerpt)[:500],
            "alt_text": plain_text(item.meta_value("_wp_attachment_image_alt"))[:300],
            "article": article,
        }
        digest = _digest({**values, "article": article.pk if article else None})
        if record is not None and record.digest == digest:
            self.report.add("attachment", "unchanged")
        else:
            self.report.add("attachment", "updated" if record is not None else "created")
            self._remember(record, item, digest=digest, **values)
        if article is not None:
            # An attachment's own page sends readers to the story it belongs to.
            self._redirect_item(item, article=article)


def import_document(
    doc: WxrDocument, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import a parsed export; with `dry_run`, do it all in a transaction that is rolled back."""
    report = ImportReport(dry_run=dry_run, source=doc.site_url)
    if dry_run:
        with transaction.atomic():
            _Importer(doc, report, progress).run()
            transaction.set_rollback(True)
    else:
        # No transaction around the whole run: each item commits on its own, so a long
        # import does not hold the database's write lock, and what is done stays done.
        _Importer(doc, report, progress).run()
    logger.info(
        "WordPress import of %s: %d created, %d updated, %d warnings",
        doc.site_url,
        report.total("created"),
        report.total("updated"),
        sum(report.warnings.values()),
    )
    return report


def site_timezone() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def import_wxr(data: bytes, *, dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Parse and import a WXR file's bytes (raises WxrError when the file cannot be read)."""
    return import_document(parse_wxr(data, local_tz=site_timezone()), dry_run=dry_run, progress=progress)
