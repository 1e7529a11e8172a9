"""Default content every site needs (menu sections, static pages, site settings, an admin).

Everything here only creates what is missing: running it again never duplicates a row and
never overwrites what an editor has changed.
"""

from __future__ import annotations

import logging
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from broadsheet.demo.pages import DEFAULT_PAGES, SITE_DEFAULTS
from broadsheet.newsroom.models import Page, Section, SiteSettings

logger = logging.getLogger(__name__)

# (name, slug, description) in header-menu order.
MENU_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("US News", "us-news", "National stories and how they land in Port Alder."),
    ("Politics", "politics", "City hall, the state house and the campaigns in between."),
    ("Business", "business", "Companies, jobs, the harbour economy and your money."),
    ("Technology", "technology", "Start-ups, gadgets, software and the people who build them."),
    ("Science", "science", "Research from the labs, the observatory and the sea."),
    ("Books", "books", "Reviews, authors and the city's bookshops."),
    ("Film", "film", "New releases, festivals and the cinemas that show them."),
    ("Music", "music", "Bands, concerts, records and the venues that keep them going."),
    ("Television", "television", "What to watch, and the people who make it."),
    ("LifeStyle", "lifestyle", "Food, homes, health, travel and weekends."),
)

# Sections outside the menu that imported archives (and the corpus generator) use.
EXTRA_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("Events", "events", "What is on in Port Alder."),
    ("Uncategorized", "uncategorized", "Stories not yet filed under a section."),
)


def _ensure_section(name: str, slug: str, description: str, order: int, in_menu: bool) -> bool:
    # Matched by slug, then by name: an editor may have renamed either, and both are unique.
    if Section.objects.filter(slug=slug).exists() or Section.objects.filter(name=name).exists():
        return False
    Section.objects.create(name=name, slug=slug, description=description, order=order, in_menu=in_menu)
    return True


def ensure_sections(include_extra: bool = False) -> list[str]:
    """Create the menu sections (and, on request, the off-menu ones) that are missing."""
    created = [
        name
        for order, (name, slug, description) in enumerate(MENU_SECTIONS, start=1)
        if _ensure_section(name, slug, description, order, in_menu=True)
    ]
    if include_extra:
        created += [
            name
            for order, (name, slug, description) in enumerate(EXTRA_SECTIONS, start=len(MENU_SECTIONS) + 1)
            if _ensure_section(name, slug, description, order, in_menu=False)
        ]
    return created


def ensure_pages() -> list[str]:
    created = []
    for order, page in enumerate(DEFAULT_PAGES, start=1):
        _, made = Page.objects.get_or_create(
            slug=page.slug,
            defaults={
                "title": page.title,
                "body": page.body,
                "form": page.form,
                "order": order,
                "in_contact_menu": True,
                "in_footer": True,
            },
        )
        if made:
            created.append(page.title)
    return created


def ensure_site_settings() -> list[str]:
    """Fill the site settings fields that are still empty (or the model's placeholder name)."""
    settings_row = SiteSettings.load()
    placeholder_name = SiteSettings._meta.get_field("site_name").get_default()
    placeholder_tagline = SiteSettings._meta.get_field("tagline").get_default()
    filled = []
    for field, value in SITE_DEFAULTS.items():
        current = getattr(settings_row, field)
        untouched = not current or (field == "site_name" and current == placeholder_name)
        untouched = untouched or (field == "tagline" and current == placeholder_tagline)
        if untouched and current != value:
            setattr(settings_row, field, value)
            filled.append(field)
    if filled:
        settings_row.save(update_fields=[*filled, "updated_at"])
    return filled


@transaction.atomic
def ensure_defaults() -> dict[str, list[str]]:
    """Create missing default sections, pages and site settings; return what was created."""
    created = {
        "sections": ensure_sections(),
        "pages": ensure_pages(),
        "site_settings": ensure_site_settings(),
    }
    logger.debug("Default content ensured: %s", created)
    return created


def ensure_admin(username: str, password: str | None = None) -> str | None:
    """Create superuser `username` if no such user exists.

    Returns the password it was given (or generated) when the account is created, None when
    the account already existed: an existing password is never reset.
    """
    user_model = get_user_model()
    if user_model._default_manager.filter(username=username).exists():
        return None
    chosen = password or secrets.token_urlsafe(12)
    user_model._default_manager.create_superuser(username=username, email="", password=chosen)  # type: ignore[attr-defined]
    logger.debug("Created admin account %s", username)
    return chosen
