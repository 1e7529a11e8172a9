"""The browser's side of push alerts: the service worker at the site root, and (un)subscribing.

The JSON endpoints keep Django's CSRF check: the newsletter page that offers the button renders
a token (that page is never cached), and push.js sends it in X-CSRFToken.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from broadsheet.audience import pushsubs, vapid
from broadsheet.core import ratelimit

logger = logging.getLogger(__name__)

SW_MAX_AGE = 300  # browsers look for a newer worker at least daily whatever this says
# Subscribing resolves the endpoint's host: at most this many tries per client in 10 minutes.
RATE_LIMIT = 20
RATE_WINDOW_SECONDS = 600


def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(render_to_string("audience/sw.js"), content_type="text/javascript; charset=utf-8")
    # Served from the root, so its scope is the whole site (the header says so explicitly).
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = f"public, max-age={SW_MAX_AGE}"
    return response


def _body(request: HttpRequest) -> bytes:
    """The request body, refused unread when it says it is too big for a subscription."""
    declared = str(request.META.get("CONTENT_LENGTH") or "0")
    if not declared.isdigit() or int(declared) > pushsubs.MAX_BODY_BYTES:
        raise pushsubs.Refused(f"The request is over {pushsubs.MAX_BODY_BYTES} bytes.")
    return request.body


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    if vapid.keys() is None:
        return _refused("This site does not send push alerts.", status=404)
    if ratelimit.hit("push:subscribe", ratelimit.ip_hash(request), RATE_WINDOW_SECONDS) > RATE_LIMIT:
        return _refused("Too many tries from this connection lately. Please try again later.", status=429)
    try:
        subscription = pushsubs.subscribe(pushsubs.parse(_body(request)))
    except pushsubs.Refused as exc:
        return _refused(str(exc))
    logger.info("Push subscription %s kept", subscription.pk)
    return JsonResponse({"ok": True}, status=201)


@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    try:
        removed = pushsubs.unsubscribe(pushsubs.parse(_body(request), need_keys=False))
    except pushsubs.Refused as exc:
        return _refused(str(exc))
    return JsonResponse({"ok": True, "removed": removed})
