"""The scheduler process: every few seconds, run the periodic hooks every app declares.

Each app lists its hooks on its AppConfig (`periodic = [Periodic(...)]`, core/periodic.py);
`discover()` reads them from the installed apps in INSTALLED_APPS order, so the runtime imports
no app and a new hook is one line in the app that owns the work.

Why a process of its own, supervised beside the task worker, and not a thread inside it: the
worker is django_tasks_db's own `db_worker` command, which we run unchanged, and `broadsheet
worker --count N` starts N of them; one small process per supervisor keeps the scheduler out
of the workers' signal handling (a second SIGINT tells a worker to abandon its task) and lets
it be restarted, watched and counted on its own. Running it in several places at once is safe:
each hook claims its work with a conditional UPDATE (`ingest.tasks.claim_due_sources`), so two
schedulers racing enqueue every due source exactly once.

Run it alone with `python -m django scheduler` (the management command; settings from the environment).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from types import FrameType

from broadsheet.core.periodic import Periodic

logger = logging.getLogger(__name__)


def declared() -> list[Periodic]:
    """Every installed app's periodic hooks, in INSTALLED_APPS order."""
    from django.apps import apps

    return [hook for config in apps.get_app_configs() for hook in getattr(config, "periodic", ())]


def resolve(path: str) -> Callable[[], object]:
    from django.utils.module_loading import import_string

    target = import_string(path)
    # A django.tasks Task runs synchronously here through .call(); a plain function as is.
    call = getattr(target, "call", None)
    return call if callable(call) else target


def run_hooks(hooks: Sequence[Callable[[], object]]) -> int:
    """One tick: every hook once. A failing hook is logged and the others still run.
    Returns how many hooks failed."""
    from django.db import close_old_connections

    failed = 0
    for hook in hooks:
        # A long-lived process must not keep a connection the database has dropped.
        close_old_connections()
        try:
            hook()
        except Exception:  # a dead scheduler would stop `serve`: log it and tick on
            failed += 1
            logger.exception("periodic hook %s failed", getattr(hook, "__qualname__", hook))
    return failed


def run_loop(
    hooks: Sequence[Callable[[], object]], interval: float, stop: threading.Event, *, ticks: int | None = None
) -> int:
    """Tick now, then every `interval` seconds until `stop` is set (or `ticks` ticks ran)."""
    done = 0
    while not stop.is_set() and (ticks is None or done < ticks):
        run_hooks(hooks)
        done += 1
        stop.wait(interval)
    return done


def run_until_stopped() -> None:
    """The process: tick every BROADSHEET_SCHEDULER_INTERVAL seconds until SIGTERM or SIGINT."""
    from django.conf import settings

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    # At least a second: a zero or negative setting must not spin the database.
    interval = max(1.0, float(settings.BROADSHEET_SCHEDULER_INTERVAL))
    periodic = declared()
    hooks = [resolve(hook.task) for hook in periodic]
    logger.info(
        "scheduler: %d periodic hooks every %.0fs (%s)",
        len(hooks),
        interval,
        ", ".join(hook.name for hook in periodic),
    )
    run_loop(hooks, interval, stop)
    logger.info("scheduler: stopped")
