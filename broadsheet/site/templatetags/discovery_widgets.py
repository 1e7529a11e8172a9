"""Discovery's widget tag on the home page: {% top_stories %}, read from the cache.

The list is recomputed every few minutes by broadsheet.discovery.tasks.refresh_top_stories;
inside a cached page it is as old as the page (up to BROADSHEET_PAGE_CACHE_TTL more).
Trending is a sidebar list: {% site_sidebar %} (chrome.py) renders it with the others.
"""

from __future__ import annotations

from typing import Any

from django import template

from broadsheet.discovery import top_stories as top_stories_data

register = template.Library()


@register.inclusion_tag("site/includes/top_stories.html")
def top_stories() -> dict[str, Any]:
    return {"items": top_stories_data.top_stories()}
