"""The digest's default order: the editors' sticky picks, then the day's top stories by story
cluster and views, then newest; one article per story.

Views (readership) and clusters (discovery) come through core.ranking, the signals those apps
offer on their AppConfigs: this app may not import them. Without them every story weighs the
same and the order is sticky first, then newest.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

from broadsheet.core import ranking
from broadsheet.core.ranking import Cluster
from broadsheet.newsroom.models import Article


def story_score(sources: int, views: int) -> float:
    """More sources first, then more read: the home page's Top stories weight without its
    extra-versions term and its decay with age (a digest covers one day)."""
    return sources + ranking.READS_WEIGHT * math.log1p(views)


def _when(article: Article) -> float:
    # Candidates are published, so they have a date; the type allows none.
    return article.published_at.timestamp() if article.published_at else 0.0


def _best(versions: list[Article], views: Mapping[int, int]) -> Article:
    """The version a story is sent as: the editors' pick, else the most read, else the newest."""
    return max(versions, key=lambda a: (a.is_sticky, views.get(a.pk, 0), _when(a), a.pk))


def order(
    articles: Sequence[Article], views: Mapping[int, int], clusters: Mapping[int, Cluster]
) -> list[Article]:
    """Pure: one article per story (the best version), sticky stories first, then by
    `story_score` (a story's sources, and its versions' views summed), then newest."""
    stories: dict[tuple[str, int], list[Article]] = {}
    for article in articles:
        cluster = clusters.get(article.pk)
        key = ("story", cluster.key) if cluster else ("article", article.pk)
        stories.setdefault(key, []).append(article)

    def rank_key(versions: list[Article]) -> tuple[bool, float, float, int]:
        best = _best(versions, views)
        cluster = clusters.get(best.pk)
        score = story_score(cluster.sources if cluster else 1, sum(views.get(a.pk, 0) for a in versions))
        return (best.is_sticky, score, _when(best), best.pk)

    ranked = sorted(stories.values(), key=rank_key, reverse=True)
    return [_best(versions, views) for versions in ranked]


def rank(articles: Sequence[Article], since: dt.datetime, until: dt.datetime) -> list[Article]:
    """The default BROADSHEET_DIGEST_RANKER: `order` with the views of `since`..`until` and the
    story clusters the installed apps offer. Four queries at most (two per signal)."""
    ids = [a.pk for a in articles]
    return order(articles, ranking.views(ids, since, until), ranking.clusters(ids))
