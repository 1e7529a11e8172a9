"""RSS and Atom feeds (placeholder, being written)."""

from django.http import HttpRequest, HttpResponse


class LatestFeed:
    def __call__(self, request: HttpRequest, **kwargs: object) -> HttpResponse:
        return HttpResponse("todo")


class LatestAtomFeed(LatestFeed):
    pass


class SectionFeed(LatestFeed):
    pass
