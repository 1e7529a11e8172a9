"""Re-extraction: a source's past stories fetched again and rebuilt with its current rules.

After an operator fixes a source's extraction rules, the stories already taken with the old
ones keep their clipped or cluttered bodies until this runs. Only the body changes, through
newsroom.services like every write; a story an editor has changed since it was imported is
left as the editor made it, and a page that cannot be fetched or extracted keeps its story.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction

from broadsheet.core import clock
from broadsheet.core.fetch import Fetcher
from broadsheet.core.markup_cost import MarkupTooComplex, check_sanitised
from broadsheet.core.sanitize import sanitize_html
from broadsheet.ingest.errors import FAILURES, NothingToReextract
from broadsheet.ingest.extract import ExtractionRules, ExtractOptions
from broadsheet.ingest.models import Entry, Source
from broadsheet.ingest.pipeline import fetch_and_extract, note_rules_outcome
from broadsheet.newsroom import revisions, services
from broadsheet.newsroom.models import Article

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 100  # newest stories re-extracted per run
MAX_LIMIT = 2000
# An article saved this long after its entry was last written was changed by someone else
# (an editor, the API, a script): the import's own writes are a few milliseconds apart. A
# person's edit is also told by its revision, however soon after the import it came.
EDITED_AFTER = dt.timedelta(seconds=30)

# One story that cannot be rebuilt: it keeps its body, and the run goes on.
REEXTRACT_FAILURES: tuple[type[Exception], ...] = (*FAILURES, MarkupTooComplex)


@dataclass
class ReextractReport:
    source_id: int
    checked: int = 0
    changed: int = 0
    unchanged: int = 0
    kept_edited: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.checked} checked: {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.kept_edited} kept as edited, {self.failed} failed"
        )
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "source_id": self.source_id,
            "checked": self.checked,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "kept_edited": self.kept_edited,
            "failed": self.failed,
            "problems": self.problems[:20],
        }


def reextract_source(
    source: Source,
    fetcher: Fetcher,
    *,
    limit: int = DEFAULT_LIMIT,
    options: ExtractOptions | None = None,
) -> ReextractReport:
    """Fetch the newest `limit` stories of `source` again and rebuild their bodies."""
    if source.mode != Source.Mode.FULL:
        raise NothingToReextract(
            f"source {source.pk} is in excerpt mode: its stories are the feed's summaries, not page text"
        )
    limit = max(1, min(limit, MAX_LIMIT))
    report = ReextractReport(source_id=source.pk)
    rules = ExtractionRules.from_json(source.extraction_rules)
    entries = (
        Entry.objects.filter(source=source, article__isnull=False)
        .select_related("article")
        .order_by("-first_seen_at")[:limit]
    )
    for entry in entries:
        article = entry.article
        assert article is not None  # filtered above
        report.checked += 1
        if article.updated_at > entry.updated_at + EDITED_AFTER or revisions.edited_by_a_person(article):
            report.kept_edited += 1
            continue
        url = entry.canonical_url or article.canonical_url or ""
        try:
            ruled = fetch_and_extract(fetcher, url, rules, options or ExtractOptions())
            note_rules_outcome(source, url, ruled)
            body = sanitize_html(ruled.extracted.body_html, base_url=url)
            check_sanitised(body)
        except REEXTRACT_FAILURES as exc:
            report.failed += 1
            report.problems.append(f"{url}: {exc}")
            logger.warning("source %s: re-extracting %s failed: %s", source.pk, url, exc)
            continue
        if not body.strip() or body == article.body:
            report.unchanged += 1
            continue
        _replace_body(article.pk, entry.pk, body)
        report.changed += 1
    return report


def _replace_body(article_id: int, entry_id: int, body: str) -> None:
    with transaction.atomic():
        # No joins: PostgreSQL refuses FOR UPDATE on the nullable side of one (author).
        article = Article.objects.select_for_update().get(pk=article_id)
        article.body = body
        services.save_article(article)
        # The entry moves with the article, so the story still counts as the import's own.
        Entry.objects.filter(pk=entry_id).update(updated_at=clock.now())
