"""A periodic hook, as an app declares it on its AppConfig for the runtime's scheduler to find.

Here in core, not in runtime, so that an app can declare its hooks without importing the runtime
(which must import no app): `broadsheet.runtime.scheduler` reads `periodic` from every installed
AppConfig and resolves the dotted paths only when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    """Run `task` in the scheduler process on every tick (BROADSHEET_SCHEDULER_INTERVAL).

    `task` is the dotted path of a django.tasks task (run in the scheduler through `.call()`)
    or of a plain callable. It must be cheap and safe in several schedulers at once: claim work
    with a conditional UPDATE, hold a longer interval with `core.once`, and enqueue anything slow.
    """

    name: str
    task: str
