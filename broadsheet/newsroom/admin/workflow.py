"""The article form's state machine: the bar showing where an article stands, the buttons a
user's role allows, and what each button does (a newsroom.services transition, by=user).

    Draft -> Pending review -> Scheduled -> Published -> Withdrawn

A Contributor gets "Save draft" and "Submit for review"; whoever may publish the article gets
"Save draft" and "Publish", which schedules instead when the publish time is in the future.
Services check the permission again, so a forged button is refused (403, nothing written).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest

from broadsheet.core import clock
from broadsheet.newsroom import permissions, services
from broadsheet.newsroom.models import Article

# The submit button's name; its value names the transition.
FIELD = "_bs_transition"
SAVE_DRAFT = "save_draft"
SUBMIT = "submit_for_review"
PUBLISH = "publish"

STATES = (
    ("draft", "Draft"),
    ("pending_review", "Pending review"),
    ("scheduled", "Scheduled"),
    ("published", "Published"),
    ("withdrawn", "Withdrawn"),
)
DONE_MESSAGES = {
    SAVE_DRAFT: "Saved as a draft.",
    SUBMIT: "Submitted for review: an editor will look at it.",
    "scheduled": "Scheduled: it goes live by itself at its publish time.",
    "published": "Published.",
}


@dataclass(frozen=True)
class Step:
    value: str
    label: str
    current: bool


@dataclass(frozen=True)
class Button:
    value: str
    label: str
    primary: bool = False


def current_state(article: Article | None) -> str:
    return article.state if article is not None and article.pk else "draft"


def steps(article: Article | None) -> list[Step]:
    state = current_state(article)
    return [Step(value, label, value == state) for value, label in STATES]


def _in_future(article: Article | None) -> bool:
    at = article.published_at if article is not None else None
    return at is not None and at > clock.now()


def buttons(user: Any, article: Article | None) -> list[Button]:
    """The transitions this user may make from the article's state (None: a new article)."""
    state = current_state(article)
    if permissions.may_publish(user, article if article is not None and article.pk else None):
        found = (
            [Button(SAVE_DRAFT, "Save draft")] if state in {"draft", "pending_review", "withdrawn"} else []
        )
        if state != "published":
            found.append(Button(PUBLISH, "Schedule" if _in_future(article) else "Publish", primary=True))
        return found
    if state == "draft":
        return [Button(SAVE_DRAFT, "Save draft"), Button(SUBMIT, "Submit for review", primary=True)]
    return []


def apply(transition: str, article: Article, *, by: Any, tags: Iterable[int] | None) -> str:
    """Make the transition through services; the message to show. BadRequest for an unknown one.

    `article` holds the form's edits; the transition saves them with its new status."""
    if transition == SAVE_DRAFT:
        services.return_to_draft(article, by=by)
        return DONE_MESSAGES[SAVE_DRAFT]
    if transition == SUBMIT:
        try:
            services.submit_for_review(article, by=by)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
        return DONE_MESSAGES[SUBMIT]
    if transition == PUBLISH:
        at = article.published_at
        if at is not None and at > clock.now():
            services.schedule(article, at, by=by, tags=tags)
            return DONE_MESSAGES["scheduled"]
        services.publish(article, at=at, by=by, tags=tags)
        return DONE_MESSAGES["published"]
    raise BadRequest(f"Unknown transition: {transition!r}")
