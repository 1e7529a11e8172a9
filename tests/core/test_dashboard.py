"""core/dashboard.py: panels gathered from the apps, gated by permission, hidden on None."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from broadsheet.core import dashboard
from broadsheet.core.dashboard import Panel


class User(SimpleNamespace):
    def has_perm(self, perm: str) -> bool:
        return perm in self.perms


def _request(user: User):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def always(request):
    return {"who": request.user.username}


def never(request):
    return None


STAFF = {"is_active": True, "is_staff": True}


@pytest.mark.parametrize(
    ("user", "perms", "allowed"),
    [
        (User(**STAFF, perms=set()), (), True),
        (User(**STAFF, perms={"a.x"}), ("a.x", "a.y"), True),
        (User(**STAFF, perms={"a.z"}), ("a.x", "a.y"), False),
        (User(is_active=True, is_staff=False, perms={"a.x"}), ("a.x",), False),
        (User(is_active=False, is_staff=True, perms={"a.x"}), ("a.x",), False),
    ],
)
def test_a_panel_needs_staff_and_any_one_of_its_permissions(user, perms, allowed):
    panel = Panel(name="p", title="P", template="t.html", context=f"{__name__}.always", perms=perms)
    assert panel.allowed(user) is allowed


def test_panels_for_keeps_the_allowed_resolves_context_and_drops_none():
    panels = [
        Panel(name="shown", title="S", template="t.html", context=f"{__name__}.always"),
        Panel(name="gated", title="G", template="t.html", context=f"{__name__}.always", perms=("a.x",)),
        Panel(name="empty", title="E", template="t.html", context=f"{__name__}.never"),
    ]
    user = User(**STAFF, perms=set(), username="cora")
    shown = dashboard.panels_for(_request(user), panels)
    assert [(item.panel.name, dict(item.context)) for item in shown] == [("shown", {"who": "cora"})]


def test_declared_reads_every_app_in_order():
    names = [panel.name for panel in dashboard.declared()]
    orders = [panel.order for panel in dashboard.declared()]
    assert orders == sorted(orders)
    # Offered by four apps, none of which the admin site imports.
    assert {"my-drafts", "held", "inbox", "most-read"} <= set(names)
