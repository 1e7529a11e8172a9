"""URLs under /api/: version 1, and a JSON 404 for every other path below /api/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from broadsheet.api.api import build_api
from broadsheet.api.errors import json_errors, not_found_view

_patterns, _app_name, _namespace = build_api().urls
# Each of ninja's views answers a wrong method with a plain-text 405; ours is JSON.
_wrapped: list[URLPattern | URLResolver] = [
    URLPattern(p.pattern, json_errors(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
    for p in _patterns
]

urlpatterns = [
    path("v1/", (_wrapped, _app_name, _namespace)),
    re_path(r"", not_found_view),
]
