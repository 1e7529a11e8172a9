"""The `broadsheet` command: a thin front over the management commands of each app.

Each command exists once, as a Django management command in the app that owns it (`sources`
and `ingest` in ingest, `search` in search, `serve` and `worker` in runtime, …), so
`broadsheet sources list` and `manage.py sources list` are the same code. This front chooses
the settings, finds the command, and turns failures into one line on stderr: exit 2 for a usage
error, 1 for a command that cannot go on. `broadsheet manage …` is Django's own manage.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

DEFAULT_SETTINGS = "broadsheet.settings.dev"

# `broadsheet NAME` -> the management command that implements it, in the order --help lists them.
COMMANDS: dict[str, str] = {
    "init": "init",
    "serve": "serve",
    "worker": "worker",
    "search": "search",
    "demo": "demo",
    "classifier": "classifier",
    "discovery": "discovery",
    "readership": "readership",
    "counts": "counts",
    "media": "media",
    "import-wxr": "import_wxr",
    "backup": "backup",
    "migrate-db": "migrate_db",
    "sources": "sources",
    "ingest": "ingest",
    "newsletter": "newsletter",
}


class UsageError(Exception):
    """Arguments the command refused (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (not the usage block) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"broadsheet: error: {message}\n")


def build_parser(helps: dict[str, str] | None = None) -> argparse.ArgumentParser:
    """The top level: which command. `helps` (command -> one line) is only needed for --help."""
    parser = _Parser(
        prog="broadsheet",
        description="Run and manage a Broadsheet news site.",
        epilog="Settings default to broadsheet.settings.dev; set DJANGO_SETTINGS_MODULE to change them. "
        "`broadsheet COMMAND --help` describes a command's options.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        commands.add_parser(name, help=(helps or {}).get(name), add_help=False)
    commands.add_parser("manage", help="run a Django management command (broadsheet manage help)")
    return parser


def _command_helps() -> dict[str, str]:
    from django.core.management import get_commands, load_command_class

    found = get_commands()
    return {name: str(load_command_class(found[cmd], cmd).help) for name, cmd in COMMANDS.items()}


def run_command(name: str, args: list[str]) -> int:
    """Parse `args` with the management command's own parser and run it, as Django's
    run_from_argv would, but with usage errors raised (not printed) and no system checks."""
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import CommandError

    command_name = COMMANDS[name]
    command = load_command_class(get_commands()[command_name], command_name)
    parser = command.create_parser("broadsheet", name)
    try:
        options = vars(parser.parse_args(args))
    except CommandError as exc:  # Django's parser raises its usage errors off the command line
        raise UsageError(str(exc).removeprefix("Error: ")) from None
    positional = options.pop("args", ())
    command.execute(*positional, **(options | {"skip_checks": True}))
    return 0


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    if raw and raw[0] == "manage":
        # Handed over untouched: Django parses its own options (and --help).
        from django.core.management import execute_from_command_line

        execute_from_command_line(["broadsheet manage", *raw[1:]])
        return 0
    wants_help = bool(raw) and raw[0] in ("-h", "--help")
    if not raw or (raw[0] not in COMMANDS and not wants_help):
        build_parser().parse_args(raw[:1])  # no command, or an unknown one: one line, exit 2
    # Imported late: these pull in Django, which must not load before the settings are chosen.
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    from broadsheet.core.env import ConfigError

    try:
        django.setup()
        if wants_help:
            build_parser(_command_helps()).parse_args(raw)
        return run_command(raw[0], raw[1:])
    except UsageError as exc:
        print(f"broadsheet: error: {exc}", file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"broadsheet: error: {exc}", file=sys.stderr)
        return exc.returncode
    except (ConfigError, ImproperlyConfigured) as exc:
        print(f"broadsheet: error: {exc}", file=sys.stderr)
        return 1
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"broadsheet: error: database: {first_line} (has `broadsheet init` run?)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


__all__ = ["COMMANDS", "build_parser", "main", "run_command"]
