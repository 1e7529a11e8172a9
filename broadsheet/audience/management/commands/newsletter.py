"""`broadsheet newsletter send|send-issue|export|erase|purge` (also `manage.py newsletter ...`)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "newsletters: send a digest now, resume a send, export or erase one address"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        send = actions.add_parser(
            "send", help="build today's issue of a list (daily, section:SLUG) and send it now"
        )
        send.add_argument("list_key", metavar="LIST", help="daily, breaking is alerts only, or section:SLUG")
        resume = actions.add_parser("send-issue", help="send (or resume sending) an issue by its id")
        resume.add_argument("issue_id", type=int)
        export = actions.add_parser("export", help="print, as JSON, everything stored about an address")
        export.add_argument("email")
        erase = actions.add_parser("erase", help="delete everything stored about an address")
        erase.add_argument("email")
        actions.add_parser("purge", help="delete signup requests whose link has expired")

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.audience import digest, lists, privacy, sending, signup
        from broadsheet.audience.models import Issue
        from broadsheet.core import clock

        action = options["action"]
        if action == "export":
            self.stdout.write(json.dumps(privacy.export(options["email"]), indent=2))
        elif action == "erase":
            gone = privacy.erase(options["email"])
            self.stdout.write(f"Erased {gone} record(s) of {privacy.normalise(options['email'])}")
        elif action == "purge":
            self.stdout.write(f"Deleted {signup.purge_expired()} expired signup request(s)")
        elif action == "send-issue":
            issue = Issue.objects.filter(pk=options["issue_id"]).first()
            if issue is None:
                raise CommandError(f"no issue {options['issue_id']}")
            self._report(sending.send(issue))
        else:
            key = options["list_key"]
            if key not in {item.key for item in lists.available()} or key == lists.BREAKING:
                raise CommandError(f"unknown digest list {key!r}: use daily or section:SLUG")
            from django.utils import timezone

            issue = digest.build(key, timezone.localdate(clock.now()))
            if issue is None:
                raise CommandError(f"no story published today for {key}")
            if issue.status == Issue.Status.DRAFT:
                sending.start(issue)
            self._report(sending.send(issue))

    def _report(self, counts: dict[str, int]) -> None:
        self.stdout.write(", ".join(f"{n} {state}" for state, n in counts.items()))
