"""A task for the supervisor tests: says which worker runs it, then holds until released."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

HOLD_AT_MOST_SECONDS = 120


@task()
def hold(marker: str, release: str) -> int:
    """Append this worker's pid to `marker`, then wait until the file `release` exists."""
    with Path(marker).open("a") as out:
        out.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + HOLD_AT_MOST_SECONDS
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return os.getpid()
