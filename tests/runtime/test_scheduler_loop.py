"""The scheduler process's loop (broadsheet/runtime/scheduler.py): hooks, failures, and two
schedulers at once enqueueing each due source exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_tasks import default_task_backend

from broadsheet.ingest.models import Source
from broadsheet.ingest.tasks import ingest_source_task, schedule_due_sources
from broadsheet.runtime import scheduler


@pytest.mark.django_db  # each tick refreshes stale database connections
def test_a_failing_hook_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def broken() -> None:
        calls.append("broken")
        raise RuntimeError("database went away")

    assert scheduler.run_hooks([broken, lambda: calls.append("fine")]) == 1
    assert calls == ["broken", "fine"]
    assert "database went away" in caplog.text


@pytest.mark.django_db
def test_the_loop_ticks_at_once_and_stops_when_asked() -> None:
    stop = threading.Event()
    ticks: list[int] = []

    def hook() -> None:
        ticks.append(1)
        if len(ticks) == 3:
            stop.set()

    # A zero interval: the test waits on nothing but the hooks themselves.
    assert scheduler.run_loop([hook], 0, stop) == 3
    assert scheduler.run_loop([hook], 0, threading.Event(), ticks=2) == 2


def test_every_app_declares_its_hooks_and_they_resolve_to_callables() -> None:
    # In INSTALLED_APPS order, as the scheduler runs them; the runtime imports none of them.
    assert [hook.task for hook in scheduler.declared()] == [
        "broadsheet.media.tasks.schedule_cleanup",
        "broadsheet.ingest.tasks.schedule_due_sources",
        "broadsheet.discovery.tasks.schedule_refresh",
        "broadsheet.audience.signup.purge_expired",
        "broadsheet.audience.digest.build_due",
        "broadsheet.readership.tasks.schedule_refresh",
        "broadsheet.runtime.reaper.reap_periodically",
    ]
    hooks = [scheduler.resolve(hook.task) for hook in scheduler.declared()]
    assert all(callable(h) for h in hooks)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_enqueue_each_due_source_once(settings) -> None:
    # The dummy backend records what is enqueued instead of running it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sources = [Source.objects.create(feed_url=f"https://feeds.example/{n}.xml") for n in range(8)]
    Source.objects.create(feed_url="https://feeds.example/off.xml", enabled=False)
    hook = scheduler.resolve("broadsheet.ingest.tasks.schedule_due_sources")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    enqueued: list[int] = []

    def tick() -> None:
        try:
            barrier.wait(timeout=10)
            scheduler.run_hooks([hook])
            # The dummy backend keeps results per thread: collect this thread's.
            enqueued.extend(
                r.args[0] for r in default_task_backend.results if r.task.func == ingest_source_task.func
            )
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    # A tick that fails (a lock error, say) is logged and the next tick catches up, as here;
    # normally the two ticks above already claimed everything and this one finds nothing.
    scheduler.run_hooks([hook])
    enqueued.extend(r.args[0] for r in default_task_backend.results if r.task.func == ingest_source_task.func)
    assert sorted(enqueued) == sorted(s.pk for s in sources)  # each source exactly once
    assert schedule_due_sources.call() == 0  # all claimed: nothing due until the lease ends
