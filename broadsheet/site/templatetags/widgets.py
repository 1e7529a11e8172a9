"""Sidebar widget tags: {% popular_posts %}, {% categories_widget %}, {% archives_widget %}."""

from __future__ import annotations

from typing import Any

from django import template

from broadsheet.site import widgets

register = template.Library()


@register.inclusion_tag("site/includes/popular.html")
def popular_posts() -> dict[str, Any]:
    return {"items": widgets.popular()}


@register.inclusion_tag("site/includes/categories.html")
def categories_widget() -> dict[str, Any]:
    return {"items": widgets.categories()}


@register.inclusion_tag("site/includes/archives.html")
def archives_widget() -> dict[str, Any]:
    data = widgets.archives()
    return {"items": data["months"], "older_url": data["older_url"]}
