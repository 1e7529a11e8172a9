"""Purging cached pages when content changes, and noting the next scheduled time.

Two kinds of change reach the page cache here. Article and story changes arrive as signals:
`published` carries snapshots of where the article was listed before and after, which
edge/paths.py turns into paths; `story_changed` carries the paths that show the story.
Edits of the site's structure (sections, pages, authors, tags, site settings) arrive as the
models' own `post_save`/`post_delete`: what they show is either on every page (the header and
footer menus, the site name, a section's or author's or tag's name on cards and bylines), so
the whole cache is retired with `pagecache.purge_site()`, or only on the item's own page (a
section's description, an author's bio, a page's body), so only those paths are purged. A save
that changes nothing shown purges nothing. Like article purges, these run after the
transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.urls import reverse

from broadsheet.edge import pagecache
from broadsheet.edge.paths import changed_paths
from broadsheet.newsroom.models import Author, Page, Section, SiteSettings, Tag
from broadsheet.newsroom.signals import ArticleSnapshot


def purge_article_pages(
    sender: Any,
    article_id: int,
    action: str,
    before: ArticleSnapshot | None,
    after: ArticleSnapshot | None,
    **kwargs: Any,
) -> None:
    # Purging is a few cache writes and must be visible at once, so it runs inline rather
    # than as a task; so does the one indexed MIN query for the next scheduled time.
    pagecache.purge(changed_paths(before, after))
    pagecache.refresh_next_due()


def purge_story_pages(sender: Any, story_id: int, paths: list[str], **kwargs: Any) -> None:
    """A story gained or lost a version: its page and its versions' "Also covered by" change."""
    pagecache.purge(paths)


@dataclass(frozen=True)
class Shown:
    """Where a model's fields show on the public site.

    `everywhere`: fields shown on every page, or on pages no path list can name (the
    chrome, cards, bylines); a change retires every cached page. `own`: fields shown only on
    the paths `paths(values)` names (computed from the old and the new values); a change
    purges those. `everywhere_if`: when given, the `everywhere` fields count only if this
    holds before or after the change (a page outside both menus is in no chrome).
    """

    everywhere: tuple[str, ...]
    own: tuple[str, ...] = ()
    paths: Callable[[dict[str, Any]], list[str]] = lambda values: []
    everywhere_if: Callable[[dict[str, Any]], bool] | None = None
    created_shows: bool = True  # does a new row show anywhere before an article uses it?


def _section_paths(values: dict[str, Any]) -> list[str]:
    slug = values["slug"]
    return [
        reverse("site:section", kwargs={"section": slug}),
        reverse("site:section_feed", kwargs={"section": slug}),
    ]


def _page_paths(values: dict[str, Any]) -> list[str]:
    return [reverse("site:section", kwargs={"section": values["slug"]})]


SHOWN: dict[type[models.Model], Shown] = {
    # Every field of the settings row is chrome (name, tagline, logo, social links, footer).
    SiteSettings: Shown(
        everywhere=tuple(f.attname for f in SiteSettings._meta.concrete_fields if f.attname != "updated_at")
    ),
    # The header and footer menus, the home page's section blocks, and every card's section.
    Section: Shown(
        everywhere=("name", "slug", "order", "in_menu"),
        own=("description",),
        paths=_section_paths,
        created_shows=True,  # in the menus at once (in_menu is on by default)
    ),
    # The Contact menu and the footer's Useful Links, when the page is in either.
    Page: Shown(
        everywhere=("title", "slug", "order", "in_contact_menu", "in_footer"),
        own=("title", "slug", "body", "form", "parent_id"),
        paths=_page_paths,
        everywhere_if=lambda values: bool(values["in_contact_menu"] or values["in_footer"]),
    ),
    # Bylines on every card and article page; the bio and photo only on the author's page.
    # A rename is rare, and an author's articles can be any number of pages, so it retires
    # the whole cache rather than listing them.
    Author: Shown(
        everywhere=("name", "slug"),
        own=("bio", "photo"),
        paths=lambda values: [reverse("site:author", kwargs={"slug": values["slug"]})],
        created_shows=False,  # no article shows it until one is published with it
    ),
    # Tag names on cards and article pages.
    Tag: Shown(everywhere=("name", "slug"), created_shows=False),
}

_BEFORE = "_pagecache_before"


def _values(shown: Shown, instance: models.Model) -> dict[str, Any]:
    names = {f.attname for f in type(instance)._meta.concrete_fields}
    wanted = (set(shown.everywhere) | set(shown.own) | {"slug", "in_contact_menu", "in_footer"}) & names
    return {name: _plain(getattr(instance, name)) for name in wanted}


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, models.fields.files.FieldFile) else value


def remember_before(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    """pre_save: keep the stored row's shown values, to tell after the save what changed."""
    shown = SHOWN.get(sender)
    if shown is None or raw or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE, _values(shown, old) if old is not None else None)


def _purge_for(shown: Shown, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    states = [values for values in (before, after) if values is not None]
    if before is None or after is None:
        changed = set(states[0]) if states else set()
    else:
        changed = {name for name in after if before.get(name) != after.get(name)}
    in_chrome = shown.everywhere_if is None or any(shown.everywhere_if(values) for values in states)
    if in_chrome and changed & set(shown.everywhere):
        pagecache.purge_site()
        return
    if changed & (set(shown.own) | set(shown.everywhere)):
        pagecache.purge([path for values in states for path in shown.paths(values)])


def purge_on_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    shown = SHOWN.get(sender)
    if shown is None or raw:
        return
    before = getattr(instance, _BEFORE, None)
    if hasattr(instance, _BEFORE):
        delattr(instance, _BEFORE)
    if before is None and not shown.created_shows:
        return  # a new author or tag: the publish that first shows it purges its pages
    after = _values(shown, instance)
    transaction.on_commit(lambda: _purge_for(shown, before, after))


def purge_on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    shown = SHOWN.get(sender)
    if shown is None:
        return
    before = _values(shown, instance)
    transaction.on_commit(lambda: _purge_for(shown, before, None))


def connect_structure_signals() -> None:
    for model in SHOWN:
        uid = f"edge.pagecache.{model._meta.label_lower}"
        pre_save.connect(remember_before, sender=model, dispatch_uid=f"{uid}.before")
        post_save.connect(purge_on_save, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(purge_on_delete, sender=model, dispatch_uid=f"{uid}.delete")
