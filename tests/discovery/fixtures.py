"""The labelled event reports in tests/fixtures/discovery/events.jsonl, loaded through publish(),
and the pairwise precision/recall that scores a clustering against their labels."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from broadsheet.core import clock
from broadsheet.demo.defaults import ensure_sections
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Section

EVENTS = Path(__file__).resolve().parents[1] / "fixtures" / "discovery" / "events.jsonl"


@dataclass(frozen=True)
class Report:
    event: str
    section: str
    source: str
    hours: float
    headline: str
    dek: str
    body: str


def read_events(path: Path = EVENTS) -> list[Report]:
    with path.open(encoding="utf-8") as lines:
        return [Report(**json.loads(line)) for line in lines if line.strip()]


def publish_events(
    reports: list[Report] | None = None, now: dt.datetime | None = None, shift: dt.timedelta | None = None
) -> dict[int, str]:
    """Publish every report, oldest first (as they would arrive); returns {article id: event}."""
    reports = read_events() if reports is None else reports
    now = now or clock.now()
    shift = shift or dt.timedelta(0)
    ensure_sections(include_extra=True)
    sections = dict(Section.objects.values_list("slug", "pk"))
    labels: dict[int, str] = {}
    for n, report in enumerate(sorted(reports, key=lambda r: -r.hours)):
        article = Article(
            headline=report.headline,
            dek=report.dek,
            body=f"<p>{report.body}</p>",
            section_id=sections[report.section],
            source_name=report.source,
            canonical_url=f"https://{slugify(report.source)}.example/{n}" if report.source else None,
        )
        services.publish(article, at=now - dt.timedelta(hours=report.hours) + shift)
        labels[article.pk] = report.event
    return labels


def create_events(reports: list[Report] | None = None, now: dt.datetime | None = None) -> dict[int, str]:
    """The reports as published articles written straight to the table, without the publish
    signal (so without its tasks): for tests that then run one step themselves. Oldest first."""
    reports = read_events() if reports is None else reports
    now = now or clock.now()
    ensure_sections(include_extra=True)
    sections = dict(Section.objects.values_list("slug", "pk"))
    labels: dict[int, str] = {}
    for n, report in enumerate(sorted(reports, key=lambda r: -r.hours)):
        article = Article.objects.create(
            headline=report.headline,
            slug=f"{slugify(report.headline)[:150]}-{n}",
            dek=report.dek,
            body=f"<p>{report.body}</p>",
            section_id=sections[report.section],
            source_name=report.source,
            canonical_url=f"https://{slugify(report.source)}.example/{n}" if report.source else None,
            status=Article.Status.PUBLISHED,
            published_at=now - dt.timedelta(hours=report.hours),
        )
        labels[article.pk] = report.event
    return labels


def pairwise(truth: Mapping[int, str], predicted: Mapping[int, object]) -> tuple[float, float]:
    """Pairwise precision and recall: of the pairs put together, how many belong together; of
    the pairs that belong together, how many were put together."""
    together = right = should = 0
    for a, b in itertools.combinations(sorted(truth), 2):
        same_truth = truth[a] == truth[b]
        same_predicted = predicted.get(a) is not None and predicted.get(a) == predicted.get(b)
        together += same_predicted
        should += same_truth
        right += same_truth and same_predicted
    precision = right / together if together else 1.0
    recall = right / should if should else 1.0
    return precision, recall


TOPICS = EVENTS.parent / "topics.json"


def read_topics(path: Path = TOPICS) -> dict[str, frozenset[str]]:
    """{event: the topics it belongs to}: events that share a topic but not an event (two
    fires, two council votes…), which a good related list puts first."""
    topics: dict[str, set[str]] = {}
    for topic, events in json.loads(path.read_text(encoding="utf-8")).items():
        for event in events:
            topics.setdefault(event, set()).add(topic)
    return {event: frozenset(names) for event, names in topics.items()}


@dataclass(frozen=True)
class RelatedQuality:
    articles: int  # articles whose event shares a topic with another event
    first_right: int  # of those, lists that lead with an article of the same topic
    hits: int  # same-topic articles among each list's first k (k: how many exist, at most the limit)
    slots: int  # the sum of those k
    same_story: int  # entries that are another version of the article's own story: must be 0

    @property
    def first_rate(self) -> float:
        return self.first_right / self.articles if self.articles else 1.0

    @property
    def precision(self) -> float:
        return self.hits / self.slots if self.slots else 1.0


def related_quality(
    labels: Mapping[int, str],
    lists: Mapping[int, list[int]],
    topics: Mapping[str, frozenset[str]],
    limit: int,
) -> RelatedQuality:
    """Score related lists against the labels: the events' shared topics say which articles
    are "the same topic", the events themselves which are "the same story"."""
    articles = first_right = hits = slots = same_story = 0
    for article_id, entries in lists.items():
        event = labels[article_id]
        same_story += sum(labels.get(other) == event for other in entries)
        mine = topics.get(event, frozenset())
        if not mine:
            continue
        near = {
            pk for pk, other in labels.items() if other != event and topics.get(other, frozenset()) & mine
        }
        k = min(len(near), limit)
        articles += 1
        first_right += bool(entries) and entries[0] in near
        hits += sum(pk in near for pk in entries[:k])
        slots += k
    return RelatedQuality(articles, first_right, hits, slots, same_story)
