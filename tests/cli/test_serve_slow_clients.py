"""Slow and idle clients do not starve `broadsheet serve` (issue 16, finding 1).

The real server, one web worker with two request threads, on a free loopback port. Sockets
dribbling their headers a byte a second (slowloris), keep-alive sockets left idle after one
request, and sockets that never send a byte are held open against it; ten ordinary requests
must still be answered, and the server must close the sockets that send no request in time.
Before the fix granian allowed `threads x 2` open connections per worker, so four such
sockets locked every reader out.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.cli.serving import Served, serving
from tests.cli.test_cli import run

PROBES = 10
PROBE_TIMEOUT_SECONDS = 5
CLIENT_TIMEOUT_SECONDS = 5  # `serve --client-timeout`, shorter than the default 10 to save time
# The server must drop a socket that sends no complete request within the client timeout;
# the margin only absorbs a loaded test machine.
CLOSED_WITHIN_SECONDS = CLIENT_TIMEOUT_SECONDS + 15


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("slow") / "data"
    init = run(data_dir, "init")
    assert init.returncode == 0, init.stderr
    args = (
        "--workers",
        "1",
        "--threads",
        "2",
        "--no-worker",
        "--client-timeout",
        str(CLIENT_TIMEOUT_SECONDS),
    )
    with serving(data_dir, *args) as server:
        yield server


class Held:
    """Sockets held against the server by background threads, each noting when it was closed."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.closed: list[float] = []
        self.sockets: list[socket.socket] = []
        self.threads: list[threading.Thread] = []
        self.started = time.monotonic()

    def open(self, port: int, count: int, behaviour) -> None:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            self.sockets.append(sock)
            thread = threading.Thread(target=self._hold, args=(sock, behaviour), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _hold(self, sock: socket.socket, behaviour) -> None:
        try:
            behaviour(sock, self.stop)
            sock.settimeout(0.5)
            while not self.stop.is_set():
                try:
                    if sock.recv(65536) == b"":
                        break
                except TimeoutError:
                    continue
            else:
                return
        except OSError:
            pass  # reset by the server: closed as well
        self.closed.append(time.monotonic())

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


def dribble_headers(sock: socket.socket, stop: threading.Event) -> None:
    """Slowloris: a request line, then header bytes one a second, never the blank line."""
    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    line = b"X-Slow: yes\r\n"
    sent = 0
    while not stop.is_set():
        sock.sendall(line[sent % len(line) : sent % len(line) + 1])
        sent += 1
        stop.wait(1)
        if sent > 120:
            return


def idle_after_one_request(sock: socket.socket, stop: threading.Event) -> None:
    """A keep-alive client that asks once, reads the answer and keeps the socket open."""
    sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    sock.recv(65536)


def silent(sock: socket.socket, stop: threading.Event) -> None:
    """Connects and never sends a byte."""


@contextlib.contextmanager
def holding(port: int, **counts: int) -> Iterator[Held]:
    behaviours = {"dribbling": dribble_headers, "idle": idle_after_one_request, "silent": silent}
    held = Held()
    try:
        for name, count in counts.items():
            held.open(port, count, behaviours[name])
        time.sleep(1)  # every held socket is in the server's hands before the probes
        yield held
    finally:
        held.close()


def answered(served: Served) -> int:
    count = 0
    for _ in range(PROBES):
        request = urllib.request.Request(f"{served.url}/robots.txt", headers={"Host": "127.0.0.1"})
        try:
            with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT_SECONDS) as response:
                count += response.status == 200
        except OSError:
            continue
    return count


@pytest.mark.parametrize(
    "counts",
    [
        pytest.param({"dribbling": 20}, id="20-slowloris"),
        pytest.param({"dribbling": 48}, id="48-slowloris"),
        pytest.param({"idle": 20}, id="20-idle-keep-alive"),
        pytest.param({"idle": 48, "dribbling": 48, "silent": 48}, id="48-of-each"),
    ],
)
def test_slow_and_idle_sockets_do_not_starve_readers(served: Served, counts: dict[str, int]) -> None:
    with holding(served.port, **counts):
        assert answered(served) == PROBES


def test_sockets_sending_no_request_are_closed_after_the_client_timeout(served: Served) -> None:
    with holding(served.port, dribbling=5, idle=5, silent=5) as held:
        deadline = held.started + CLOSED_WITHIN_SECONDS
        while len(held.closed) < 15 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(held.closed) == 15
        # Not dropped at once either: an honest client gets the whole timeout.
        assert min(held.closed) - held.started > CLIENT_TIMEOUT_SECONDS / 2
