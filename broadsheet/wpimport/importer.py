"""Writing a parsed WordPress export into the newsroom: the one step of the import that stores.

Articles go through `newsroom.services.save_article` (sanitising, slugs, the published
signal). Each item is written in its own savepoint, so a failing one becomes a warning and
the import goes on. Each kind of item has its module (`terms.py`, `posts.py`, `pages.py`,
`attachments.py`); what each item became is kept by the run (`run.py`), so running the same
file again updates what changed and touches nothing else.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from broadsheet.core.fetch import FetchOptions
from broadsheet.core.markup_cost import MarkupTooComplex
from broadsheet.wpimport import attachments, pages, posts, terms
from broadsheet.wpimport.library import AttachmentLibrary
from broadsheet.wpimport.report import ImportReport
from broadsheet.wpimport.run import ImportRun, item_label
from broadsheet.wpimport.wxr import WxrDocument, WxrItem, parse_wxr

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Handler = Callable[[ImportRun, WxrItem], None]

# Failures of one item that must not stop the others.
ITEM_ERRORS = (DatabaseError, ValidationError, ValueError)


def _import_items(run: ImportRun, progress: Progress | None) -> None:
    doc = run.doc
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(doc.items))

    for author in doc.authors:
        terms.author(run, author.login)
    for category in doc.categories:
        terms.section(run, category.slug, category.name)
    for tag in doc.tags:
        terms.tag(run, tag.slug, tag.name)
    post_items = [i for i in doc.items if i.post_type == "post"]
    page_items = sorted(
        (i for i in doc.items if i.post_type == "page"), key=lambda item: pages.page_depth(run, item)
    )
    attachment_items = list(run.attachments.values())
    others = [i for i in doc.items if i.post_type not in ("post", "page", "attachment")]
    groups: tuple[tuple[Handler, list[WxrItem]], ...] = (
        (posts.import_post, post_items),
        (pages.import_page, page_items),
        (attachments.import_attachment, attachment_items),
    )
    for handler, group in groups:
        for item in group:
            _guarded(run, handler, item)
            tick()
    for item in others:
        run.report.add("other", "skipped")
        run.report.warn(f"unsupported post type {item.post_type!r} skipped", item_label(item))
        tick()


def _guarded(run: ImportRun, handler: Handler, item: WxrItem) -> None:
    try:
        with transaction.atomic():
            handler(run, item)
    except MarkupTooComplex as exc:
        # Refused before the sanitiser spent minutes on it; the reason says what to fix.
        logger.warning("WordPress %s %s failed: %s", item.post_type, item.wp_id, exc)
        run.report.add(item.post_type, "skipped")
        run.report.warn(
            "failed to import: content too complex to clean safely", f"{item_label(item)}: {exc}"[:200]
        )
    except ITEM_ERRORS as exc:
        logger.warning("WordPress %s %s failed: %s", item.post_type, item.wp_id, exc)
        run.report.add(item.post_type, "skipped")
        run.report.warn(f"failed to import: {type(exc).__name__}", f"{item_label(item)}: {exc}"[:200])


def import_document(
    doc: WxrDocument,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    attachments: bool = False,
    fetch_options: FetchOptions | None = None,
) -> ImportReport:
    """Import a parsed export; with `dry_run`, do it all in a transaction that is rolled back.

    With `attachments`, images are fetched into the media library (`fetch_options` overrides
    the fetcher's limits); a dry run never fetches, since it would leave files behind.
    """
    report = ImportReport(dry_run=dry_run, source=doc.site_url)
    library = (
        AttachmentLibrary(report, doc.site_url, ImportRun.attachment_items(doc), fetch_options)
        if attachments and not dry_run
        else None
    )
    try:
        if dry_run:
            with transaction.atomic():
                _import_items(ImportRun(doc, report, library), progress)
                transaction.set_rollback(True)
        else:
            # No transaction around the whole run: each item commits on its own, so a long
            # import does not hold the database's write lock, and what is done stays done.
            _import_items(ImportRun(doc, report, library), progress)
    finally:
        if library is not None:
            library.close()
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


def import_wxr(
    data: bytes,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    attachments: bool = False,
    fetch_options: FetchOptions | None = None,
) -> ImportReport:
    """Parse and import a WXR file's bytes (raises WxrError when the file cannot be read).

    `attachments` fetches the images into the media library (the command's default)."""
    return import_document(
        parse_wxr(data, local_tz=site_timezone()),
        dry_run=dry_run,
        progress=progress,
        attachments=attachments,
        fetch_options=fetch_options,
    )
