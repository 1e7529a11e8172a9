"""Default content: menu sections, static pages, site settings and the admin account, idempotently."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from broadsheet.demo.defaults import ensure_admin, ensure_defaults, ensure_sections
from broadsheet.newsroom.models import Page, Section, SiteSettings

pytestmark = pytest.mark.django_db

MENU = [
    ("US News", "us-news"),
    ("Politics", "politics"),
    ("Business", "business"),
    ("Technology", "technology"),
    ("Science", "science"),
    ("Books", "books"),
    ("Film", "film"),
    ("Music", "music"),
    ("Television", "television"),
    ("LifeStyle", "lifestyle"),
]


def _snapshot() -> tuple[list, list, dict]:
    sections = list(Section.objects.values_list("name", "slug", "order", "in_menu", "description"))
    pages = list(Page.objects.values_list("title", "slug", "form", "body", "order"))
    settings_row = SiteSettings.objects.values().get(pk=1)
    settings_row.pop("updated_at")
    return sections, pages, settings_row


def test_creates_menu_sections_in_order():
    created = ensure_defaults()
    assert created["sections"] == [name for name, _ in MENU]
    menu = Section.objects.filter(in_menu=True).order_by("order")
    assert [(s.name, s.slug) for s in menu] == MENU


def test_creates_pages_with_forms_and_slugs():
    ensure_defaults()
    pages = {p.title: p for p in Page.objects.all()}
    assert set(pages) == {
        "About",
        "Contact",
        "Amazon Disclaimer",
        "DMCA / Copyrights Disclaimer",
        "Privacy Policy",
        "Terms and Conditions",
    }
    assert pages["Contact"].form == Page.Form.CONTACT
    assert pages["DMCA / Copyrights Disclaimer"].form == Page.Form.TAKEDOWN
    assert pages["DMCA / Copyrights Disclaimer"].slug == "dmca"
    assert pages["About"].form == ""
    assert "fictional" in pages["About"].body
    assert all(p.in_footer and p.in_contact_menu and p.body.startswith("<p>") for p in pages.values())


def test_site_settings_name_links_and_disclaimer():
    ensure_defaults()
    site = SiteSettings.load()
    assert site.site_name == "The Broadsheet Daily"
    assert site.facebook_url == "https://www.facebook.com/broadsheetdaily"
    assert len(site.social_links()) == 6
    assert "fictional" in site.disclaimer_text
    assert site.copyright_text and site.footer_text


def test_second_run_changes_nothing():
    ensure_defaults()
    before = _snapshot()
    assert ensure_defaults() == {"sections": [], "pages": [], "site_settings": []}
    assert _snapshot() == before


def test_editor_changes_survive():
    ensure_defaults()
    Page.objects.filter(slug="about").update(title="About us", body="<p>Edited.</p>")
    Section.objects.filter(slug="books").update(name="Reading", order=99)
    SiteSettings.objects.filter(pk=1).update(site_name="Harbour Times", x_url="")
    ensure_defaults()
    assert Page.objects.get(slug="about").body == "<p>Edited.</p>"
    assert Section.objects.get(slug="books").name == "Reading"
    assert not Section.objects.filter(name="Books").exists()
    site = SiteSettings.load()
    assert site.site_name == "Harbour Times"
    # An empty field is "not set yet", so it is filled; a changed one is left alone.
    assert site.x_url == "https://x.com/broadsheetdaily"


def test_placeholder_settings_row_is_filled():
    SiteSettings.load()  # as a page view before `init` would create it
    ensure_defaults()
    assert SiteSettings.load().site_name == "The Broadsheet Daily"


def test_extra_sections_stay_out_of_the_menu():
    ensure_sections(include_extra=True)
    extras = Section.objects.filter(slug__in=["events", "uncategorized"])
    assert extras.count() == 2
    assert not any(s.in_menu for s in extras)


def test_admin_created_once_and_never_reset():
    password = ensure_admin("editor")
    assert password
    user = get_user_model().objects.get(username="editor")
    assert user.is_superuser and user.is_staff and user.check_password(password)
    assert ensure_admin("editor", "another-password") is None
    user.refresh_from_db()
    assert user.check_password(password)


def test_admin_uses_given_password():
    assert ensure_admin("chief", "a-given-password") == "a-given-password"
    assert get_user_model().objects.get(username="chief").check_password("a-given-password")
