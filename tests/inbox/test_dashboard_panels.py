"""The inbox's dashboard panel: open takedown requests and unread messages, by permission."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from broadsheet.inbox import panels
from broadsheet.inbox.models import ContactMessage, TakedownRequest

pytestmark = pytest.mark.django_db


def _request_by(*perms: str):
    user = get_user_model().objects.create_user(f"user{len(perms)}-{'-'.join(perms)}"[:150], is_staff=True)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(pk=user.pk)  # fresh: no cached permissions
    return request


def _message(subject: str, handled: bool = False) -> ContactMessage:
    return ContactMessage.objects.create(
        name="Ada", email="ada@example.org", subject=subject, message="Hello", handled=handled
    )


def _takedown(url: str, status: str = TakedownRequest.Status.OPEN) -> TakedownRequest:
    return TakedownRequest.objects.create(
        name="Rights Co",
        email="legal@example.org",
        article_url=url,
        work_description="A photo",
        sworn_statement=True,
        signature="R. Holder",
        status=status,
    )


def test_unread_messages_newest_first_and_open_takedowns_oldest_first():
    _message("Old unread")
    _message("Answered", handled=True)
    _message("New unread")
    _takedown("https://example.org/news/a/")
    _takedown("https://example.org/news/b/")
    _takedown("https://example.org/news/c/", status=TakedownRequest.Status.REJECTED)
    context = panels.inbox(_request_by("inbox.view_contactmessage", "inbox.view_takedownrequest"))
    assert context is not None
    assert [m.subject for m in context["messages"]["rows"]] == ["New unread", "Old unread"]
    assert context["messages"]["total"] == 2
    assert [t.article_url for t in context["takedowns"]["rows"]] == [
        "https://example.org/news/a/",
        "https://example.org/news/b/",
    ]
    assert context["takedowns"]["url"].endswith("?status__exact=open")


@pytest.mark.parametrize(
    ("perms", "kinds"),
    [
        (("inbox.view_contactmessage",), {"messages"}),
        (("inbox.view_takedownrequest",), {"takedowns"}),
        ((), None),
    ],
)
def test_each_kind_only_for_those_who_may_view_it(perms, kinds):
    _message("Private")
    context = panels.inbox(_request_by(*perms))
    assert (set(context) if context is not None else None) == kinds


def test_counts_stop_at_the_cap(monkeypatch):
    monkeypatch.setattr(panels, "COUNT_CAP", 2)
    for n in range(4):
        _message(f"m{n}")
    context = panels.inbox(_request_by("inbox.view_contactmessage"))
    assert context is not None
    assert (context["messages"]["total"], context["messages"]["more"]) == (2, True)
