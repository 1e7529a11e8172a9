"""The NinjaAPI that serves /api/v1/: its routers, error handlers, schema and docs page."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from broadsheet.api import articles, search_views, sources, stories, taxonomy
from broadsheet.api.errors import install_handlers
from broadsheet.api.parser import ObjectParser

DESCRIPTION = """\
Read the site's public content and, with an API token, write articles and add sources.

* Reads need no token, only ever show public articles, and may be cached for a minute
  (`Cache-Control: public, max-age=60`, `ETag`; send `If-None-Match` to get a 304).
* Writes need `Authorization: Bearer <token>`, a token created in the admin (API tokens) for
  a staff user; each token may make 60 write calls a minute (then 429 with `Retry-After`).
* A token may do what its user may do in the admin: `newsroom.add_article` to create,
  `newsroom.change_article` to edit or withdraw, and `newsroom.publish_article` too for any
  write that changes what readers see (publishing, scheduling, editing or withdrawing a
  published article); otherwise 403 `permission_denied`.
* Every error has the body `{"error": {"code": "...", "message": "...", "details": ...}}`.
* Lists are paginated with opaque cursors: follow `next` until it is null.
"""


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Broadsheet API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api-v1",
        parser=ObjectParser(),
        openapi_url="/openapi.json",
        docs_url="/docs",
        # Swagger UI from django-ninja's own static files (it is in INSTALLED_APPS): no CDN,
        # and its settings travel in a JSON data block read by an external script, so the
        # page runs under the site's Content-Security-Policy.
        docs=Swagger(settings={"tryItOutEnabled": False, "defaultModelsExpandDepth": 0}),
    )
    install_handlers(api)
    api.add_router("", articles.router)
    api.add_router("", taxonomy.router)
    api.add_router("", stories.router)
    api.add_router("", search_views.router)
    api.add_router("", sources.router)
    return api
