"""The dashboard's SVG charts (core/svgchart.py): drawn, labelled, accessible and escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from broadsheet.core.svgchart import Series, bar_chart, nice_ceiling, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(html: str) -> ET.Element:
    """The figure as XML (the SVG gets its namespace so ElementTree reads it as SVG)."""
    return ET.fromstring(html.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def _bars(figure: ET.Element) -> list[ET.Element]:
    return figure.findall(f".//{SVG}rect")


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20), (120, 200), (4_999_999, 5_000_000)],
)
def test_axis_top_is_a_round_number_at_least_the_highest_bar(value, ceiling):
    assert nice_ceiling(value) == ceiling


@pytest.mark.parametrize(
    ("labels", "values", "bars", "summary"),
    [
        ([], [], 0, "Views: no data."),
        (["3 Dec"], [0], 1, "Views, 3 Dec to 3 Dec: 0 in all; highest 0 on 3 Dec."),
        (["3 Dec"], [5], 1, "Views, 3 Dec to 3 Dec: 5 in all; highest 5 on 3 Dec."),
        (["1 Dec", "2 Dec", "3 Dec"], [1, 9, 4], 3, "Views, 1 Dec to 3 Dec: 14 in all; highest 9 on 2 Dec."),
        (
            ["1 Dec", "2 Dec"],
            [1_250_000, 3_400_000],
            2,
            "Views, 1 Dec to 2 Dec: 4,650,000 in all; highest 3,400,000 on 2 Dec.",
        ),
    ],
)
def test_bar_chart(labels, values, bars, summary):
    html = bar_chart("c", "Views", labels, values, unit="views")
    figure = _parse(html)
    svg = figure.find(f"{SVG}svg")
    assert svg is not None
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == summary
    assert svg.findtext(f"{SVG}title") == "Views"
    assert svg.findtext(f"{SVG}desc") == summary
    assert len(_bars(figure)) == bars
    # The figures again, as a table for screen readers: one row per day.
    rows = figure.findall(".//table/tbody/tr")
    assert [row.findtext("th") for row in rows] == labels
    assert [row.findtext("td") for row in rows] == [f"{v:,}" for v in values]
    # Nothing a strict CSP would refuse.
    assert "style=" not in html
    assert "<script" not in html
    if not labels:
        assert "No data" in html


def test_bar_heights_scale_to_the_axis_and_never_overflow_it():
    figure = _parse(bar_chart("c", "Views", ["a", "b", "c"], [0, 50, 100], unit="views"))
    heights = [float(bar.get("height", "")) for bar in _bars(figure)]
    assert heights[0] == 0
    assert heights[2] == pytest.approx(2 * heights[1])
    for bar in _bars(figure):
        assert float(bar.get("y", "")) >= 0


def test_each_bar_has_a_tooltip_with_its_day_and_figure():
    figure = _parse(bar_chart("c", "Views", ["1 Dec", "2 Dec"], [3, 1234], unit="views"))
    assert [bar.findtext(f"{SVG}title") for bar in _bars(figure)] == ["1 Dec: 3 views", "2 Dec: 1,234 views"]


def test_stacked_chart_stacks_series_bottom_up_with_a_legend():
    html = stacked_bar_chart(
        "c", "Stories", ["1 Dec", "2 Dec"], [Series("own", [2, 1]), Series("aggregated", [2, 4])]
    )
    figure = _parse(html)
    own, theirs = (figure.findall(f".//{SVG}rect[@class='bs-chart__bar bs-chart__bar--{n}']") for n in (0, 1))
    # Day one: own at the bottom, aggregated right on top of it, the same height each.
    assert float(own[0].get("y", "")) == pytest.approx(
        float(theirs[0].get("y", "")) + float(theirs[0].get("height", ""))
    )
    assert float(own[0].get("height", "")) == pytest.approx(float(theirs[0].get("height", "")))
    assert ["".join(li.itertext()) for li in figure.findall(".//ul/li")] == ["own", "aggregated"]
    assert figure.find(f"{SVG}svg").get("aria-label") == (  # type: ignore[union-attr]
        "Stories, 1 Dec to 2 Dec: 9 in all (own 3, aggregated 6); highest 5 on 2 Dec."
    )
    assert [th.text for th in figure.findall(".//thead/tr/th")] == ["Day", "own", "aggregated"]


def test_a_month_of_days_labels_about_a_week_apart_and_always_today():
    labels = [f"{day} Nov" for day in range(1, 31)]
    figure = _parse(bar_chart("c", "Views", labels, [1] * 30, unit="views"))
    shown = [text.text for text in figure.findall(f".//{SVG}text[@class='bs-chart__label']")]
    assert shown[-1] == "30 Nov"
    assert 4 <= len(shown) <= 7


def test_labels_and_names_are_escaped():
    evil = '<script>alert("x")</script> & "quotes"'
    html = stacked_bar_chart('id"><x', evil, [evil], [Series(evil, [1]), Series("b", [2])])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    figure = _parse(html)  # still well-formed XML
    assert figure.find(f"{SVG}svg").findtext(f"{SVG}title") == evil  # type: ignore[union-attr]
    assert figure.findtext(".//table/caption") == evil
    assert not re.search(r'id="[^"]*"><x', html)


@pytest.mark.parametrize(
    ("labels", "series", "message"),
    [
        (["a"], [], "at least one series"),
        (["a", "b"], [Series("views", [1])], "has 1 values for 2 labels"),
        (["a"], [Series("views", [-1])], "negative"),
    ],
)
def test_bad_input_is_refused(labels, series, message):
    with pytest.raises(ValueError, match=message):
        stacked_bar_chart("c", "T", labels, series)
