"""WordPress attachments: their URL, caption and alt text, and the story each belongs to."""

from __future__ import annotations

from broadsheet.wpimport.convert import plain_text
from broadsheet.wpimport.run import ImportRun, http_url, item_label, values_digest
from broadsheet.wpimport.wxr import WxrItem


def import_attachment(run: ImportRun, item: WxrItem) -> None:
    record, writable = run.record(item)
    if not writable:
        return
    url = http_url(item.attachment_url or item.guid)
    if not url:
        run.report.warn("attachment without an http(s) URL", item_label(item))
    elif run.library is not None:
        # Every image of the site goes into the library, used by a post or not (fetched once
        # a run: a featured or body image is there already).
        run.library.for_attachment(item, item_label(item))
    parent_record = run.records_by_id.get(item.parent_id) if item.parent_id else None
    article = parent_record.article if parent_record is not None else None
    values = {
        "attachment_url": url,
        "caption": plain_text(item.excerpt)[:500],
        "alt_text": plain_text(item.meta_value("_wp_attachment_image_alt"))[:300],
        "article": article,
    }
    digest = values_digest({**values, "article": article.pk if article else None})
    if record is not None and record.digest == digest:
        run.report.add("attachment", "unchanged")
    else:
        run.report.add("attachment", "updated" if record is not None else "created")
        run.remember(record, item, digest=digest, **values)
    if article is not None:
        # An attachment's own page sends readers to the story it belongs to.
        run.redirect_item(item, article=article)
