"""App configuration for readers' contact messages and takedown requests."""

from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig

from broadsheet.core.dashboard import Panel


class InboxConfig(AppConfig):
    name = "broadsheet.inbox"
    label = "inbox"
    verbose_name = "Inbox"

    # On the admin's home page (core/dashboard.py), for those who may read either kind.
    dashboard_panels: ClassVar[list[Panel]] = [
        Panel(
            name="inbox",
            title="Takedowns and messages",
            template="inbox/dashboard/inbox.html",
            context="broadsheet.inbox.panels.inbox",
            order=35,
            perms=("inbox.view_takedownrequest", "inbox.view_contactmessage"),
        ),
    ]
