"""Term-vector similarity: pure functions, no database."""

from __future__ import annotations

import math

import pytest

from broadsheet.discovery import vectors


@pytest.mark.parametrize(
    ("vector", "others", "expected"),
    [
        ({"ferri": 1.0}, [{"ferri": 2.0}], [1.0]),  # same direction, any length
        ({"ferri": 1.0}, [{"fire": 1.0}], [0.0]),  # nothing shared
        ({}, [{"fire": 1.0}], [0.0]),  # an empty vector is like nothing
        ({"ferri": 1.0}, [{}], [0.0]),
        ({"ferri": 1.0}, [], []),
    ],
)
def test_similarities_edge_cases(vector, others, expected):
    assert vectors.similarities(vector, others) == pytest.approx(expected)


def test_a_term_every_story_uses_counts_for_less():
    """IDF over the batch: sharing a rare term beats sharing a common one."""
    common, rare = {"council": 1.0, "vote": 1.0}, {"council": 1.0, "ferri": 1.0}
    others = [common, rare, {"council": 1.0}, {"council": 1.0, "librari": 1.0}]
    scores = vectors.similarities({"council": 1.0, "ferri": 1.0, "vote": 0.2}, others)
    assert scores[1] > scores[0]
    assert all(0.0 <= s <= 1.0 + 1e-9 for s in scores)
    assert not any(math.isnan(s) for s in scores)
