"""Bylines in the shapes real feeds and pages state them (core/bylines.py)."""

from __future__ import annotations

import pytest

from broadsheet.core import bylines

RAW_FORMS = [
    # (raw values as feedparser or a page hands them, the line printed)
    (["news@example.org (Dana Reyes)"], "Dana Reyes"),
    (["Dana Reyes <dana@example.org>"], "Dana Reyes"),
    (["Dana Reyes &lt;dana@example.org&gt;"], "Dana Reyes"),
    (["news@example.org"], ""),
    (["mailto:news@example.org"], ""),
    (["<news@example.org>"], ""),
    (["Maria &amp; Katerina"], "Maria & Katerina"),
    (["news@example.org (Maria &amp; Katerina)"], "Maria & Katerina"),
    # Decoded once: a double-escaped entity stays one level escaped, as the publisher sent it.
    (["AT&amp;amp;T Labs"], "AT&amp;T Labs"),
    (["Ann One", "Bob Two"], "Ann One and Bob Two"),
    (["Ann One", "Bob Two", "Cy Three"], "Ann One, Bob Two and Cy Three"),
    (["Ann One, Bob Two, and Cy Three"], "Ann One, Bob Two and Cy Three"),
    (["Ann One, Bob Two and Cy Three"], "Ann One, Bob Two and Cy Three"),
    (["Ann One and Bob Two"], "Ann One and Bob Two"),
    (["Benjamin Fischer und Marcus Theurer"], "Benjamin Fischer and Marcus Theurer"),
    (["Léa Martin et Paul Roux"], "Léa Martin and Paul Roux"),
    (["Ann One; Bob Two"], "Ann One and Bob Two"),
    (["Ann One", "ann one"], "Ann One"),
    (["By Dana Reyes"], "Dana Reyes"),
    (["BY DANA REYES"], "DANA REYES"),
    (["Von Anna Beck"], "Anna Beck"),
    (["Vom Krimiblogger"], "Krimiblogger"),
    (["Art Edwards says"], ""),
    (["<b>Dana</b> Reyes"], "Dana Reyes"),
    (["Dana Reyes | Political editor"], "Dana Reyes"),
    (["https://example.org/people/dana"], ""),
    (["José Ortega y Gasset"], "José Ortega y Gasset"),
    (["  Dana \n  Reyes  "], "Dana Reyes"),
    (["--"], ""),
    ([""], ""),
    ([], ""),
    (["林小明"], "林小明"),
    (["علی رضا"], "علی رضا"),
]


@pytest.mark.parametrize(("values", "expected"), RAW_FORMS)
def test_raw_values_become_one_line(values: list[str], expected: str) -> None:
    assert bylines.from_raw(*values) == expected


def test_no_email_address_survives_any_form() -> None:
    for values, _ in RAW_FORMS:
        assert "@" not in bylines.from_raw(*values)


TIDY_FORMS = [
    # Stored bylines (rows from before: raw feed text, already plain) as printed.
    ("news@example.org (Dana Reyes)", "Dana Reyes"),
    ("Dana Reyes <dana@example.org>", "Dana Reyes"),
    ("news@example.org", ""),
    ("A, B, and C", "A, B and C"),
    ("Maria & Katerina", "Maria & Katerina"),
    # Plain text is never decoded again: this is what the publisher's name literally says.
    ("AT&amp;T Labs", "AT&amp;T Labs"),
    ("Staff and agencies", "Staff and agencies"),
    ("", ""),
]


@pytest.mark.parametrize(("stored", "expected"), TIDY_FORMS)
def test_stored_bylines_are_tidied_for_display(stored: str, expected: str) -> None:
    assert bylines.tidy(stored) == expected


@pytest.mark.parametrize(("values", "expected"), [v for v in RAW_FORMS if v[1]])
def test_tidy_leaves_a_clean_line_as_it_is(values: list[str], expected: str) -> None:
    assert bylines.tidy(expected) == expected


def test_many_names_are_capped() -> None:
    names = [f"Person {n}" for n in "ABCDEFGHIJ"]
    line = bylines.from_raw(*names)
    assert line.endswith("Person G and Person H")
    assert "Person I" not in line


@pytest.mark.parametrize(
    ("page", "feed", "not_people", "expected"),
    [
        ("Anna Beck", "Dana Reyes", (), "Anna Beck"),
        ("", "Dana Reyes", (), "Dana Reyes"),
        # The page names only its publisher: that is no author, the feed's person wins.
        ("BBC News", "Dana Reyes", ("BBC News",), "Dana Reyes"),
        ("bbc news", "", ("BBC News",), ""),
        ("heise online, Anna Beck", "", ("heise online",), "Anna Beck"),
        ("", "", (), ""),
    ],
)
def test_choose_prefers_the_page_and_never_the_publisher(
    page: str, feed: str, not_people: tuple[str, ...], expected: str
) -> None:
    assert bylines.choose(page=page, feed=feed, not_people=not_people) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [("BBC News", "BBC News staff"), ("  heise  online ", "heise online staff"), ("", "")],
)
def test_staff_line(source: str, expected: str) -> None:
    assert bylines.staff_line(source) == expected
