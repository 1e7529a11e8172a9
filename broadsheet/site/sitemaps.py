"""Sitemaps (placeholder, being written)."""

from django.http import HttpRequest, HttpResponse


def sitemap_index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("todo")


sitemap_section = news_sitemap = sitemap_index
