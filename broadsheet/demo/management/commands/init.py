"""`broadsheet init`: the data directory (and its VAPID key pair), database tables, static files, default content, roles, admin.

Safe to run again: each step leaves what is already there alone (the admin's password too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "create the data directory, database tables, static files, default content and admin"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="then load the demo newsroom if the site has no article, and show every new "
            "account's password (the admin's and the demo roles') in one box at the end",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.core.staticfiles import collect_static
        from broadsheet.demo.accounts import Credential
        from broadsheet.demo.analyze import analyze
        from broadsheet.demo.defaults import ensure_admin, ensure_defaults
        from broadsheet.newsroom.roles import ROLES, ensure_roles

        out = self.stdout
        data_dir = Path(settings.DATA_DIR)
        for directory in (data_dir, Path(settings.MEDIA_ROOT), Path(settings.BROADSHEET_SEARCH_DIR)):
            directory.mkdir(parents=True, exist_ok=True)
        out.write(f"Data directory: {data_dir}")
        # By command name: the newsletter app is demo's peer, which demo does not import.
        call_command("push_keys", stdout=out)
        call_command("migrate", interactive=False, verbosity=0)
        out.write("Database: migrations applied")
        collect_static()
        out.write(f"Static files: collected into {settings.STATIC_ROOT}")

        created = ensure_defaults()
        out.write(
            f"Default content: {len(created['sections'])} sections, {len(created['pages'])} pages created"
            + (", site settings filled" if created["site_settings"] else "")
        )
        added = ensure_roles()
        out.write(f"Roles: {', '.join(ROLES)} ({sum(added.values())} permissions added)")
        username = settings.BROADSHEET_ADMIN_USER
        given = settings.BROADSHEET_ADMIN_PASSWORD or None
        password = ensure_admin(username, given)
        admin: Credential | None = None
        if password is None:
            out.write(f"Admin account: '{username}' already exists (password unchanged)")
        elif given:
            out.write(f"Admin account: created '{username}' with the password from BROADSHEET_ADMIN_PASSWORD")
        elif options["demo"]:
            out.write(f"Admin account: created '{username}' (its password is in the box below)")
            admin = Credential(username, "Administrator", password)
        else:
            out.write(f"Admin account: created '{username}' with password {password}")
            out.write(
                "  (shown only this once: note it now, or change it with `broadsheet manage changepassword`)"
            )
        out.write(f"Database statistics refreshed in {analyze():.1f}s")
        if options["demo"]:
            call_command(
                "demo", if_empty=True, admin_credential=admin, stdout=out._out, stderr=self.stderr._out
            )
