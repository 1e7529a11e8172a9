"""Adding feed sources, through the same command the CLI uses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from broadsheet.api import permissions
from broadsheet.api.articles import WRITE_ERRORS
from broadsheet.api.auth import TokenAuth, token_of
from broadsheet.api.errors import Conflict, Unprocessable
from broadsheet.api.schemas import SourceCreate, SourceOut
from broadsheet.core.fetch import Fetcher
from broadsheet.ingest import commands
from broadsheet.ingest.errors import FAILURES, FetchError
from broadsheet.ingest.models import Source

router = Router(tags=["sources"])


def open_fetcher() -> Fetcher:
    """The HTTP client for one call (tests replace this to keep the network out)."""
    return Fetcher()


def _source_out(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "name": source.name,
        "feed_url": source.feed_url,
        "home_url": source.home_url,
        "section": source.section.slug if source.section else None,
        "mode": source.mode,
        "enabled": source.enabled,
    }


@router.post(
    "/sources",
    auth=TokenAuth(),
    response={201: SourceOut, **WRITE_ERRORS},
    url_name="source_create",
    summary="Add a source from a feed URL, or a page that links to its feed (fetched once now)",
)
def create_source(
    request: HttpRequest, response: HttpResponse, payload: SourceCreate
) -> Status[dict[str, Any]]:
    permissions.require(token_of(request).user, permissions.ADD_SOURCE, "add sources")
    url = str(payload.url)
    with open_fetcher() as fetcher:
        try:
            source = commands.add_source(
                url,
                section=payload.section or None,
                mode=payload.mode,
                name=payload.name or None,
                fetcher=fetcher,
            )
        except FetchError as exc:
            raise Unprocessable(f"Could not fetch {url}: {exc}", code="feed_unreachable") from exc
        except FAILURES as exc:
            # SourceError and friends: say exactly what add_source said.
            if str(exc).startswith("already a source"):
                raise Conflict(str(exc), code="source_exists") from exc
            raise Unprocessable(str(exc), code="bad_source") from exc
    response["Cache-Control"] = "no-store"
    return Status(201, _source_out(source))
