"""A small URL map with the public site's route names, for testing the page cache on its own.

The views list real articles from the database, so a cached page shows whether it is stale,
and each is long enough for GZipMiddleware to compress.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path

from broadsheet.newsroom.models import Article

PADDING = "<!-- " + "padding so that gzip has something to do " * 10 + "-->"


def _listing(title: str, articles: Iterable[Article]) -> HttpResponse:
    items = "".join(f"<li>{a.headline}</li>" for a in articles)
    return HttpResponse(f"<html><h1>{title}</h1><ul>{items}</ul>{PADDING}</html>")


def home(request: HttpRequest) -> HttpResponse:
    return _listing("Home", Article.objects.public_listing()[:20])


def section(request: HttpRequest, section: str) -> HttpResponse:
    page = request.GET.get("page", "1")
    return _listing(f"{section} page {page}", Article.objects.public_listing(section__slug=section)[:20])


def tag(request: HttpRequest, slug: str) -> HttpResponse:
    return _listing(f"tag {slug}", Article.objects.public_listing(tags__slug=slug)[:20])


def other(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return _listing(f"{request.path}", [])


def with_cookie(request: HttpRequest) -> HttpResponse:
    response = _listing("cookie", [])
    response.set_cookie("seen", "1")
    return response


def private(request: HttpRequest) -> HttpResponse:
    response = _listing("private", [])
    response["Cache-Control"] = "private"
    return response


def with_csrf_token(request: HttpRequest) -> HttpResponse:
    return _listing(f"form {get_token(request)}", [])


def varies_by_language(request: HttpRequest) -> HttpResponse:
    response = _listing("language", [])
    response["Vary"] = "Accept-Language"
    return response


def missing(request: HttpRequest) -> HttpResponse:
    return HttpResponse("gone" + PADDING, status=404)


site_patterns = [
    path("", home, name="home"),
    path("search/", other, name="search"),
    path("feed/", other, name="feed"),
    path("feed/atom/", other, name="atom_feed"),
    path("cookie/", with_cookie),
    path("private/", private),
    path("form/", with_csrf_token),
    path("language/", varies_by_language),
    path("missing/", missing),
    path("author/<slug:slug>/", other, name="author"),
    path("tag/<slug:slug>/", tag, name="tag"),
    path("<int:year>/<int:month>/", other, name="archive"),
    path("<slug:section>/", section, name="section"),
    path("<slug:section>/feed/", other, name="section_feed"),
    path("<slug:section>/<slug:slug>/", other, name="article"),
]

urlpatterns = [
    path("admin/", other),
    path("", include((site_patterns, "site"))),
]
