"""A real SMTP server on loopback (aiosmtpd) that records what it accepted and can be told to
answer the next messages with a temporary or permanent error, or to hold one."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache

from broadsheet.core import email_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    """aiosmtpd handler: answers the scripted replies first (one per DATA), then 250."""

    def __init__(self) -> None:
        self.accepted: list[EmailMessage] = []
        self.script: list[str] = []
        self.refused = 0
        self.lock = threading.Lock()
        # Hold the message after this many accepted ones until `release` (a kill test's stall).
        self.hold_after: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            if self.script:
                self.refused += 1
                return self.script.pop(0)
            hold = self.hold_after is not None and len(self.accepted) >= self.hold_after
        if hold:
            self.holding.set()
            import asyncio

            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 held, not accepted"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.accepted.append(message)  # type: ignore[arg-type]
        return "250 2.0.0 OK"

    def recipients(self) -> list[str]:
        with self.lock:
            return [str(m["To"]) for m in self.accepted]


@pytest.fixture
def smtp(settings) -> Iterator[Sink]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = email_url.SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.BROADSHEET_SITE_URL = "https://news.example"
    try:
        yield sink
    finally:
        sink.release.set()
        controller.stop()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate-limit counters live in the cache, which outlives a test's transaction.
    cache.clear()
