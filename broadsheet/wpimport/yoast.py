"""Yoast SEO's title and meta description (the postmeta `_yoast_wpseo_title` and
`_yoast_wpseo_metadesc`) as the article's SEO title and meta description.

Yoast stores templates: `%%title%% %%sep%% %%sitename%%`. The variables this export can answer
are filled in; the rest (page numbers, custom fields) are dropped, since the text reads fine
without them and a literal `%%page%%` in a search result would not.
"""

from __future__ import annotations

import re

from broadsheet.newsroom.models import META_DESCRIPTION_LIMIT, SEO_TITLE_LIMIT
from broadsheet.wpimport.convert import plain_text
from broadsheet.wpimport.run import ImportRun, item_label
from broadsheet.wpimport.wxr import WxrItem

TITLE_KEY = "_yoast_wpseo_title"
DESCRIPTION_KEY = "_yoast_wpseo_metadesc"
# Yoast's default separator.
SEPARATOR = "–"
_VARIABLE_RE = re.compile(r"%%([a-z_]+)%%")


def _variables(run: ImportRun, item: WxrItem) -> dict[str, str]:
    first_category = next((c.name for c in item.categories if c.name), "")
    return {
        "title": plain_text(item.title),
        "sitename": plain_text(run.doc.title),
        "sep": SEPARATOR,
        "excerpt": plain_text(item.excerpt),
        "excerpt_only": plain_text(item.excerpt),
        "category": first_category,
        "primary_category": first_category,
    }


def expand(template: str, variables: dict[str, str]) -> str:
    """A Yoast template with its variables filled in (unknown ones dropped), as plain text."""
    text = _VARIABLE_RE.sub(lambda m: variables.get(m.group(1), ""), template)
    text = " ".join(plain_text(text).split())
    # A dropped variable can leave a separator dangling at either end.
    return text.strip(f" {SEPARATOR}-|")


def _cut(run: ImportRun, item: WxrItem, text: str, limit: int, what: str) -> str:
    if len(text) <= limit:
        return text
    run.report.warn(f"Yoast {what} longer than {limit} characters: cut", item_label(item))
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(",.;:") + "…"


def seo_fields(run: ImportRun, item: WxrItem) -> dict[str, str]:
    """{"seo_title": …, "meta_description": …}: empty strings when the post has no Yoast data."""
    title_template = item.meta_value(TITLE_KEY)
    description_template = item.meta_value(DESCRIPTION_KEY)
    variables = _variables(run, item) if (title_template or description_template) else {}
    title = expand(title_template, variables) if title_template else ""
    description = expand(description_template, variables) if description_template else ""
    return {
        "seo_title": _cut(run, item, title, SEO_TITLE_LIMIT, "SEO title"),
        "meta_description": _cut(run, item, description, META_DESCRIPTION_LIMIT, "meta description"),
    }
