"""Site chrome for every template: settings, the header menus and the footer links."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from broadsheet.newsroom.models import Page, Section, SiteSettings


def _settings() -> SiteSettings:
    # Never SiteSettings.load(): it creates the row, and a page view must not write.
    return SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)


def _menu_pages() -> list[Page]:
    # One query serves both the header's Contact menu and the footer's Useful Links.
    return list(
        Page.objects.filter(Q(in_contact_menu=True) | Q(in_footer=True)).only(
            "title", "slug", "in_contact_menu", "in_footer", "order"
        )
    )


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    """Lazy values: a template that never shows the chrome never queries for it."""
    pages = SimpleLazyObject(_menu_pages)
    return {
        "site": SimpleLazyObject(_settings),
        "menu_sections": SimpleLazyObject(
            lambda: list(Section.objects.filter(in_menu=True).only("name", "slug", "order"))
        ),
        "contact_pages": SimpleLazyObject(lambda: [p for p in pages if p.in_contact_menu]),
        "footer_pages": SimpleLazyObject(lambda: [p for p in pages if p.in_footer]),
    }
