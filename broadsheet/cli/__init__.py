"""The `broadsheet` command: init, serve, worker, search, demo and a passthrough to Django's manage."""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from broadsheet.cli import discovery
from broadsheet.cli.errors import CliError

DEFAULT_SETTINGS = "broadsheet.settings.dev"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (not the usage block) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"broadsheet: error: {message}\n")


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer (got {raw!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer (got {raw})")
    return value


def _port(raw: str) -> int:
    value = _positive_int(raw)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535 (got {raw})")
    return value


def _client_timeout(raw: str) -> int:
    from broadsheet.runtime.processes import MAX_CLIENT_TIMEOUT_SECONDS

    value = _positive_int(raw)
    if value > MAX_CLIENT_TIMEOUT_SECONDS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_CLIENT_TIMEOUT_SECONDS} seconds (got {raw})")
    return value


def _default_port() -> int:
    from django.conf import settings

    return int(settings.PORT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="broadsheet",
        description="Run and manage a Broadsheet news site.",
        epilog="Settings default to broadsheet.settings.dev; set DJANGO_SETTINGS_MODULE to change them.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    commands.add_parser(
        "init", help="create the data directory, database tables, static files, default content and admin"
    )

    serve = commands.add_parser("serve", help="run the web server (granian) and one task worker")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=None, help="port (default $PORT or 8000)")
    serve.add_argument("--workers", type=_positive_int, default=2, help="web worker processes (default 2)")
    serve.add_argument(
        "--threads",
        type=_positive_int,
        default=None,
        help="request threads per web worker (default 2 x CPUs + 1, at most 8)",
    )
    serve.add_argument(
        "--client-timeout",
        type=_client_timeout,
        default=None,
        help="seconds a connection may take to send a request's headers, or sit idle between "
        "requests, before it is closed (default 10, at most 60)",
    )
    serve.add_argument("--no-worker", action="store_true", help="do not start a task worker beside it")

    worker = commands.add_parser("worker", help="run task worker processes in the foreground")
    worker.add_argument("--count", type=_positive_int, default=1, help="worker processes (default 1)")

    search = commands.add_parser("search", help="search index maintenance")
    search_commands = search.add_subparsers(dest="search_command", metavar="ACTION", required=True)
    search_commands.add_parser("reindex", help="rebuild the search index from the database")
    search_commands.add_parser(
        "follow", help="keep this node's search index in step with the change log (runs until stopped)"
    )

    demo = commands.add_parser("demo", help="load the fictional demo newsroom, or a synthetic corpus")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if any article exists")
    demo.add_argument(
        "--articles", type=_positive_int, help="generate N synthetic articles (for benchmarks) instead"
    )
    demo.add_argument("--seed", type=int, default=1, help="random seed for --articles (default 1)")

    discovery.add_parsers(commands)

    from broadsheet.cli import wpimport as wpimport_cli  # no Django import at module level

    wpimport_cli.add_parsers(commands)
    from broadsheet.cli import ops as ops_cli  # no Django import at module level

    ops_cli.add_parsers(commands)
    commands.add_parser("manage", help="run a Django management command (broadsheet manage help)")
    from broadsheet.cli import ingest as ingest_cli  # no Django import at module level

    ingest_cli.add_parsers(commands)
    return parser


def _setup_django() -> None:
    import django

    django.setup()


def _dispatch(args: argparse.Namespace) -> int:
    from broadsheet.cli import commands
    from broadsheet.runtime import processes

    if args.command == "init":
        return commands.init()
    if args.command == "demo":
        return commands.demo(if_empty=args.if_empty, articles=args.articles, seed=args.seed)
    if args.command == "search":
        if args.search_command == "follow":
            from broadsheet.cli import ops as ops_cli

            return ops_cli.search_follow()
        return commands.search_reindex()
    if args.command in {"backup", "migrate-db"}:
        from broadsheet.cli import ops as ops_cli

        return ops_cli.dispatch(args)
    if args.command == "serve":
        port = args.port if args.port is not None else _default_port()
        threads = args.threads or min(8, 2 * (os.cpu_count() or 1) + 1)
        return processes.serve(
            args.host,
            port,
            args.workers,
            threads,
            task_worker=not args.no_worker,
            client_timeout=args.client_timeout or processes.CLIENT_TIMEOUT_SECONDS,
        )
    if args.command == "worker":
        return processes.run_workers(args.count)
    if args.command in ("classifier", "discovery"):
        return discovery.dispatch(args)
    if args.command in {"sources", "ingest"}:
        from broadsheet.cli import ingest as ingest_cli

        return ingest_cli.dispatch(args)
    if args.command == "import-wxr":
        from broadsheet.cli import wpimport as wpimport_cli

        return wpimport_cli.dispatch(args)
    raise CliError(f"unknown command {args.command!r}")


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    if raw and raw[0] == "manage":
        # Handed over untouched: Django parses its own options (and --help).
        from django.core.management import execute_from_command_line

        execute_from_command_line(["broadsheet manage", *raw[1:]])
        return 0

    args = build_parser().parse_args(raw)
    # Imported late: these pull in Django, which must not load before the settings are chosen.
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    from broadsheet.core.env import ConfigError

    try:
        _setup_django()
        return _dispatch(args)
    except (CliError, CommandError, ConfigError, ImproperlyConfigured) as exc:
        print(f"broadsheet: error: {exc}", file=sys.stderr)
        return 1
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"broadsheet: error: database: {first_line} (has `broadsheet init` run?)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


__all__ = ["build_parser", "main"]
