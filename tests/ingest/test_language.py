"""Which language a story is in (ingest/language.py): stated, detected, or the stated one
overruled. The texts are bench/spikes/lang_samples.py's, written for Broadsheet."""

from __future__ import annotations

import pytest

from bench.spikes.lang_samples import SAMPLES
from broadsheet.core.languages import direction, primary_code
from broadsheet.ingest.language import choose_language, detect


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_paragraphs_are_detected(code: str) -> None:
    paragraph, headline = SAMPLES[code]
    guess = detect(paragraph)
    assert guess is not None and guess.code == code
    assert choose_language("", paragraph, headline) == code


@pytest.mark.parametrize("code", sorted(set(SAMPLES) - {"en"}))
def test_a_stated_english_is_overruled_by_the_text(code: str) -> None:
    paragraph, headline = SAMPLES[code]
    assert choose_language("en", paragraph, headline) == code
    assert choose_language("en-US", paragraph, headline) == code


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_a_stated_language_that_matches_stands(code: str) -> None:
    paragraph, headline = SAMPLES[code]
    assert choose_language(f"{code}-XX", paragraph, headline) == code


@pytest.mark.parametrize(
    ("stated", "body", "headline", "expected"),
    [
        ("de", "", "", "de"),  # no text: what is stated
        ("", "", "", ""),  # nothing at all: the site's default
        ("fr", "OK", "Go", "fr"),  # too little text to judge
        ("", "12345 67890 !!! ...", "", ""),  # no letters
        ("", "", "Council delays harbour budget vote", "en"),  # a headline alone, long enough
        ("pt", "", "Stadt", "pt"),
        ("not a tag!", SAMPLES["de"][0], "", "de"),  # a broken stated value is none
    ],
)
def test_edge_cases(stated: str, body: str, headline: str, expected: str) -> None:
    assert choose_language(stated, body, headline) == expected


def test_a_plausible_stated_language_is_kept_on_mixed_text() -> None:
    # English quotes in a German story: the detector may lean either way; "de" stands.
    mixed = SAMPLES["de"][0] + " " + SAMPLES["en"][0]
    assert choose_language("de", mixed) == "de"


@pytest.mark.parametrize(
    ("tag", "code", "way"),
    [
        ("ur", "ur", "rtl"),
        ("ar-EG", "ar", "rtl"),
        ("fa_IR", "fa", "rtl"),
        ("he", "he", "rtl"),
        ("de-DE", "de", "ltr"),
        (" ZH ", "zh", "ltr"),
        ("", "", "ltr"),
        ("x-klingon", "", "ltr"),
        ("1234", "", "ltr"),
    ],
)
def test_codes_and_directions(tag: str, code: str, way: str) -> None:
    assert primary_code(tag) == code
    assert direction(tag) == way
