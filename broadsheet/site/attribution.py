"""Credit for aggregated stories: the other sources that also carry an article."""

from __future__ import annotations

from broadsheet.core.types import Link
from broadsheet.core.urls import safe_http_url
from broadsheet.ingest.models import Syndication
from broadsheet.newsroom.models import Article

# A story is rarely carried by more than a handful of feeds; the page names the first few.
MAX_ALSO_CARRIED = 5


def also_carried_by(article: Article) -> list[Link]:
    """The other sources carrying `article`, oldest first: one bounded query, and none at all
    for the site's own stories."""
    if not article.is_aggregated:
        return []
    rows = (
        Syndication.objects.filter(article=article)
        .select_related("source")
        .order_by("created_at", "id")[:MAX_ALSO_CARRIED]
    )
    return [
        Link(str(row.source), safe_http_url(row.url) or safe_http_url(row.source.home_url)) for row in rows
    ]
