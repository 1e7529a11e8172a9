"""The view-count beacon (placeholder, being written)."""

from django.http import HttpRequest, HttpResponse


def view_beacon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)
