"""Contact and takedown forms on static pages (placeholder, being written)."""

from typing import Any

from django.http import HttpRequest, HttpResponse


def handle_page_form(request: HttpRequest, page: Any) -> tuple[Any, HttpResponse | None]:
    return None, None
