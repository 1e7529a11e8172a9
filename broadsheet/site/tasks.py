"""Background work of the public site: recomputing the sidebar widgets after content changes."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from broadsheet.core import once
from broadsheet.site import widgets

logger = logging.getLogger(__name__)

# Set while a refresh is queued, so a burst of publishes (an ingest run) queues one refresh.
REFRESH_PENDING_KEY = "bs:widget:refresh-pending"
REFRESH_PENDING_SECONDS = 300


@task()
def refresh_widgets() -> None:
    # Cleared first: a publish during the recomputation queues another refresh.
    once.forget(REFRESH_PENDING_KEY)
    widgets.refresh_all()


def request_widget_refresh() -> None:
    """Queue a widget refresh unless one is already waiting."""
    if once.once_per(REFRESH_PENDING_KEY, REFRESH_PENDING_SECONDS):
        refresh_widgets.enqueue()


def refresh_widgets_after(sender: Any, **kwargs: Any) -> None:
    """Receiver of `published` and of edge's `came_due`: the lists count public articles."""
    request_widget_refresh()
