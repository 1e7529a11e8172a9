"""The view beacon: a reader's browser reports one article view; we add it to the roll-ups.

It is the only request that writes and is not a page render. It always answers 204 to a
POST, whatever it decided, so it tells a caller nothing; it writes only for a real browser
reading a public article, with one atomic upsert into the article's row for today and one
into its row for this hour (counting.py). The site's URLconf serves it at /v/.
"""

from __future__ import annotations

import logging
import re

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from broadsheet.newsroom.models import Article
from broadsheet.readership.counting import count_view

logger = logging.getLogger(__name__)

# Crawlers, link previewers, monitors and HTTP libraries: not readers.
NON_BROWSER_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|curl|wget|python-requests|python-urllib|httpx|aiohttp"
    r"|go-http-client|okhttp|java/|libwww|scrapy|axios|node-fetch|headless|phantomjs|lighthouse"
    r"|facebookexternalhit|embedly|preview|monitor|pingdom|uptime",
    re.IGNORECASE,
)
# Article ids are positive bigints; anything longer is not one of ours.
MAX_ID_DIGITS = 19


def is_browser(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    return bool(agent) and not NON_BROWSER_AGENTS.search(agent)


def is_prefetch(request: HttpRequest) -> bool:
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return "prefetch" in purpose.lower() or request.headers.get("X-Moz", "").lower() == "prefetch"


def parse_article_id(raw: str) -> int | None:
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_ID_DIGITS:
        return None
    value = int(raw)
    return value if 0 < value < 2**63 else None


@csrf_exempt
@never_cache
def view_beacon(request: HttpRequest) -> HttpResponseBase:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article_id = parse_article_id(request.POST.get("a", ""))
    if article_id is None or not is_browser(request) or is_prefetch(request):
        return HttpResponse(status=204)
    if not Article.objects.published().filter(pk=article_id).exists():
        return HttpResponse(status=204)
    try:
        count_view(article_id)
    except IntegrityError:
        # The article was deleted between the check and the write: nothing to count.
        logger.info("view not counted: article %s is gone", article_id)
    return HttpResponse(status=204)
