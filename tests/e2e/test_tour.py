"""The README's tour (scripts/tour.py) walked in Chromium through the demo `make run` serves:
each stop shows what the README says it shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from scripts.tour import TOUR, Stop, demo_site, walk


def _home(page: Page) -> None:
    sources = page.locator(".top-stories__meta").first.inner_text()
    assert int(re.match(r"(\d+) source", sources).group(1)) >= 2, sources  # type: ignore[union-attr]
    expect(page.locator(".widget--trending .widget__item")).not_to_have_count(0)
    expect(page.locator(".widget--popular, #widget-popular-title").first).to_be_visible()
    _thumb_beside_headline(page)


def _thumb_beside_headline(page: Page) -> None:
    """Popular's rows: picture on the left, headline beside it (a <picture> from the media
    library once laid its <source> out as a grid cell and pushed the headline under it)."""
    for item in page.locator(".widget--popular .widget__item").all():
        thumb = item.locator(".widget__thumb").bounding_box()
        headline = item.locator(".widget__headline").bounding_box()
        assert thumb is not None and headline is not None
        assert headline["x"] >= thumb["x"] + thumb["width"], (thumb, headline)
        assert headline["y"] < thumb["y"] + thumb["height"], (thumb, headline)


def _coverage(page: Page) -> None:
    expect(page.locator(".list-head__kicker")).to_have_text("Full coverage")
    assert page.locator(".timeline__item").count() >= 2
    sources = {s.strip() for s in page.locator(".timeline__source").all_inner_texts()}
    assert len(sources) >= 2, sources


def _aggregated(page: Page) -> None:
    expect(page.locator(".story__origin")).to_contain_text("Originally published by")
    expect(page.locator(".story__figure img")).to_be_visible()
    expect(page.locator(".story__credit")).to_contain_text("Image:")
    expect(page.locator(".story__byline")).to_be_visible()


def _search(page: Page) -> None:
    assert page.locator(".search-hit").count() >= 3


def _contributor(page: Page) -> None:
    expect(page.locator("#panel-my-drafts")).to_contain_text("The Lantern Rooms at twenty")
    expect(page.locator("#panel-my-drafts")).to_contain_text("Ten bakeries worth the early alarm")
    expect(page.locator("svg.bs-chart__svg")).to_have_count(0)


def _author(page: Page) -> None:
    expect(page.locator("#panel-scheduled")).to_contain_text("Night ferry returns")


def _editor(page: Page) -> None:
    expect(page.locator("#panel-review")).to_contain_text("Ten bakeries worth the early alarm")
    charts = page.locator("svg.bs-chart__svg[role=img]")
    expect(charts).to_have_count(3)
    # The month of history: days with a bar, read from each chart's table of figures.
    for name, days in (("views-chart", 28), ("ingest-chart", 25), ("stories-chart", 10)):
        totals = page.eval_on_selector_all(
            f"#panel-{name} tbody tr",
            "rows => rows.map(r => [...r.querySelectorAll('td')]"
            ".reduce((n, td) => n + parseInt(td.textContent.replace(/,/g, ''), 10), 0))",
        )
        assert len(totals) == 30 and sum(t > 0 for t in totals) >= days, (name, totals)
    assert page.locator("#panel-most-read li").count() >= 3


def _operator(page: Page) -> None:
    expect(page.locator("#panel-ingest-chart svg.bs-chart__svg")).to_have_count(1)
    expect(page.locator("#panel-stories-chart")).to_have_count(0)


def _library(page: Page) -> None:
    assert page.locator("img.media-thumb").count() >= 20


def _newsletter(page: Page) -> None:
    expect(page.locator(".static-page__title")).to_contain_text("The daily digest")
    assert len(page.locator(".newsletter-text").inner_text()) > 200


def _api(page: Page) -> None:
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Broadsheet API")


CHECKS: dict[str, Callable[[Page], None]] = {
    "home": _home,
    "coverage": _coverage,
    "aggregated": _aggregated,
    "search": _search,
    "dashboard-contributor": _contributor,
    "dashboard-author": _author,
    "dashboard-editor": _editor,
    "dashboard-operator": _operator,
    "library": _library,
    "newsletter": _newsletter,
    "api": _api,
}


def test_every_stop_is_checked():
    assert set(CHECKS) == {stop.name for stop in TOUR}


def test_the_tour_shows_each_feature(browser, tmp_path: Path) -> None:
    visited: list[str] = []
    problems: list[str] = []

    def check(stop: Stop, page: Page) -> None:
        page.on("pageerror", lambda exc: problems.append(f"{stop.name}: {exc}"))
        CHECKS[stop.name](page)
        visited.append(stop.name)

    with demo_site(tmp_path / "site") as site:
        assert set(site.passwords) == {"admin", "contributor", "author", "editor", "operator"}
        walk(browser, site, check)
    assert visited == [stop.name for stop in TOUR]
    assert problems == []
