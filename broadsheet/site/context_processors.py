"""Site chrome for every template: settings, the header menus and the footer links."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from broadsheet.core.prepared import PreparedQuery
from broadsheet.newsroom.models import Page, Section, SiteSettings

# The chrome's three queries, the same on every page: compiled once (core/prepared.py).
# Never SiteSettings.load(): it creates the row, and a page view must not write.
_SETTINGS = PreparedQuery(SiteSettings, lambda: SiteSettings.objects.filter(pk=1))
# One query serves both the header's Contact menu and the footer's Useful Links.
_MENU_PAGES = PreparedQuery(Page, lambda: Page.objects.filter(Q(in_contact_menu=True) | Q(in_footer=True)))
_MENU_SECTIONS = PreparedQuery(Section, lambda: Section.objects.filter(in_menu=True))


def _settings() -> SiteSettings:
    found = _SETTINGS.fetch()
    return found[0] if found else SiteSettings(pk=1)


def _menu_pages() -> list[Page]:
    return _MENU_PAGES.fetch()


def menu_sections(request: HttpRequest) -> list[Section]:
    """The menu's sections, queried once per request for the header, the footer and the view."""
    found: list[Section] | None = getattr(request, "_menu_sections", None)
    if found is None:
        found = _MENU_SECTIONS.fetch()
        request._menu_sections = found  # type: ignore[attr-defined]
    return found


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    """Lazy values: a template that never shows the chrome never queries for it."""
    pages = SimpleLazyObject(_menu_pages)
    return {
        "site": SimpleLazyObject(_settings),
        "menu_sections": SimpleLazyObject(lambda: menu_sections(request)),
        "contact_pages": SimpleLazyObject(lambda: [p for p in pages if p.in_contact_menu]),
        "footer_pages": SimpleLazyObject(lambda: [p for p in pages if p.in_footer]),
    }
