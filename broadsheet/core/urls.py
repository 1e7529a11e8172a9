"""URLs: one spelling per article URL (so duplicates are caught by equality), and the one check
that a URL from outside is an http(s) URL before it is stored or printed."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Parameters added by campaign tools and share buttons; they never change the article.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "ito",
        "ncid",
        "ocid",
        "smid",
        "cmp",
        "share",
        "s_cid",
        "spm",
        "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_")


def canonicalise_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters,
    sort what remains of the query, and drop a trailing slash only on an empty path."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    path = parts.path or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMETERS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


# --- Outside URLs ------------------------------------------------------------------------------
# Every URL that comes from outside (feeds, pages, imports) passes `safe_http_url` before it is
# stored: only absolute http(s) URLs may end up in an href, a src, a feed or the API.
HTTP_SCHEMES = frozenset({"http", "https"})
# A browser (the WHATWG URL parser) ignores C0 controls and spaces around a URL and ASCII tabs
# and newlines anywhere in it: it reads "\x01 java\tscript:" as "javascript:".
_EDGE_RE = re.compile(r"^[\s\x00-\x20]+|[\s\x00-\x20]+$")
_TAB_NEWLINE_RE = re.compile(r"[\t\n\r]")
_SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_SPACE_OR_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")
# "&amp;#106;avascript:" is "javascript:" after two decodings; more than this is never honest.
ENTITY_ROUNDS = 4


def _as_browser_reads(value: str) -> str:
    return _EDGE_RE.sub("", _TAB_NEWLINE_RE.sub("", value))


def _scheme(url: str) -> str | None:
    match = _SCHEME_RE.match(url)
    return match.group(1).lower() if match else None


def _percent_encode(match: re.Match[str]) -> str:
    return f"%{ord(match.group()):02X}"


def safe_http_url(value: object, base: str | None = None) -> str:
    """`value` as an absolute http(s) URL, or "" when it is anything else.

    Relative URLs are resolved against `base` (itself checked; without a safe base they give
    ""). The scheme is judged as a browser would read it, after dropping tabs, newlines and
    surrounding controls and decoding character references (`&#106;avascript:`,
    `java&#x09;script:`); a scheme spelled with character references is refused outright.
    The URL itself is returned undecoded (decoding would turn "?a=1&copy=2" into "?a=1©=2"),
    with its scheme lower-cased and any space or control left inside it percent-encoded.
    """
    if not isinstance(value, str):
        return ""
    url = _as_browser_reads(value)
    if not url:
        return ""
    decoded = url
    for _round in range(ENTITY_ROUNDS):
        unescaped = _as_browser_reads(html.unescape(decoded))
        if unescaped == decoded:
            break
        decoded = unescaped
    scheme = _scheme(url)
    if _scheme(decoded) != scheme:
        return ""
    if scheme is None:
        root = safe_http_url(base) if base else ""
        if not root:
            return ""
        url = urljoin(root, url)
        scheme = _scheme(url)
    if scheme not in HTTP_SCHEMES:
        return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return ""
    if not parts.hostname or _SPACE_OR_CONTROL_RE.search(parts.netloc):
        return ""
    return scheme + _SPACE_OR_CONTROL_RE.sub(_percent_encode, url[len(scheme) :])
