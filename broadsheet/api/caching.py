"""HTTP caching for public reads: Cache-Control, a strong ETag of the body, and 304s.

The site's full-page cache leaves /api/ alone (its entries are purged by page path, and API
responses are not among those paths), so API reads rely on short client and proxy caching
instead: a minute of freshness, then a cheap revalidation that skips sending the body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

PUBLIC_MAX_AGE = 60


def cacheable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a successful public read as cacheable for a minute, and answer If-None-Match."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response
        etag = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        conditional = get_conditional_response(request, etag=etag, response=response)
        return conditional or response

    return wrapped
