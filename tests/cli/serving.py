"""Start the real `broadsheet serve` on a free loopback port for a test, and always stop it."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.cli.test_cli import (
    BROADSHEET,
    STARTUP_SECONDS,
    STOP_SECONDS,
    _alive,
    _descendants,
    _env,
    _free_port,
    _get,
    _kill_everything,
)


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    known: dict[int, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def children(self) -> dict[int, str]:
        """The supervisor's processes now (remembered for the final clean-up)."""
        now = _descendants(self.process.pid)
        self.known.update(now)
        return now

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def serving(
    data_dir: Path, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Iterator[Served]:
    """`broadsheet serve --port <free> ARGS`, answering /robots.txt before the body runs; stopped
    with SIGTERM afterwards (exit 0, no child left), or killed outright if the test failed."""
    port = _free_port()
    log = data_dir.parent / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [BROADSHEET, "serve", "--port", str(port), *args],
            env=_env(data_dir) | (env or {}),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Served(process, port, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            served.children()
            try:
                status = _get(f"{served.url}/robots.txt")
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200, f"no answer; exit code {process.poll()}; output:\n{served.output()}"
        yield served
        served.children()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_SECONDS) == 0, served.output()
        assert not [pid for pid in served.known if _alive(pid)]
    finally:
        if process.poll() is None or any(_alive(pid) for pid in served.known):
            _kill_everything(process, served.known)
