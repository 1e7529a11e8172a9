"""The `broadsheet` command (being written): init, serve, worker, search, demo, manage."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "manage":
        args = args[1:]
    execute_from_command_line(["broadsheet", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
