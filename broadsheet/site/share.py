"""Share links for an article: plain URLs to each network's share form, no third-party scripts."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True, slots=True)
class ShareLink:
    network: str
    label: str
    url: str
    # Email opens the reader's mail program, so it needs no new tab.
    external: bool = True


def _query(params: dict[str, str]) -> str:
    # quote (%20), not quote_plus (+): mail programs show a literal "+" in subjects.
    return urlencode({k: v for k, v in params.items() if v}, quote_via=quote)


def share_links(url: str, title: str, image: str = "") -> list[ShareLink]:
    """The share targets in the order the page shows them; every value is URL-encoded."""
    return [
        ShareLink("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?" + _query({"u": url})),
        ShareLink("x", "X", "https://x.com/intent/tweet?" + _query({"url": url, "text": title})),
        ShareLink(
            "pinterest",
            "Pinterest",
            "https://pinterest.com/pin/create/button/?"
            + _query({"url": url, "media": image, "description": title}),
        ),
        ShareLink(
            "linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + _query({"url": url})
        ),
        ShareLink(
            "tumblr",
            "Tumblr",
            "https://www.tumblr.com/widgets/share/tool?" + _query({"canonicalUrl": url, "title": title}),
        ),
        ShareLink("email", "Email", "mailto:?" + _query({"subject": title, "body": url}), external=False),
        ShareLink(
            "reddit", "Reddit", "https://www.reddit.com/submit?" + _query({"url": url, "title": title})
        ),
    ]
