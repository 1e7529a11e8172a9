"""`broadsheet serve`: the web server (granian) with a task worker and the scheduler beside it."""

from __future__ import annotations

import argparse
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from broadsheet.core.argtypes import port, positive_int
from broadsheet.runtime import processes


def client_timeout(raw: str) -> int:
    value = positive_int(raw)
    if value > processes.MAX_CLIENT_TIMEOUT_SECONDS:
        raise argparse.ArgumentTypeError(
            f"must be at most {processes.MAX_CLIENT_TIMEOUT_SECONDS} seconds (got {raw})"
        )
    return value


class Command(BaseCommand):
    help = "run the web server (granian) and one task worker"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=port, default=None, help="port (default $PORT or 8000)")
        parser.add_argument(
            "--workers", type=positive_int, default=2, help="web worker processes (default 2)"
        )
        parser.add_argument(
            "--threads",
            type=positive_int,
            default=None,
            help="request threads per web worker (default 2 x CPUs + 1, at most 8)",
        )
        parser.add_argument(
            "--client-timeout",
            type=client_timeout,
            default=None,
            help="seconds a connection may take to send a request's headers, or sit idle between "
            "requests, before it is closed (default 10, at most 60)",
        )
        parser.add_argument("--no-worker", action="store_true", help="do not start a task worker beside it")

    def handle(self, *args: Any, **options: Any) -> None:
        code = processes.serve(
            options["host"],
            options["port"] if options["port"] is not None else int(settings.PORT),
            options["workers"],
            options["threads"] or min(8, 2 * (os.cpu_count() or 1) + 1),
            task_worker=not options["no_worker"],
            client_timeout=options["client_timeout"] or processes.CLIENT_TIMEOUT_SECONDS,
        )
        if code:
            raise SystemExit(code)
