"""ETags and conditional requests (304 Not Modified, 412) for pages, cached or not."""

from __future__ import annotations

import gzip
import hashlib

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response


def compute_etag(response: HttpResponse) -> str:
    """A strong ETag per representation: the hash of the decoded body, plus the encoding.

    GZip adds random padding to every compressed body (a BREACH mitigation), so hashing the
    compressed bytes would give a new ETag on every render when the cache is off.
    """
    body = response.content
    encoding = response.get("Content-Encoding", "")
    if encoding == "gzip":
        body = gzip.decompress(body)
    digest = hashlib.blake2b(body, digest_size=16).hexdigest()
    return f'"{digest}-{encoding}"' if encoding else f'"{digest}"'


def add_validators(response: HttpResponse) -> str:
    if not response.has_header("ETag"):
        response.headers["ETag"] = compute_etag(response)
    return str(response["ETag"])


def apply(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """ETag and 304 Not Modified for any successful GET/HEAD page, cached or not."""
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or response.streaming
        or not isinstance(response, HttpResponse)
        or "no-store" in response.get("Cache-Control", "")
    ):
        return response
    return revalidate(request, add_validators(response), response)


def revalidate(request: HttpRequest, etag: str, response: HttpResponse) -> HttpResponseBase:
    """`response`, or 304 Not Modified (or 412) when the request's preconditions say so."""
    return get_conditional_response(request, etag=etag, response=response) or response
