"""App configuration for readers' contact messages and takedown requests."""

from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "broadsheet.inbox"
    label = "inbox"
    verbose_name = "Inbox"
