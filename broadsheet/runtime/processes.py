"""The process supervisor behind `broadsheet serve` (granian plus a task worker) and `broadsheet worker`.

The supervisor starts each child in its own process group, so a Ctrl+C in the terminal
reaches only the supervisor, which forwards it exactly once (a task worker treats a second
SIGINT as "abandon the running task"). On Linux each child is also asked to receive SIGTERM
if the supervisor dies without cleaning up, so no server is ever left orphaned. A child that
dies on its own (killed, out of memory) is restarted with backoff while the others keep
serving, and the tasks a dead task worker was running are re-queued at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import logging
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType

from django.core.management.base import CommandError

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2
STOP_TIMEOUT_SECONDS = 15.0
# A child that dies is restarted after 1 s, then 2, 4 … at most 60 s between attempts; one
# that ran for a minute counts as healthy again and is restarted after 1 s the next time.
RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 60.0
HEALTHY_AFTER_SECONDS = 60.0
WSGI_MODULE = "broadsheet.wsgi"
# Open connections per web worker (granian's --backpressure): far above honest load, so that
# slow or idle sockets cannot take them all; requests still wait for the `threads` threads.
CONNECTIONS_PER_WORKER = 2048
# File descriptors a worker needs besides client sockets (database, cache, search, logs).
FILES_BESIDE_CONNECTIONS = 256
# Time a connection may take to send a request's headers, and stay idle between requests
# (`serve --client-timeout`; granian allows at most 60 s).
CLIENT_TIMEOUT_SECONDS = 10
MAX_CLIENT_TIMEOUT_SECONDS = 60
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Child:
    name: str
    argv: list[str]
    # django_tasks_db's `--worker-id` option: the supervisor names each worker it starts, so
    # that when one dies the tasks it claimed can be re-queued at once (runtime/reaper.py).
    worker_id_option: str | None = None


def _wsgi_target() -> str:
    """The WSGI application as granian's file-path form, `/…/broadsheet/wsgi.py:application`.

    granian puts the current directory first on sys.path whatever PYTHONSAFEPATH says, unless the
    target is a file inside a package: then it puts the directory holding that package first,
    which is where this installed broadsheet lives. (A fixed working directory would do it
    too, but would move a relative BROADSHEET_DATA_DIR or SQLite path.)"""
    spec = importlib.util.find_spec(WSGI_MODULE)
    if spec is None or spec.origin is None:
        raise CommandError(f"cannot find {WSGI_MODULE}: is broadsheet installed?")
    return f"{spec.origin}:application"


def web_command(
    host: str, port: int, workers: int, threads: int, client_timeout: int = CLIENT_TIMEOUT_SECONDS
) -> list[str]:
    # Django views block, so the WSGI interface runs them on granian's blocking threads; the
    # default (half the backpressure, 512 threads) would open far too many DB connections.
    #
    # Slow and idle clients (docs/deploy.md, "Slow clients"): granian holds one backpressure
    # permit per open *connection*, not per request, so a limit near the thread count let a
    # few slow or idle sockets lock everyone else out. The permits are cheap (an idle
    # connection is a small task on the event loop; requests still queue for the threads), so
    # the limit is set far above any honest load, and every connection that is not sending a
    # request is closed after `client_timeout` seconds: dribbled headers, a keep-alive socket
    # left idle, and (with plain HTTP/1 rather than the auto-detecting "auto" mode, which
    # waits for the first bytes without a timeout) a socket that never sends anything.
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--http",
        "1",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--backpressure",
        str(connection_limit()),
        "--http1-header-read-timeout",
        str(client_timeout * 1000),
        "--no-ws",
        _wsgi_target(),
    ]


def connection_limit() -> int:
    """Open connections per web worker: CONNECTIONS_PER_WORKER, raising this process's (and
    so the children's) soft file limit to fit it where the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = CONNECTIONS_PER_WORKER + FILES_BESIDE_CONNECTIONS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            logger.warning("could not raise the open-file limit from %d to %d", soft, raised)
    if soft == resource.RLIM_INFINITY:
        return CONNECTIONS_PER_WORKER
    return max(1, min(CONNECTIONS_PER_WORKER, soft - FILES_BESIDE_CONNECTIONS))


def worker_command() -> list[str]:
    """The task worker for the configured queue, run as `python -m django …` with our settings:
    django_tasks_db's, or RQ's with the job class django-tasks needs (BROADSHEET_TASKS=rq)."""
    from django.conf import settings

    if settings.BROADSHEET_TASKS == "rq":
        return [sys.executable, "-m", "django", "rqworker", "default", "--job-class", "django_tasks_rq.Job"]
    return [sys.executable, "-m", "django", "db_worker"]


def worker_child(name: str) -> Child:
    from django.conf import settings

    rq = settings.BROADSHEET_TASKS == "rq"  # RQ finds dead workers itself
    return Child(name, worker_command(), worker_id_option=None if rq else "--worker-id")


def follower_command() -> list[str]:
    """The search follower: keeps this node's search replica in step with the change log."""
    return [sys.executable, "-m", "django", "search", "follow"]


def scheduler_command() -> list[str]:
    """The periodic scheduler (broadsheet/runtime/scheduler.py says why it is a process of its own)."""
    return [sys.executable, "-m", "django", "scheduler"]


def ensure_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR so a socket lingering in TIME_WAIT after a restart is not "busy".
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                "(is another server running there? choose another port with --port)"
            ) from exc


def ensure_static_collected() -> None:
    """Run collectstatic when the manifest storage has no manifest yet (WhiteNoise needs it)."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    from broadsheet.core.staticfiles import collect_static

    if isinstance(staticfiles_storage, ManifestFilesMixin) and not staticfiles_storage.exists(
        staticfiles_storage.manifest_name
    ):
        print("Static files: no manifest yet, collecting", flush=True)
        collect_static()


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: ask Linux to SIGTERM it when we die.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _child_env() -> dict[str, str]:
    # PYTHONSAFEPATH (Python 3.11+): `python -m …` must import the installed broadsheet, never
    # a `broadsheet/` directory that happens to sit where serve was started.
    return os.environ | {"PYTHONSAFEPATH": "1"}


def _new_worker_id() -> str:
    # Unique across the pool (db_worker's rule) and telling where a lost task ran.
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{secrets.token_hex(6)}"


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


@dataclass
class _Slot:
    """One supervised child: its current process (None while waiting to restart)."""

    child: Child
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    worker_id: str | None = None
    failures: int = 0  # deaths since the child last ran healthily
    restart_at: float | None = None
    signalled: bool = False


class Supervisor:
    """Runs children until a stop signal arrives, restarting any child that dies meanwhile.

    A child that dies is started again after RESTART_FIRST_SECONDS, doubling with each death
    up to RESTART_MAX_SECONDS, and back to the first delay once it has run HEALTHY_AFTER_SECONDS.
    A dead task worker's RUNNING tasks are re-queued at once (`reaper.requeue_tasks_of`)."""

    def __init__(self, children: list[Child]) -> None:
        self.slots = [_Slot(child) for child in children]
        self.stop_signal: int | None = None

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        self.stop_signal = signum
        for slot in self.slots:
            if slot.process is not None and slot.process.poll() is None:
                slot.process.send_signal(signum)
                slot.signalled = True

    def run(self) -> int:
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {signum: signal.signal(signum, self._forward) for signum in handled}
        try:
            for slot in self.slots:
                if self.stop_signal is None:
                    self._start(slot)
            return self._watch()
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _start(self, slot: _Slot) -> None:
        argv = list(slot.child.argv)
        if slot.child.worker_id_option:
            slot.worker_id = _new_worker_id()
            argv += [slot.child.worker_id_option, slot.worker_id]
        # Reset before the process exists: a stop signal from here on is forwarded to it once.
        slot.signalled = False
        slot.restart_at = None
        slot.started_at = time.monotonic()
        slot.process = subprocess.Popen(argv, env=_child_env(), process_group=0, preexec_fn=_die_with_parent)

    def _watch(self) -> int:
        while self.stop_signal is None:
            for slot in self.slots:
                if self.stop_signal is not None:
                    break
                if slot.process is None:
                    if slot.restart_at is not None and time.monotonic() >= slot.restart_at:
                        self._start(slot)
                    continue
                code = slot.process.poll()
                if code is not None:
                    self._died(slot, code)
            time.sleep(POLL_SECONDS)
        return 0

    def _died(self, slot: _Slot, code: int) -> None:
        now = time.monotonic()
        ran = now - slot.started_at
        if ran >= HEALTHY_AFTER_SECONDS:
            slot.failures = 0
        delay = min(RESTART_MAX_SECONDS, RESTART_FIRST_SECONDS * 2**slot.failures)
        slot.failures += 1
        if slot.process is not None:
            # What the dead child leaves behind in its group (granian's workers, still holding
            # the port) must go before a new one starts.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(slot.process.pid, signal.SIGKILL)
        slot.process = None
        slot.restart_at = now + delay
        print(
            f"broadsheet: {slot.child.name} {_describe_exit(code)} after {ran:.0f}s; "
            f"restarting it in {delay:.0f}s",
            file=sys.stderr,
            flush=True,
        )
        if slot.worker_id is not None:
            _requeue_lost_tasks(slot.child.name, slot.worker_id)

    def _stop_all(self) -> None:
        # Children already given the user's signal are left to finish: a second one would
        # tell the task worker to abandon its running task.
        running = [slot for slot in self.slots if slot.process is not None]
        for slot in running:
            if not slot.signalled and slot.process is not None and slot.process.poll() is None:
                slot.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for slot in running:
            process = slot.process
            assert process is not None
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in %.0fs; killing it", slot.child.name, STOP_TIMEOUT_SECONDS)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _requeue_lost_tasks(name: str, worker_id: str) -> None:
    """The worker is dead: re-queue the tasks it was running now, not after the reaper's wait.
    A database that is away leaves them to the reaper."""
    from django.db import DatabaseError, connections

    from broadsheet.runtime.reaper import requeue_tasks_of

    try:
        count = requeue_tasks_of(worker_id)
    except DatabaseError as exc:
        print(f"broadsheet: could not re-queue {name}'s tasks ({exc}); the reaper will", file=sys.stderr)
        return
    finally:
        connections.close_all()  # the supervisor keeps no connection between deaths
    if count:
        print(f"broadsheet: re-queued {count} task(s) {name} was running", file=sys.stderr, flush=True)


def serve(
    host: str,
    port: int,
    workers: int,
    threads: int,
    *,
    task_worker: bool,
    client_timeout: int = CLIENT_TIMEOUT_SECONDS,
) -> int:
    ensure_port_free(host, port)
    ensure_static_collected()
    from django.conf import settings

    children = [Child("web server", web_command(host, port, workers, threads, client_timeout))]
    if settings.BROADSHEET_SEARCH_REPLICA:
        # Every web node keeps its own search replica; on one machine it is the index's writer.
        children.append(Child("search follower", follower_command()))
    if task_worker:
        children.append(worker_child("task worker"))
        # The scheduler goes wherever task workers run: a web-only node (--no-worker) has none.
        children.append(Child("scheduler", scheduler_command()))
    shown_host = f"[{host}]" if ":" in host else host
    tasks = "1 task worker" if task_worker else "no task worker"
    print(f"Serving http://{shown_host}:{port}/ ({workers} web workers, {tasks})", flush=True)
    return Supervisor(children).run()


def run_workers(count: int) -> int:
    print(f"Running {count} task worker{'s' if count != 1 else ''}", flush=True)
    children = [worker_child(f"task worker {n}") for n in range(1, count + 1)]
    # One scheduler per machine running workers; more than one anywhere is harmless.
    children.append(Child("scheduler", scheduler_command()))
    return Supervisor(children).run()
