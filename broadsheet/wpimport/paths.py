"""Old WordPress URLs: the path each item answered at, and the permalink structure they follow."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from broadsheet.newsroom.redirects import OLD_PATH_MAX

_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


def old_path(link: str) -> str | None:
    """The path a WordPress permalink answered at, decoded as Django's request.path is.

    None for links that are the site's home or WordPress's `/?p=ID` form (those are
    stored by id instead), and for paths too long to keep.
    """
    if not link:
        return None
    parts = urlsplit(link)
    path = unquote(parts.path or "/")
    if path == "/" or not path.startswith("/"):
        return None
    if len(path) > OLD_PATH_MAX:
        return None
    return path


def permalink_structure(path: str, category_slugs: frozenset[str] = frozenset()) -> str:
    """Name the structure a post's path follows: '/%year%/%monthnum%/%postname%/' and so on."""
    segments = [s for s in path.strip("/").split("/") if s]
    if not segments:
        return "/"
    names: list[str] = []
    for segment in segments[:-1]:
        if not names and segment.isdigit() and len(segment) == 4:
            names.append("%year%")
        elif names in (["%year%"], ["%year%", "%monthnum%"]) and segment.isdigit() and len(segment) == 2:
            names.append("%monthnum%" if len(names) == 1 else "%day%")
        elif segment in category_slugs:
            names.append("%category%")
        else:
            names.append(segment)
    names.append("%post_id%" if segments[-1].isdigit() else "%postname%")
    return "/" + "/".join(names) + "/"


def clean_slug(raw: str) -> str:
    """A WordPress slug as a URL-safe Broadsheet slug, or '' when it has to be made afresh."""
    text = unquote(raw).strip()
    return text if _SLUG_RE.match(text) else ""
