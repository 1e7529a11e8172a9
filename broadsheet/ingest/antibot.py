"""Anti-bot walls: a response that is a bot challenge, not the publisher's answer.

A publisher behind Cloudflare, Akamai, DataDome, PerimeterX (HUMAN) or Sucuri may answer a
feed reader with a challenge page (403 or 503, sometimes 429). That is neither "not a feed"
nor a broken server: the operator has to ask the publisher to let the feed through, and
polling often only deepens the block, so it is told apart and backed off harder.

The markers are the vendors' own documented or long-stable ones, kept few on purpose: a
false "blocked" would hide a real error.
"""

from __future__ import annotations

import html

from broadsheet.core.fetch import FetchResult
from broadsheet.ingest.errors import BlockedByAntiBotError, HTTPStatusError

CHALLENGE_STATUSES = frozenset({403, 429, 503})
BODY_PREFIX = 64 * 1024  # challenge pages are small; the markers are near the top

# (vendor, header name, value fragment or "" for any value)
HEADER_MARKERS = (
    ("Cloudflare", "cf-mitigated", "challenge"),  # Cloudflare's documented challenge header
    ("DataDome", "x-datadome", ""),
    ("Sucuri", "x-sucuri-id", ""),
    ("Sucuri", "server", "sucuri/cloudproxy"),
)
# (vendor, fragments of which any one in the body marks the challenge)
BODY_MARKERS = (
    ("Cloudflare", ("<title>just a moment...</title>", "/cdn-cgi/challenge-platform/", "_cf_chl_opt")),
    ("DataDome", ("captcha-delivery.com",)),
    ("PerimeterX", ("_pxappid", "captcha.px-cdn.net", "px-captcha")),
    ("Sucuri", ("sucuri website firewall",)),
    ("Akamai", ("errors.edgesuite.net",)),  # its "Access Denied … Reference #" page links here
)


def challenge_vendor(result: FetchResult) -> str | None:
    """The anti-bot service whose challenge `result` is, or None when it is not one."""
    if result.status not in CHALLENGE_STATUSES:
        return None
    for vendor, header, fragment in HEADER_MARKERS:
        value = result.headers.get(header)
        if value is not None and fragment in value.lower():
            return vendor
    # Unescaped: Akamai's page spells its links in character references ("errors&#46;edgesuite").
    body = html.unescape(result.content[:BODY_PREFIX].decode("utf-8", "replace")).lower()
    for vendor, fragments in BODY_MARKERS:
        if any(fragment in body for fragment in fragments):
            return vendor
    return None


def status_error(result: FetchResult, url: str = "") -> HTTPStatusError:
    """The error for a response that is not 2xx/304: an anti-bot wall when it is one."""
    where = f" for {url}" if url else ""
    vendor = challenge_vendor(result)
    if vendor is not None:
        return BlockedByAntiBotError(
            f"blocked by an anti-bot wall ({vendor} challenge, HTTP {result.status}){where}",
            result.status,
            result.retry_after,
            vendor=vendor,
        )
    return HTTPStatusError(f"HTTP {result.status}{where}", result.status, result.retry_after)
