"""One poll of one source, step by step: fetch, parse, new?, extract, sanitise, dedupe, publish.

Entries are categorised before they are published. A failing entry is recorded and the batch
goes on; a failing source is recorded on the source and scheduled with backoff (`report.py`
records a poll's outcome).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import logging
import time
from dataclasses import dataclass, field

from django.db import DatabaseError

from broadsheet.core import bylines, clock
from broadsheet.core.fetch import PAGE_ACCEPT, Fetcher
from broadsheet.core.markup_cost import MarkupTooComplex, check_sanitised
from broadsheet.core.sanitize import excerpt, sanitize_html, strip_tags
from broadsheet.ingest import images, limits, publish, scheduler
from broadsheet.ingest.antibot import status_error
from broadsheet.ingest.categorise import Classifier, SectionRef, choose_section, passes_keywords
from broadsheet.ingest.dedupe import (
    EntryKey,
    Seen,
    Verdict,
    canonical_url,
    classify,
    classify_many,
    content_hash,
    simhash,
    without_headline,
)
from broadsheet.ingest.errors import FAILURES, TooComplexError
from broadsheet.ingest.extract import Extracted, ExtractionRules, ExtractOptions
from broadsheet.ingest.language import choose_language
from broadsheet.ingest.models import Source
from broadsheet.ingest.parse import FeedEntry, ParsedFeed, parse_feed
from broadsheet.ingest.report import IngestReport, record_failure, record_success
from broadsheet.ingest.siterules import RuledExtraction, extract_by_rules
from broadsheet.newsroom.models import Section

logger = logging.getLogger(__name__)

# What one entry may fail with without stopping the others.
ENTRY_FAILURES: tuple[type[Exception], ...] = (*FAILURES, DatabaseError, ValueError)

EXCERPT_LENGTH = 400  # characters of the publisher's summary shown in excerpt mode


@dataclass(frozen=True, slots=True)
class RunOptions:
    fetch_pages: bool = True  # fetch each new story's page (full text, lead image, metadata)
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    max_entries: int | None = None  # new or changed entries per poll; None: the setting
    time_budget: float = limits.DEFAULT_POLL_BUDGET  # seconds of entry work per poll


def excerpt_body(summary_html: str) -> str:
    """Excerpt mode: a short plain summary, nothing else. The call to the original ("Read the
    full story at …") and the credit are the article page's (site/includes/story.html), from
    the stored canonical URL and source name, so the body does not say them a second time."""
    summary = excerpt(summary_html, EXCERPT_LENGTH)
    return f"<p>{html.escape(summary)}</p>" if summary else ""


def build_candidate(
    *,
    source: Source,
    feed: ParsedFeed,
    entry: FeedEntry,
    url: str,
    digest: str,
    extracted: Extracted | None,
    sections: list[SectionRef],
    classifier: Classifier | None,
) -> publish.Candidate:
    """Pure: the story to store, from the feed entry and (when fetched) its page. Sanitising
    is the last step that touches HTML."""
    source_name = source.name or feed.title or (extracted.site_name if extracted else "")
    home = source.home_url or feed.link
    feed_html = entry.content_html or entry.summary_html
    if source.mode == Source.Mode.FULL:
        raw_body = (extracted.body_html if extracted and extracted.body_html else "") or feed_html
    else:
        raw_body = excerpt_body(
            entry.summary_html or entry.content_html or (extracted.description if extracted else "")
        )
    try:
        # sanitize_html refuses what its parser cannot do in bounded time (it is quadratic in
        # nesting); misnested formatting can still multiply what comes out.
        body = sanitize_html(raw_body, base_url=entry.url or url or None)
        check_sanitised(body)
    except MarkupTooComplex as exc:
        raise TooComplexError(str(exc)) from exc
    plain = (extracted.text if extracted and extracted.text else "") or strip_tags(feed_html)
    body_text = without_headline(plain, [entry.title, extracted.title if extracted else ""])
    headline = entry.title or (extracted.title if extracted else "") or url
    image = images.choose(source.image_policy, entry, extracted, headline=headline, publisher=source_name)
    filing = choose_section(
        fixed_section_id=source.section_id,
        categories=entry.categories,
        sections=sections,
        headline=headline,
        text=plain,
        classifier=classifier,
    )
    # The page's own author over the feed's; the publisher's name is never a person's.
    byline = bylines.choose(
        page=bylines.from_raw(extracted.byline) if extracted else "",
        feed=entry.author,
        not_people=(source_name, feed.title, extracted.site_name if extracted else ""),
    )
    language = choose_language((extracted.language if extracted else "") or entry.language, plain, headline)
    return publish.Candidate(
        source_id=source.pk,
        guid=entry.guid,
        canonical_url=url,
        content_hash=digest,
        headline=headline,
        dek=excerpt(entry.summary_html or (extracted.description if extracted else ""), 300),
        body_html=body,
        byline=byline,
        published_at=entry.published or (extracted.published if extracted else None),
        language=language,
        image_url=image.url,
        image_alt=image.alt,
        image_caption=image.caption,
        image_credit=image.credit,
        section_id=filing.section_id,
        hold=not source.publish_directly,
        fingerprint=simhash(body_text),
        text=body_text,
        source_name=source_name,
        source_home_url=home,
    )


def needs_page(verdict: Verdict, entry: FeedEntry, options: RunOptions) -> bool:
    """Whether the entry's page is fetched: a story to store or update, when pages are wanted."""
    return verdict.seen in {Seen.NEW, Seen.CHANGED} and options.fetch_pages and bool(entry.url)


def fetch_and_extract(
    fetcher: Fetcher, url: str, rules: ExtractionRules, options: ExtractOptions, image_credit: str = ""
) -> RuledExtraction:
    """Fetch a story's page and extract it with the source's rules (or without, when they break:
    siterules.py). The admin's rules preview and re-extraction run this same function."""
    result = fetcher.fetch(url, accept=PAGE_ACCEPT)
    if not result.ok or result.not_modified:
        raise status_error(result, url)
    return extract_by_rules(
        result.content, result.final_url, rules=rules, options=options, image_credit=image_credit
    )


def note_rules_outcome(source: Source, url: str, ruled: RuledExtraction) -> None:
    """Keep the source's `rules_problem` true to the last page extracted, writing only on a change."""
    problem = f"{ruled.problem} on {url}"[:1000] if ruled.problem else ""
    if (ruled.problem or ruled.used_rules) and problem != source.rules_problem:
        if problem:
            logger.warning("source %s: extraction rules set aside: %s", source.pk, problem)
        publish.record_fetch(source, rules_problem=problem)


def process_entry(
    source: Source,
    feed: ParsedFeed,
    entry: FeedEntry,
    key: EntryKey,
    verdict: Verdict,
    fetcher: Fetcher,
    *,
    options: RunOptions,
    sections: list[SectionRef],
    classifier: Classifier | None,
) -> publish.Outcome:
    """Store one entry the keyword rules let through, as `verdict` (classify) says."""
    if verdict.seen in {Seen.GONE, Seen.UNCHANGED}:
        return publish.Outcome.SKIPPED
    extracted = None
    if needs_page(verdict, entry, options):
        try:
            rules = ExtractionRules.from_json(source.extraction_rules)
            ruled = fetch_and_extract(fetcher, entry.url, rules, options.extract, entry.image_credit)
            note_rules_outcome(source, entry.url, ruled)
            extracted = ruled.extracted
        except FAILURES as exc:
            if source.mode == Source.Mode.FULL and not (entry.content_html or entry.summary_html):
                raise
            # The feed's own text still makes a story; the page is a bonus.
            logger.warning("source %s: page %s not extracted (%s); using the feed", source.pk, entry.url, exc)
    candidate = build_candidate(
        source=source,
        feed=feed,
        entry=entry,
        url=key.url,
        digest=key.digest,
        extracted=extracted,
        sections=sections,
        classifier=classifier,
    )
    if verdict.seen is Seen.ELSEWHERE and verdict.article_id is not None:
        return publish.record_duplicate(candidate, verdict.article_id)
    if source.image_policy == Source.Images.COPY and candidate.image_url:
        lead = images.LeadImage(
            candidate.image_url, candidate.image_alt, candidate.image_caption, candidate.image_credit
        )
        candidate = dataclasses.replace(candidate, image_media_id=images.copy_to_library(fetcher, lead))
    if verdict.seen is Seen.CHANGED and verdict.entry_id is not None and verdict.article_id is not None:
        return publish.store_update(candidate, verdict.entry_id, verdict.article_id)
    return publish.store_new(candidate)


def _sections() -> list[SectionRef]:
    return [SectionRef(id=s.pk, name=s.name, slug=s.slug) for s in Section.objects.all()]


def ingest_source(
    source: Source,
    fetcher: Fetcher,
    *,
    options: RunOptions | None = None,
    classifier: Classifier | None = None,
) -> IngestReport:
    """Poll `source` once and record the result on it (health, schedule, a FetchLog row)."""
    options = options or RunOptions()
    started = clock.now()
    report = IngestReport(source_id=source.pk, source_name=str(source))
    try:
        result = fetcher.fetch(source.feed_url, etag=source.etag, last_modified=source.last_modified)
        report.status = result.status
        if not result.ok:
            raise status_error(result)
        feed = (
            None
            if result.not_modified
            else parse_feed(
                result.content, url=result.final_url, content_type=result.headers.get("content-type", "")
            )
        )
    except FAILURES as exc:
        logger.warning("source %s (%s) failed: %s", source.pk, source.feed_url, exc)
        record_failure(source, report, exc, started)
        return report
    if feed is None:
        report.not_modified = True
        interval = scheduler.next_interval(published=[], headers=result.headers, now=started)
        interval = max(interval, dt.timedelta(seconds=source.check_interval))
        record_success(
            source, report, started, interval, result.etag, result.last_modified, source.feed_problem
        )
        return report

    sections = _sections()
    # Oldest first, so stories appear on the site in the order the publisher posted them.
    ordered = sorted(feed.entries, key=lambda e: e.published or started)
    # Keyword rules first, then "is it new?" for the rest in one lookup, before any page.
    wanted = [e for e in ordered if passes_keywords(e, source.include_list, source.exclude_list)]
    report.skipped += len(ordered) - len(wanted)
    keys = [EntryKey(e.guid, canonical_url(e.url), content_hash(e)) for e in wanted]
    verdicts = classify_many(source.pk, keys)
    # An entry repeating an earlier one's GUID or URL is asked about again at its turn: the
    # earlier one may have stored the story by then.
    repeats = _repeats(keys)
    deferred = _beyond_cap(verdicts, options.max_entries or limits.max_entries())
    out_of_time = time.monotonic() + options.time_budget
    for i, (entry, key) in enumerate(zip(wanted, keys, strict=True)):
        if i not in deferred and _has_work(verdicts[i]) and time.monotonic() > out_of_time:
            deferred.add(i)
        if i in deferred:
            continue
        try:
            verdict = classify(source.pk, key.guid, key.url, key.digest) if i in repeats else verdicts[i]
            outcome = process_entry(
                source,
                feed,
                entry,
                key,
                verdict,
                fetcher,
                options=options,
                sections=sections,
                classifier=classifier,
            )
        except ENTRY_FAILURES as exc:
            report.errors += 1
            report.messages.append(f"{entry.url or entry.guid}: {exc}")
            logger.warning("source %s: entry %s failed: %s", source.pk, entry.guid, exc)
            continue
        report.count(outcome)
    interval = scheduler.next_interval(
        published=[e.published for e in feed.entries],
        ttl_minutes=feed.ttl,
        headers=result.headers,
        now=started,
    )
    if deferred:
        # The rest come in the next poll, soon, and it must not be a 304 that hides them: the
        # feed's validators are forgotten until a poll gets through every entry.
        report.deferred = len(deferred)
        report.messages.append(f"{len(deferred)} new entries left for the next poll")
        logger.info("source %s: %d new entries left for the next poll", source.pk, len(deferred))
        record_success(
            source, report, started, interval, "", "", feed.problem, next_check_in=limits.BACKLOG_RECHECK
        )
        return report
    # The validators are stored only now, after every entry was handled: a run killed halfway
    # must not turn the next poll into a 304 that hides the entries it never reached.
    record_success(source, report, started, interval, result.etag, result.last_modified, feed.problem)
    return report


def _has_work(verdict: Verdict) -> bool:
    """Whether storing the entry costs anything (a page, sanitising, a write)."""
    return verdict.seen not in {Seen.GONE, Seen.UNCHANGED}


def _beyond_cap(verdicts: list[Verdict], cap: int) -> set[int]:
    """Indexes (into the oldest-first list) of the entries with work that wait for a later
    poll: all but the newest `cap`. Newest first because news is worth most while it is new,
    and a feed that is a sliding window drops its oldest entries first; each batch is still
    stored oldest first."""
    pending = [i for i, verdict in enumerate(verdicts) if _has_work(verdict)]
    return set(pending[: max(0, len(pending) - cap)])


def _repeats(keys: list[EntryKey]) -> set[int]:
    """Indexes of entries whose GUID or canonical URL an earlier entry of the feed has."""
    guids: set[str] = set()
    urls: set[str] = set()
    repeats = set()
    for i, key in enumerate(keys):
        if key.guid in guids or (key.url and key.url in urls):
            repeats.add(i)
        guids.add(key.guid)
        if key.url:
            urls.add(key.url)
    return repeats
