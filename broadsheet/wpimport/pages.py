"""WordPress pages as Pages: public ones only, parents before children, slugs kept where free."""

from __future__ import annotations

from broadsheet.newsroom.models import RESERVED_SLUGS, Page, Section, unique_slug
from broadsheet.wpimport import paths
from broadsheet.wpimport.convert import plain_text
from broadsheet.wpimport.models import WordPressItem
from broadsheet.wpimport.run import ImportRun, item_label, values_digest
from broadsheet.wpimport.wxr import WxrItem


def page_depth(run: ImportRun, item: WxrItem) -> int:
    depth, seen, parent = 0, {item.wp_id}, item.parent_id
    while parent in run.page_parents and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = run.page_parents[parent]
    return depth


def page_slug(page: Page, wanted: str, title: str) -> str:
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


def import_page(run: ImportRun, item: WxrItem) -> None:
    if item.status != "publish" or item.password:
        reason = "password-protected" if item.password else f"status {item.status!r}"
        run.skip(item, f"page not public ({reason}) skipped")
        return
    record, writable = run.record(item)
    if not writable:
        return
    body = run.body_html(item)
    title = plain_text(item.title) or "Untitled"
    parent_record = run.records_by_id.get(item.parent_id) if item.parent_id else None
    parent = parent_record.page if parent_record is not None else None
    if item.parent_id and parent is None:
        run.report.warn("parent page not imported: page placed at the top", item_label(item))
    wanted = paths.clean_slug(item.slug)[:100]
    values = {"title": title[:200], "body": body, "order": min(item.menu_order, 32767)}
    digest = values_digest({**values, "slug": wanted, "parent": item.parent_id if parent else None})
    page = record.page if record is not None else None
    if run.unchanged(record, item, digest, page=page):
        return
    outcome = "updated" if page is not None else "created"
    if page is None:
        adopted = Page.objects.filter(slug=wanted).first() if wanted else None
        claimed = adopted is not None and WordPressItem.objects.filter(page=adopted).exists()
        if adopted is not None and not claimed:
            run.report.warn("existing page took the WordPress page's content", item_label(item))
            page, outcome = adopted, "updated"
        else:
            page = Page(in_contact_menu=False, in_footer=parent is None)
    for name, value in values.items():
        setattr(page, name, value)
    page.parent = parent if parent is not None and parent.pk != page.pk else None
    page.slug = page_slug(page, wanted, title)
    page.save()
    run.saved(record, item, outcome, digest, page=page)
