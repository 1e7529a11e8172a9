"""What one poll did, and how it is recorded on its source: health, schedule, a FetchLog row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from broadsheet.core import clock
from broadsheet.ingest import publish, scheduler
from broadsheet.ingest.errors import (
    BlockedByAntiBotError,
    FetchError,
    HTTPStatusError,
    ParseError,
)
from broadsheet.ingest.models import Source

# A wall does not lift in five minutes, and knocking often keeps it up: a blocked source's
# backoff starts this many doublings further on (40 minutes, then 80, …, at most a day).
BLOCKED_EXTRA_STEPS = 3


def error_kind(exc: Exception) -> str:
    """The Source.ErrorKind of a failed poll's error."""
    if isinstance(exc, BlockedByAntiBotError):
        return Source.ErrorKind.BLOCKED
    if isinstance(exc, HTTPStatusError):
        return Source.ErrorKind.HTTP
    if isinstance(exc, FetchError):
        return Source.ErrorKind.NETWORK
    if isinstance(exc, ParseError):
        return Source.ErrorKind.NOT_A_FEED
    return Source.ErrorKind.OTHER


@dataclass
class IngestReport:
    source_id: int
    source_name: str
    status: int | None = None
    not_modified: bool = False
    ok: bool = True
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: int = 0
    deferred: int = 0  # new or changed entries left for the next poll (entry cap, time budget)
    messages: list[str] = field(default_factory=list)

    def count(self, outcome: publish.Outcome) -> None:
        name = {publish.Outcome.DUPLICATE: "duplicates"}.get(outcome, outcome.value)
        setattr(self, name, getattr(self, name) + 1)

    def as_dict(self) -> dict[str, object]:
        return {
            "source_id": self.source_id,
            "source_name": self.source_name,
            "status": self.status,
            "not_modified": self.not_modified,
            "ok": self.ok,
            "new": self.new,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "errors": self.errors,
            "deferred": self.deferred,
            "messages": self.messages,
        }


def record_success(
    source: Source,
    report: IngestReport,
    started: dt.datetime,
    interval: dt.timedelta,
    etag: str,
    last_modified: str,
    problem: str,
    *,
    next_check_in: dt.timedelta | None = None,
) -> None:
    """`next_check_in` overrides `interval` for the next poll only (a backlog to catch up)."""
    publish.record_fetch(
        source,
        etag=etag[:500],
        last_modified=last_modified[:100],
        last_fetch_at=started,
        last_status=report.status,
        error_count=0,
        first_failure_at=None,
        error_kind=Source.ErrorKind.NONE,
        last_error="" if not report.errors else "; ".join(report.messages[-3:])[:2000],
        feed_problem=problem[:2000],
        check_interval=int(interval.total_seconds()),
        next_check_at=clock.now() + (next_check_in or interval),
    )
    publish.log_fetch(
        source.pk,
        started,
        status=report.status,
        ok=True,
        new=report.new,
        updated=report.updated,
        duplicates=report.duplicates,
        skipped=report.skipped,
        errors=report.errors,
        message="not modified" if report.not_modified else "; ".join(report.messages)[:5000],
    )


def record_failure(source: Source, report: IngestReport, exc: Exception, started: dt.datetime) -> None:
    report.ok = False
    report.errors += 1
    report.messages.append(str(exc))
    now = clock.now()
    first_failure = source.first_failure_at or started
    error_count = source.error_count + 1
    retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
    kind = error_kind(exc)
    steps = error_count + (BLOCKED_EXTRA_STEPS if kind == Source.ErrorKind.BLOCKED else 0)
    fields: dict[str, object] = {
        "last_fetch_at": started,
        "last_status": report.status,
        "error_count": error_count,
        "first_failure_at": first_failure,
        "last_error": f"{type(exc).__name__}: {exc}"[:2000],
        "error_kind": kind,
        "next_check_at": now + scheduler.backoff(steps, retry_after),
    }
    if scheduler.should_disable(first_failure, now):
        fields["enabled"] = False
        fields["disabled_reason"] = f"failing since {first_failure:%Y-%m-%d %H:%M} UTC: {exc}"[:300]
    publish.record_fetch(source, **fields)
    publish.log_fetch(source.pk, started, status=report.status, ok=False, errors=1, message=str(exc)[:5000])
