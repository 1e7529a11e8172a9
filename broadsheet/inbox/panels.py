"""The inbox's dashboard panel: open takedown requests and unread contact messages, each shown
only to those who may view that kind (an Editor both; a role without either never sees it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from broadsheet.inbox.models import ContactMessage, TakedownRequest

LIST_SIZE = 5
COUNT_CAP = 100


def _bounded(queryset: Any) -> tuple[int, bool]:
    found = queryset.order_by()[: COUNT_CAP + 1].count()
    return min(found, COUNT_CAP), found > COUNT_CAP


def inbox(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    context: dict[str, Any] = {}
    if user.has_perm("inbox.view_takedownrequest"):
        # The status index: open requests only.
        open_requests = TakedownRequest.objects.filter(status=TakedownRequest.Status.OPEN)
        total, more = _bounded(open_requests)
        context["takedowns"] = {
            "rows": list(open_requests.order_by("created_at", "id")[:LIST_SIZE]),
            "total": total,
            "more": more,
            "url": f"{reverse('admin:inbox_takedownrequest_changelist')}?status__exact=open",
        }
    if user.has_perm("inbox.view_contactmessage"):
        # The (handled, created_at) index: unread ones, newest first.
        unread = ContactMessage.objects.filter(handled=False)
        total, more = _bounded(unread)
        context["messages"] = {
            "rows": list(unread.order_by("-created_at", "-id")[:LIST_SIZE]),
            "total": total,
            "more": more,
            "url": f"{reverse('admin:inbox_contactmessage_changelist')}?handled__exact=0",
        }
    return context or None
