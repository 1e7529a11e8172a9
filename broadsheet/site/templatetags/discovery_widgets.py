"""Discovery's widget tags: {% trending %} and {% top_stories %}, read from the cache.

Both lists are recomputed every few minutes by broadsheet.discovery.tasks.refresh_trending;
inside a cached page they are as old as the page (up to BROADSHEET_PAGE_CACHE_TTL more).
"""

from __future__ import annotations

from typing import Any

from django import template

from broadsheet.discovery import trending as trending_data

register = template.Library()


@register.inclusion_tag("site/includes/trending.html")
def trending(suffix: str = "") -> dict[str, Any]:
    """`suffix` keeps element ids unique when a page shows the widget twice."""
    return {"items": trending_data.trending(), "suffix": suffix}


@register.inclusion_tag("site/includes/top_stories.html")
def top_stories() -> dict[str, Any]:
    return {"items": trending_data.top_stories()}
