"""Ranking signals for articles, as an app offers them on its AppConfig for another to rank by.

Here in core, like `core.periodic` and `core.dashboard`, because the apps that know a story's
weight (readership: its views; discovery: its story cluster) and the app that ranks by it
(audience: the daily digest) sit on one tier and may not import each other. An app sets
`ranking_signals = Signals(views=..., clusters=...)` on its AppConfig; `views()` and
`clusters()` below ask every installed app that offers one, resolving the dotted paths only
then. With neither app installed they answer nothing, and a ranking falls back to its own
order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

# How much reads count beside sources, for every ranking of stories (the home page's Top
# stories, the digest): weight = sources + READS_WEIGHT·ln(1 + reads), so one more source
# outweighs being read about seven times as often (e^(1/0.5)).
READS_WEIGHT = 0.5

# Ids per call to a signal: keeps one IN list under SQLite's bound-parameter limit whatever
# the day's volume.
BATCH = 5000


@dataclass(frozen=True, slots=True)
class Cluster:
    """The story an article is one version of, as a ranking needs it."""

    key: int  # the story's id: articles with one key tell one story
    sources: int  # how many sources told it
    # The publishers of its other versions (not the article's own), earliest first.
    others: tuple[str, ...] = ()


# fn(article_ids, since, until) -> {article id: views in that window}; absent ids had none.
ViewsFn = Callable[[Sequence[int], dt.datetime, dt.datetime], Mapping[int, int]]
# fn(article_ids) -> {article id: its cluster}; absent ids are in no story of several versions.
ClustersFn = Callable[[Sequence[int]], Mapping[int, Cluster]]


@dataclass(frozen=True)
class Signals:
    """What one app offers: dotted paths of a ViewsFn and a ClustersFn ("" for none)."""

    views: str = ""
    clusters: str = ""


def _offered() -> list[Signals]:
    from django.apps import apps

    return [
        signals
        for config in apps.get_app_configs()
        if isinstance(signals := getattr(config, "ranking_signals", None), Signals)
    ]


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def views(article_ids: Sequence[int], since: dt.datetime, until: dt.datetime) -> dict[int, int]:
    """Each article's views between `since` and `until`, summed over the apps that count them."""
    from django.utils.module_loading import import_string

    totals: dict[int, int] = {}
    for signals in _offered():
        if not signals.views:
            continue
        count: ViewsFn = import_string(signals.views)
        for batch in _batches(article_ids):
            for article_id, n in count(batch, since, until).items():
                totals[article_id] = totals.get(article_id, 0) + n
    return totals


def clusters(article_ids: Sequence[int]) -> dict[int, Cluster]:
    """Each article's story cluster, from the first app that offers clusters."""
    from django.utils.module_loading import import_string

    for signals in _offered():
        if signals.clusters:
            find: ClustersFn = import_string(signals.clusters)
            found: dict[int, Cluster] = {}
            for batch in _batches(article_ids):
                found.update(find(batch))
            return found
    return {}
