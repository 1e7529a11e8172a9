"""After the stories: the newsroom's people, work in progress, history and readers.

One entry point for the demo command, run after every story (own and aggregated) is stored,
so the month of reads and the digest cover them all. Each step only adds what is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadsheet.core import clock
from broadsheet.demo.accounts import Credential, demo_users, ensure_accounts
from broadsheet.demo.audience import AudienceResult, load_audience
from broadsheet.demo.desk import load_desk
from broadsheet.demo.history import HistoryResult, record_history


@dataclass(frozen=True)
class LifeResult:
    credentials: list[Credential]
    desk: int
    history: HistoryResult
    audience: AudienceResult

    def summary(self) -> list[str]:
        issue = self.audience.issue
        return [
            f"Demo newsroom: {len(self.credentials)} role accounts created, {self.desk} drafts, "
            "submissions and scheduled stories written",
            f"Demo history: {self.history.daily_rows} daily and {self.history.hourly_rows} hourly view "
            f"counts, {self.history.poll_rows} past feed polls",
            f"Demo readers: {self.audience.subscribers} subscribers"
            + (f", digest '{issue.subject}' sent to the archive" if issue else ""),
        ]


def bring_to_life(now: dt.datetime | None = None) -> LifeResult:
    now = now or clock.now()
    credentials = ensure_accounts()
    desk = load_desk(demo_users(), now)
    return LifeResult(credentials, desk, record_history(now), load_audience(now))
