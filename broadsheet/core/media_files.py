"""Uploaded media served from local disk by the WSGI application, with protective headers.

granian's own static route (used before) cannot add headers, so an uploaded file came back
without `X-Content-Type-Options: nosniff` or a Content-Security-Policy: an SVG or HTML file
an editor uploaded would run as a page on the site's origin. WhiteNoise serves the files
instead (it already serves the static files): ranges, conditional requests and content types
as before, plus the headers below. It looks each file up when asked (`autorefresh`), since
uploads arrive while the site runs; other paths pass straight to the application.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from wsgiref.util import FileWrapper

from whitenoise import WhiteNoise

# An upload is something to look at, never a page: nothing loads, nothing runs, no forms,
# no plugins; an SVG may use its own inline styles and images from this site.
MEDIA_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
# Files up to this size are handed to the server whole, so the server sends them while the
# request thread moves on: a client reading slowly holds a connection, not a thread. Larger
# files stream from the thread.
WHOLE_FILE_MAX_BYTES = 8 * 1024 * 1024
# As granian's static route had it: uploaded names are never reused (Django's storage picks
# a new name), so a day's caching is safe.
MEDIA_MAX_AGE_SECONDS = 86_400

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _protective_headers(headers: Any, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = MEDIA_CSP
    headers["Referrer-Policy"] = "no-referrer"


class _WholeFiles(WhiteNoise):
    @staticmethod
    def serve(
        static_file: Any, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        response = static_file.get_response(environ["REQUEST_METHOD"], environ)
        start_response(f"{response.status} {response.status.phrase}", list(response.headers))
        if response.file is None:
            return []
        length = dict(response.headers).get("Content-Length", "")
        if length.isdigit() and int(length) <= WHOLE_FILE_MAX_BYTES:
            with response.file:
                return [response.file.read()]
        return FileWrapper(response.file)


class MediaFiles:
    """WSGI middleware: files under `url` from `root`; anything else (and a missing file) to
    `application`, which answers its usual 404."""

    def __init__(self, application: WSGIApp, root: Path, url: str) -> None:
        self.application = application
        self.prefix = url if url.endswith("/") else url + "/"
        root.mkdir(parents=True, exist_ok=True)
        self.files = _WholeFiles(
            application,
            root=str(root),
            prefix=self.prefix,
            autorefresh=True,
            max_age=MEDIA_MAX_AGE_SECONDS,
            allow_all_origins=False,
            add_headers_function=_protective_headers,
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.files(environ, start_response)  # type: ignore[no-any-return]
        return self.application(environ, start_response)


def with_media_files(application: WSGIApp) -> WSGIApp:
    """`application` serving local uploads too; as it is when media live elsewhere (e.g. S3,
    whose own URLs point there)."""
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage, default_storage

    media_url = str(settings.MEDIA_URL or "")
    if not isinstance(default_storage, FileSystemStorage) or not media_url.startswith("/"):
        return application
    return MediaFiles(application, Path(settings.MEDIA_ROOT), media_url)
