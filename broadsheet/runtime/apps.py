"""App configuration for the runtime: its own periodic hook, the reaper."""

from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig

from broadsheet.core.periodic import Periodic


class RuntimeConfig(AppConfig):
    name = "broadsheet.runtime"
    label = "runtime"
    verbose_name = "Runtime"

    periodic: ClassVar[list[Periodic]] = [
        # Database-queue tasks whose worker vanished mid-run with its supervisor: re-queued after
        # 30 minutes (runtime/reaper.py; a supervisor that sees its own worker die re-queues at once).
        Periodic(name="reap stuck tasks", task="broadsheet.runtime.reaper.reap_periodically"),
    ]
