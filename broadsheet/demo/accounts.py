"""The demo's sign-in accounts: one per newsroom role, and the box that shows their passwords once.

Passwords are random per install and live only as Django's password hashes: the box printed
when an account is created is the one place they are ever shown (docs/demo.md says how to
set a new one).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from broadsheet.newsroom.roles import AUTHOR, CONTRIBUTOR, EDITOR, OPERATOR

logger = logging.getLogger(__name__)

# (username, role), in the order the box lists them: least rights first.
DEMO_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("contributor", CONTRIBUTOR),
    ("author", AUTHOR),
    ("editor", EDITOR),
    ("operator", OPERATOR),
)


@dataclass(frozen=True)
class Credential:
    """An account just created, with the password nobody will see again."""

    username: str
    role: str
    password: str


def ensure_accounts() -> list[Credential]:
    """Create each missing demo account in its role's group; the ones created, with passwords.

    An account that exists is left alone (its password too), so a second run shows nothing.
    The groups come from `broadsheet init` (roles.ensure_roles).
    """
    user_model = get_user_model()
    created = []
    with transaction.atomic():
        for username, role in DEMO_ACCOUNTS:
            if user_model._default_manager.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(12)
            user = user_model._default_manager.create_user(  # type: ignore[attr-defined]
                username=username, email="", password=password, is_staff=True
            )
            user.groups.add(Group.objects.get(name=role))
            created.append(Credential(username, role, password))
    logger.debug("Demo accounts created: %s", [c.username for c in created])
    return created


def demo_users() -> dict[str, object]:
    """The demo accounts that exist, by role (an editor may have deleted some)."""
    user_model = get_user_model()
    by_name = {
        u.get_username(): u for u in user_model._default_manager.filter(username__in=dict(DEMO_ACCOUNTS))
    }
    return {role: by_name[name] for name, role in DEMO_ACCOUNTS if name in by_name}


def credentials_box(credentials: Sequence[Credential], sign_in_url: str) -> list[str]:
    """The lines of a framed block listing `credentials`, easy to spot in a scrolling terminal."""
    rows = [(c.username, c.role, c.password) for c in credentials]
    name_width = max(len("user"), *(len(r[0]) for r in rows))
    role_width = max(len("role"), *(len(r[1]) for r in rows))
    body = [f"Sign in at {sign_in_url}", ""]
    body.append(f"{'user':<{name_width}}  {'role':<{role_width}}  password")
    body.extend(f"{name:<{name_width}}  {role:<{role_width}}  {password}" for name, role, password in rows)
    body += ["", "Shown only this once: note them now.", "A new one: broadsheet manage changepassword USER"]
    width = max(len(line) for line in body)
    rule = "+" + "-" * (width + 2) + "+"
    return [rule, *(f"| {line:<{width}} |" for line in body), rule]
