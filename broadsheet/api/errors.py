"""Errors the API answers with, and the one JSON shape every error takes.

ApiError                  {"error": {"code": "...", "message": "...", "details": ...}}
├── BadRequest       400  a malformed cursor or body
├── Unauthorized     401  no token, or not a token we know (revoked, unknown)
├── Forbidden        403  a token whose user may no longer write, or lacks the permission
├── NotFound         404  no such article, or no such path under /api/
├── Conflict         409  the slug or feed is taken already
├── PayloadTooLarge  413  a body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE
├── Unprocessable    422  well-formed input the site cannot apply (unknown section, no feed found)
├── RateLimited      429  too many write calls for this token; carries Retry-After
└── Unavailable      503  the search index cannot be read right now

Django's and django-ninja's own exceptions (Http404, validation errors, 401 from the auth
class, 405 from the router, RequestDataTooBig and other SuspiciousOperations from reading the
request) are turned into the same shape by `install_handlers` and `json_errors`, so a client
never has to parse two kinds of error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "too_large"


class Unprocessable(ApiError):
    status, code = 422, "unprocessable"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


class Unavailable(ApiError):
    status, code = 503, "unavailable"


def error_response(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message, "details": details}}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = error_response(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, Unauthorized):
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(422, "invalid", "The request does not match the schema.", exc.errors)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return _api_error(
            request, Unauthorized("Send 'Authorization: Bearer <token>' with a valid API token.")
        )
    try:
        code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_")
    except ValueError:
        code = "error"
    return error_response(exc.status_code, code, str(exc))


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", "Nothing here.")


def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Django raises these while reading the request (the body is read lazily, inside the view):
    they are the client's fault, so a 4xx, as Django's own handler would answer outside the API."""
    logger.warning("Refused %s %s: %s", request.method, request.path, exc)
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _api_error(
            request,
            PayloadTooLarge(f"The body is larger than {limit} bytes.", details={"max_bytes": limit}),
        )
    return _api_error(request, BadRequest("The request cannot be read."))


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")


def install_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(Exception, _unexpected)  # type: ignore[arg-type]
    api.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    api.add_exception_handler(ValidationError, _validation_error)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, _http_error)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, _not_found)  # type: ignore[arg-type]
    api.add_exception_handler(SuspiciousOperation, _suspicious)  # type: ignore[arg-type]


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under /api/ that names no endpoint: a JSON 404, not the site's HTML page."""
    return error_response(404, "not_found", f"No API endpoint at {request.path}.")


def json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap one of ninja's URL views so its plain-text 405 becomes our JSON error."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            error = error_response(
                405, "method_not_allowed", f"{request.method} is not allowed here.", {"allowed": allowed}
            )
            error["Allow"] = allowed
            return error
        return response

    return wrapped
