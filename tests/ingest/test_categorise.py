"""categorise.py: fixed section, category rules with synonyms, classifier hook, keyword filters."""

from __future__ import annotations

import pytest

from broadsheet.ingest.categorise import SectionRef, choose_section, load_classifier, passes_keywords
from broadsheet.ingest.parse import FeedEntry

SECTIONS = [
    SectionRef(1, "Business", "business"),
    SectionRef(2, "Technology", "technology"),
    SectionRef(3, "Film", "film"),
    SectionRef(4, "Television", "television"),
    SectionRef(5, "Local News", "local-news"),
]


@pytest.mark.parametrize(
    ("fixed", "categories", "expected"),
    [
        (5, ["Tech"], (5, "source")),
        (None, ["Business"], (1, "category")),
        (None, ["business"], (1, "category")),
        (None, ["tech"], (2, "category")),
        (None, ["Movies"], (3, "category")),
        (None, ["TV"], (4, "category")),
        (None, ["Economy"], (1, "category")),
        (None, ["Local news"], (5, "category")),
        (None, ["World / Tech"], (2, "category")),
        (None, ["Weather", "Film"], (3, "category")),
        (None, ["Gardening"], (None, "held")),
        (None, [], (None, "held")),
    ],
)
def test_choose_section(fixed, categories, expected):
    filing = choose_section(fixed_section_id=fixed, categories=categories, sections=SECTIONS)
    assert (filing.section_id, filing.how) == expected


@pytest.mark.parametrize(
    ("answer", "expected"), [("film", (3, "classifier")), ("nope", (None, "held")), (None, (None, "held"))]
)
def test_classifier_hook(answer, expected):
    seen = []

    def classifier(headline, text, sections):
        seen.append((headline, text, len(sections)))
        return answer

    filing = choose_section(
        fixed_section_id=None,
        categories=["Gardening"],
        sections=SECTIONS,
        headline="H",
        text="T",
        classifier=classifier,
    )
    assert (filing.section_id, filing.how) == expected
    assert seen == [("H", "T", 5)]


def test_classifier_is_looked_up_from_settings(settings):
    settings.BROADSHEET_CLASSIFIER = None
    assert load_classifier() is None
    settings.BROADSHEET_CLASSIFIER = "tests.ingest.test_categorise.always_film"
    assert load_classifier() is always_film


def always_film(headline, text, sections):
    return "film"


ENTRY = FeedEntry(
    guid="g",
    url="u",
    title="Harbor council bans jet skis",
    summary_html="<p>Noise complaints</p>",
    categories=("Politics",),
)


@pytest.mark.parametrize(
    ("include", "exclude", "passes"),
    [
        ([], [], True),
        (["jet skis"], [], True),
        (["JET"], [], True),
        (["ferry"], [], False),
        ([], ["noise"], False),
        ([], ["politics"], False),
        (["council"], ["noise"], False),
        (["coun"], [], False),  # whole words only
    ],
)
def test_passes_keywords(include, exclude, passes):
    assert passes_keywords(ENTRY, include, exclude) is passes
