"""One import run's shared state: the export, its report, earlier records and old-URL redirects.

What each item became is kept in WordPressItem, keyed by post id and by GUID, so running the
same file again updates what changed and touches nothing else; the item kinds (`terms.py`,
`posts.py`, `pages.py`, `attachments.py`) find and keep their records here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from broadsheet.core.urls import safe_http_url
from broadsheet.newsroom.models import Author, LegacyRedirect, Section, Tag
from broadsheet.newsroom.redirects import OLD_PATH_MAX, query_path
from broadsheet.wpimport import paths
from broadsheet.wpimport.convert import convert_content, plain_text
from broadsheet.wpimport.library import AttachmentLibrary
from broadsheet.wpimport.models import WordPressItem
from broadsheet.wpimport.report import ImportReport
from broadsheet.wpimport.wxr import WxrDocument, WxrItem


def values_digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def item_label(item: WxrItem) -> str:
    title = plain_text(item.title)[:50] or "(no title)"
    return f"{item.post_type} {item.wp_id} “{title}”"


def http_url(url: str) -> str:
    """An attachment's URL when it is an absolute http(s) URL that fits its column, else ""."""
    url = safe_http_url(url)
    return url if len(url) <= 1000 else ""


class ImportRun:
    """What one import knows while it runs; each item kind reads it and adds to it."""

    def __init__(
        self, doc: WxrDocument, report: ImportReport, library: AttachmentLibrary | None = None
    ) -> None:
        """With `library`, attachments are brought into the media library; without, their
        remote URLs are kept (`import-wxr --no-attachments`)."""
        self.doc = doc
        self.report = report
        self.library = library
        self.site = doc.site_url[:200]
        self.authors_by_login = {a.login: a for a in doc.authors}
        self.categories_by_slug = {c.slug: c for c in doc.categories}
        self.attachments = self.attachment_items(doc)
        # What each login and term slug became in this run.
        self.authors: dict[str, Author | None] = {}
        self.sections: dict[str, Section] = {}
        self.tags: dict[str, Tag] = {}
        self.records_by_id: dict[int, WordPressItem] = {}
        self.records_by_guid: dict[str, WordPressItem] = {}
        for record in WordPressItem.objects.filter(site=self.site):
            self.records_by_id[record.wp_id] = record
            self.records_by_guid[record.guid] = record
        self.redirects: dict[str, LegacyRedirect] = {}
        self.page_parents = {i.wp_id: i.parent_id for i in doc.items if i.post_type == "page"}
        self.guids = self._effective_guids()

    @staticmethod
    def attachment_items(doc: WxrDocument) -> dict[int, WxrItem]:
        return {i.wp_id: i for i in doc.items if i.post_type == "attachment"}

    # --- keeping old URLs --------------------------------------------------------------------

    def redirect(self, old_path: str | None, **target: Any) -> None:
        if not old_path or len(old_path) > OLD_PATH_MAX:
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

    def redirect_item(self, item: WxrItem, **target: Any) -> None:
        query_key = {"page": "page_id", "attachment": "attachment_id"}.get(item.post_type, "p")
        self.redirect(query_path(query_key, item.wp_id), **target)
        if query_key != "p":
            # WordPress answers /?p=ID for any post type.
            self.redirect(query_path("p", item.wp_id), **target)
        old = paths.old_path(item.link)
        if old is not None:
            self.redirect(old, **target)
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
                self.report.warn("GUID shared with another item: told apart by post id", item_label(item))
        return guids

    def guid(self, item: WxrItem) -> str:
        return self.guids.get(item.wp_id, item.guid)[:500]

    def record(self, item: WxrItem) -> tuple[WordPressItem | None, bool]:
        """The item's record if imported before, and whether it may be written at all (an item
        that may not is already reported and counted as skipped)."""
        guid = self.guid(item)
        by_guid = self.records_by_guid.get(guid)
        by_id = self.records_by_id.get(item.wp_id)
        if by_guid is not None and by_id is not None and by_guid.pk != by_id.pk:
            self.skip(item, "post id and GUID belong to two earlier items; skipped")
            return None, False
        record = by_guid or by_id
        if record is not None and (record.guid != guid or record.kind != item.post_type):
            # The same id on the same site with another GUID is another post (two exports
            # of different sites at one address, or a rebuilt site): never overwrite it.
            self.skip(item, "post id already imported with another GUID or type; skipped")
            return None, False
        if record is not None and record.wp_id != item.wp_id:
            # Same GUID, new id: the site was moved to another WordPress and renumbered.
            self.records_by_id.pop(record.wp_id, None)
            record.wp_id = item.wp_id
            record.save(update_fields=["wp_id"])
            self.records_by_id[record.wp_id] = record
        return record, True

    def skip(self, item: WxrItem, why: str) -> None:
        """Pass an item over: say why, and count it as skipped under its kind."""
        self.report.warn(why, item_label(item))
        self.report.add(item.post_type, "skipped")

    def body_html(self, item: WxrItem) -> str:
        """The item's content as the site's HTML; what the conversion changed is reported."""
        converted = convert_content(item.content)
        for warning in converted.warnings:
            self.report.warn(warning, item_label(item))
        if self.library is not None:
            return self.library.rewrite_body(converted.html, item_label(item))
        return converted.html

    def unchanged(self, record: WordPressItem | None, item: WxrItem, digest: str, **target: Any) -> bool:
        """Whether the item was imported before with these very values into `target`, which
        still exists: then it is counted as unchanged, its old URLs kept, and nothing written."""
        if record is None or record.digest != digest or any(t is None for t in target.values()):
            return False
        self.report.add(item.post_type, "unchanged")
        self.redirect_item(item, **target)
        return True

    def saved(
        self, record: WordPressItem | None, item: WxrItem, outcome: str, digest: str, **target: Any
    ) -> None:
        """After the item was written into `target`: keep its record, count it, keep its old URLs."""
        self.remember(record, item, digest=digest, **target)
        self.report.add(item.post_type, outcome)
        self.redirect_item(item, **target)

    def remember(self, record: WordPressItem | None, item: WxrItem, **fields: Any) -> WordPressItem:
        if record is None:
            record = WordPressItem(
                site=self.site, wp_id=item.wp_id, guid=self.guid(item), kind=item.post_type
            )
        record.wp_id = item.wp_id
        for name, value in fields.items():
            setattr(record, name, value)
        record.old_path = paths.old_path(item.link) or ""
        record.save()
        self.records_by_id[record.wp_id] = record
        self.records_by_guid[record.guid] = record
        return record
