"""Reading the search box: clauses from any string, without an index or a database."""

from __future__ import annotations

import pytest

from broadsheet.search.parse import MAX_CLAUSES, MAX_QUERY_CHARS, Clause, normalise_query, parse_query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("   \t ", ()),
        ("ferry", (Clause(("ferry",), prefix=True),)),
        ("harbor ferry", (Clause(("harbor",)), Clause(("ferry",), prefix=True))),
        ("to", (Clause(("to",)),)),
        ('"harbor council" votes', (Clause(("harbor", "council")), Clause(("votes",), prefix=True))),
        ('votes "harbor council"', (Clause(("votes",)), Clause(("harbor", "council")))),
        ('"unbalanced quote', (Clause(("unbalanced",)), Clause(("quote",), prefix=True))),
        ('""', ()),
        ("elect* council", (Clause(("elect",), prefix=True), Clause(("council",), prefix=True))),
        ("e* council", (Clause(("e",)), Clause(("council",), prefix=True))),
        ("ferry -tolls", (Clause(("ferry",)), Clause(("tolls",), exclude=True))),
        ("ferry NOT tolls", (Clause(("ferry",)), Clause(("tolls",), exclude=True))),
        ('ferry -"toll road"', (Clause(("ferry",)), Clause(("toll", "road"), exclude=True))),
        (
            "ferry AND tolls OR bus NEAR",
            (Clause(("ferry",)), Clause(("tolls",)), Clause(("bus",), prefix=True)),
        ),
        ("body:ferry", (Clause(("body",)), Clause(("ferry",), prefix=True))),
        ("(ferry", (Clause(("ferry",), prefix=True),)),
        ("café", (Clause(("café",), prefix=True),)),
        ("🚢🚢", ()),
    ],
)
def test_parse_query(text: str, expected: tuple[Clause, ...]) -> None:
    assert parse_query(text).clauses == expected


def test_exclusions_alone_are_an_empty_query() -> None:
    assert parse_query("-ferry NOT bus").is_empty


def test_clauses_are_capped() -> None:
    parsed = parse_query(" ".join(f"w{i}" for i in range(100)))
    assert len(parsed.clauses) == MAX_CLAUSES


def test_normalise_removes_control_characters_and_caps_length() -> None:
    assert normalise_query("ferry\x00 \x1b[31m bus\n") == "ferry [31m bus"
    assert len(normalise_query("x" * 5000)) == MAX_QUERY_CHARS
