"""Per-site extraction rules in use: an operator's selectors first, the automatic extractor
when they break.

A publisher redesigns its pages and a "keep" selector that found the story yesterday finds
nothing today; or it finds the wrong box (a teaser) and leaves a few words. Neither may cost a
story: the page is then extracted as if the source had no rules, and what went wrong is
returned as `problem`, for the pipeline to record on the source and the admin to show.
Pure, like extract.py: no network, no DB.
"""

from __future__ import annotations

from dataclasses import dataclass

from trafilatura.utils import load_html

from broadsheet.ingest.errors import ExtractError
from broadsheet.ingest.extract import (
    Extracted,
    ExtractionRules,
    ExtractOptions,
    css_to_xpath,
    extract_article,
)

# Rules that leave fewer words than this, where the automatic extractor finds more, are taken
# to have caught a teaser or a caption instead of the story.
MIN_RULED_WORDS = 60


@dataclass(frozen=True, slots=True)
class RuledExtraction:
    extracted: Extracted
    problem: str = ""  # why the rules were set aside for this page; "" when they served
    used_rules: bool = False


def rules_from_lines(keep: str = "", drop: str = "") -> ExtractionRules:
    """Rules from two texts of one selector per line (commas also separate), as the admin and
    the preview take them. Raises ExtractError naming a selector that cannot be used."""

    def selectors(text: str) -> tuple[str, ...]:
        return tuple(part.strip() for line in text.splitlines() for part in line.split(",") if part.strip())

    return ExtractionRules.from_json({"keep": list(selectors(keep)), "drop": list(selectors(drop))})


def rules_as_lines(rules: ExtractionRules) -> tuple[str, str]:
    return "\n".join(rules.keep), "\n".join(rules.drop)


def unmatched_keep_selectors(page: bytes | str, rules: ExtractionRules) -> list[str]:
    """The keep selectors that match nothing on `page`."""
    tree = load_html(page)
    if tree is None:
        return list(rules.keep)
    return [selector for selector in rules.keep if not tree.xpath(css_to_xpath(selector))]


def _words(extracted: Extracted) -> int:
    return len(extracted.text.split())


def extract_by_rules(
    page: bytes | str,
    url: str,
    *,
    rules: ExtractionRules,
    options: ExtractOptions | None = None,
    image_credit: str = "",
) -> RuledExtraction:
    """Extract `page` with the source's rules, or without them when they break (see above).

    Raises ExtractError only when the automatic extractor fails too."""

    def automatic() -> Extracted:
        return extract_article(page, url, options=options, image_credit=image_credit)

    if not (rules.keep or rules.drop):
        return RuledExtraction(automatic())
    missing = unmatched_keep_selectors(page, rules) if rules.keep else []
    if rules.keep and len(missing) == len(rules.keep):
        return RuledExtraction(automatic(), f"keep selector {', '.join(missing)} matched nothing")
    try:
        ruled = extract_article(page, url, rules=rules, options=options, image_credit=image_credit)
    except ExtractError as exc:
        return RuledExtraction(automatic(), f"no story found with the rules ({exc})")
    if _words(ruled) >= MIN_RULED_WORDS:
        return RuledExtraction(ruled, used_rules=True)
    try:
        plain = automatic()
    except ExtractError:
        return RuledExtraction(ruled, used_rules=True)
    if _words(plain) > _words(ruled):
        return RuledExtraction(
            plain, f"the rules left only {_words(ruled)} words (automatic: {_words(plain)})"
        )
    return RuledExtraction(ruled, used_rules=True)
