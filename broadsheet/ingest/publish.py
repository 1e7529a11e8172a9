"""The one writer of ingested content: stores stories through newsroom.services, atomically.

Uniqueness is the database's job (Entry: source + GUID; Article: canonical URL). When two runs
race, the loser's IntegrityError is read as "someone else stored it first": the entry is
recorded against the winner's article and the run goes on.

A near-duplicate (the same story re-issued at another URL) has no key a constraint could hold,
so the near-duplicate check and the insert take turns: SQLite's IMMEDIATE transactions already
do, and PostgreSQL takes an advisory lock (NEAR_DUPLICATE_LOCK_KEY) for them.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction

from broadsheet.core import clock
from broadsheet.ingest.dedupe import find_near_duplicate, remember_text
from broadsheet.ingest.models import Entry, FetchLog, Source, Syndication, Tombstone
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Section

logger = logging.getLogger(__name__)

SLUG_RETRIES = 3  # a parallel run may take the same slug between our check and our insert
HOLDING_SECTION = ("News", "news")  # where held stories wait when a site has no section yet
NEAR_DUPLICATE_LOCK_KEY = 0x62733A7265697373  # b"bs:reiss" as an integer


class Outcome(enum.Enum):
    NEW = "new"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Candidate:
    """Everything needed to store one story; the body is already sanitised."""

    source_id: int
    guid: str
    canonical_url: str
    content_hash: str
    headline: str
    dek: str
    body_html: str
    byline: str = ""
    published_at: dt.datetime | None = None
    language: str = ""
    image_url: str = ""
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""
    image_media_id: int | None = None  # the lead image copied into the media library
    section_id: int | None = None  # None: held for review in the holding section
    hold: bool = False
    # The text's SimHash, kept in the near-duplicate band index (TextFingerprint), not on the article.
    fingerprint: int | None = None
    text: str = ""  # the plain text `fingerprint` was taken from (the exact Jaccard check)
    source_name: str = ""
    source_home_url: str = ""


def _holding_section_id() -> int:
    first = Section.objects.order_by("order", "id").values_list("id", flat=True).first()
    if first is not None:
        return int(first)
    section, _ = Section.objects.get_or_create(slug=HOLDING_SECTION[1], defaults={"name": HOLDING_SECTION[0]})
    return int(section.pk)


def _apply(article: Article, candidate: Candidate) -> None:
    article.headline = candidate.headline[:300] or candidate.canonical_url[:300]
    article.dek = candidate.dek
    article.body = candidate.body_html
    article.byline = candidate.byline[:200]
    article.lead_image_url = candidate.image_url[:1000]
    article.lead_image_alt = candidate.image_alt[:300]
    if candidate.image_media_id is not None:
        # Only ever set: a library image an editor chose for the story stays when it updates.
        article.lead_media_id = candidate.image_media_id
    article.lead_image_caption = candidate.image_caption[:500]
    article.lead_image_credit = candidate.image_credit[:200]
    article.source_name = candidate.source_name[:200]
    article.source_home_url = candidate.source_home_url[:1000]
    if candidate.language:
        article.language = candidate.language[:12]


def _published_at(candidate: Candidate) -> dt.datetime:
    # A feed date in the future would schedule the story: cap it to now.
    now = clock.now()
    return min(candidate.published_at, now) if candidate.published_at else now


def store_new(candidate: Candidate) -> Outcome:
    """Create the article and its entry in one transaction; a lost race becomes a duplicate."""
    for _attempt in range(SLUG_RETRIES):
        try:
            with transaction.atomic():
                _near_duplicates_take_turns()
                near = find_near_duplicate(candidate.fingerprint, candidate.text)
                if near is not None:
                    outcome = _record_duplicate(candidate, near)
                    _record_reissue(near, candidate.canonical_url)
                    return outcome
                held = candidate.hold or candidate.section_id is None
                article = Article(
                    canonical_url=candidate.canonical_url or None,
                    section_id=candidate.section_id or _holding_section_id(),
                    status=Article.Status.DRAFT if held else Article.Status.PUBLISHED,
                    published_at=_published_at(candidate),
                )
                _apply(article, candidate)
                services.save_article(article)
                Entry.objects.create(
                    source_id=candidate.source_id,
                    guid=candidate.guid,
                    article=article,
                    canonical_url=candidate.canonical_url,
                    content_hash=candidate.content_hash,
                )
                remember_text(article.pk, candidate.fingerprint, candidate.text)
            logger.info("stored article %s from source %s", article.pk, candidate.source_id)
            return Outcome.NEW
        except IntegrityError:
            winner = _winner(candidate)
            if winner is not None:
                return winner
            # Neither the entry nor the URL exists: the clash was the slug. Try again.
    raise IntegrityError(f"could not store {candidate.canonical_url} after {SLUG_RETRIES} attempts")


def _near_duplicates_take_turns() -> None:
    """Hold the near-duplicate turn until the transaction ends (see the module's docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEAR_DUPLICATE_LOCK_KEY])


def _record_reissue(article_id: int, url: str) -> None:
    """Add `url` to the stored story's "also carried as" list (once; not its own URL)."""
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None or not url or url == article.canonical_url or url in article.also_carried_as:
        return
    article.also_carried_as = [*article.also_carried_as, url]
    services.save_article(article)
    logger.info("article %s also carried as %s", article_id, url)


def _winner(candidate: Candidate) -> Outcome | None:
    """After an IntegrityError: what a parallel run stored, recorded as our duplicate."""
    if Entry.objects.filter(source_id=candidate.source_id, guid=candidate.guid).exists():
        return Outcome.DUPLICATE
    if candidate.canonical_url:
        article_id = (
            Article.objects.filter(canonical_url=candidate.canonical_url).values_list("id", flat=True).first()
        )
        if article_id is not None:
            return record_duplicate(candidate, int(article_id))
    return None


def record_duplicate(candidate: Candidate, article_id: int) -> Outcome:
    """The story is already stored: remember this entry, and the source if it is another one."""
    try:
        with transaction.atomic():
            return _record_duplicate(candidate, article_id)
    except IntegrityError:
        # A parallel run recorded the same entry a moment ago: nothing left to do.
        return Outcome.DUPLICATE


def _record_duplicate(candidate: Candidate, article_id: int) -> Outcome:
    Entry.objects.get_or_create(
        source_id=candidate.source_id,
        guid=candidate.guid,
        defaults={
            "article_id": article_id,
            "canonical_url": candidate.canonical_url,
            "content_hash": candidate.content_hash,
        },
    )
    ours = (
        Entry.objects.filter(article_id=article_id, source_id=candidate.source_id)
        .exclude(guid=candidate.guid)
        .exists()
    )
    first_source = (
        Entry.objects.filter(article_id=article_id).order_by("id").values_list("source_id", flat=True).first()
    )
    if not ours and first_source not in {None, candidate.source_id}:
        Syndication.objects.get_or_create(
            article_id=article_id,
            source_id=candidate.source_id,
            defaults={"url": candidate.canonical_url or ""},
        )
    logger.info("entry %s of source %s is article %s", candidate.guid, candidate.source_id, article_id)
    return Outcome.DUPLICATE


def store_update(candidate: Candidate, entry_id: int, article_id: int) -> Outcome:
    """An entry we hold changed: update its article in place (status, slug, section kept)."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            return Outcome.SKIPPED
        _apply(article, candidate)
        services.save_article(article)
        remember_text(article.pk, candidate.fingerprint, candidate.text)
        Entry.objects.filter(pk=entry_id).update(content_hash=candidate.content_hash, updated_at=clock.now())
    logger.info("updated article %s from source %s", article_id, candidate.source_id)
    return Outcome.UPDATED


def tombstone_deleted_article(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    """pre_delete receiver: a deleted aggregated story must never be imported again."""
    if not instance.canonical_url:
        return
    entry = Entry.objects.filter(article_id=instance.pk).values("source_id", "guid").first()
    # The URLs it was re-issued at go too: the story must not come back through one of them.
    for url in [instance.canonical_url, *(u for u in instance.also_carried_as if isinstance(u, str) and u)]:
        Tombstone.objects.get_or_create(
            canonical_url=url[:1000],
            defaults={
                "source_id": entry["source_id"] if entry else None,
                "guid": entry["guid"] if entry else "",
            },
        )


def record_fetch(source: Source, **fields: Any) -> None:
    """Write health and schedule fields of `source` (and nothing else: an editor may be
    changing its settings in the admin at the same moment)."""
    for name, value in fields.items():
        setattr(source, name, value)
    Source.objects.filter(pk=source.pk).update(**fields)


def log_fetch(source_id: int, started_at: dt.datetime, **fields: Any) -> None:
    FetchLog.objects.create(source_id=source_id, started_at=started_at, finished_at=clock.now(), **fields)
