"""A dashboard panel, as an app offers it on its AppConfig for the admin's home page to show.

Here in core, like `core.periodic`, so that every app can offer panels without the page that
shows them importing the app: the middle-tier apps (ingest, readership, inbox) may not import
each other and newsroom may not import them, yet the dashboard shows all of their work. Each
app lists `dashboard_panels = [Panel(...)]` on its AppConfig; `panels_for(request)` reads them
from the installed apps, keeps the ones the user may see, and resolves the dotted paths only
then (an AppConfig is imported before the models are ready).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

# What a panel's context function returns: the template's variables, or None to leave the
# panel out for this request (nothing that user should see).
PanelContext = Mapping[str, Any] | None


@dataclass(frozen=True)
class Panel:
    """One box on the dashboard.

    `context` is the dotted path of `fn(request) -> dict | None`; it narrows what it shows to
    what the user may see (a Contributor's own drafts). `perms` is a first gate: the user needs
    any one of them (none listed: every staff member). Lower `order` comes first; `wide` panels
    (charts) take a full row.
    """

    name: str
    title: str
    template: str
    context: str
    order: int = 100
    perms: tuple[str, ...] = ()
    wide: bool = False

    def allowed(self, user: Any) -> bool:
        if not getattr(user, "is_active", False) or not getattr(user, "is_staff", False):
            return False
        return not self.perms or any(user.has_perm(perm) for perm in self.perms)


@dataclass(frozen=True)
class ShownPanel:
    panel: Panel
    context: Mapping[str, Any]


def declared() -> list[Panel]:
    """Every installed app's panels, by `order` (then INSTALLED_APPS order)."""
    from django.apps import apps

    panels = [panel for config in apps.get_app_configs() for panel in getattr(config, "dashboard_panels", ())]
    return sorted(panels, key=lambda panel: panel.order)


def _resolve(path: str) -> Callable[[HttpRequest], PanelContext]:
    from django.utils.module_loading import import_string

    function: Callable[[HttpRequest], PanelContext] = import_string(path)
    return function


def panels_for(request: HttpRequest, panels: list[Panel] | None = None) -> list[ShownPanel]:
    """The panels `request.user` may see, each with its context, in order."""
    shown = []
    for panel in declared() if panels is None else panels:
        if not panel.allowed(request.user):
            continue
        context = _resolve(panel.context)(request)
        if context is not None:
            shown.append(ShownPanel(panel, context))
    return shown
