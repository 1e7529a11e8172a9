"""Site chrome for every template (placeholder, being written)."""

from typing import Any

from django.http import HttpRequest


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    return {}
