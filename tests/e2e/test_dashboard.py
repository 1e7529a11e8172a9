"""The admin's home in Chromium at 1366 px: an editor's dashboard with its panels and three SVG
charts under the admin's CSP, and a contributor's, which shows nobody else's work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from broadsheet.core import clock
from broadsheet.ingest.models import FetchLog, Source
from broadsheet.newsroom import roles, services
from broadsheet.newsroom.models import Article, Section
from broadsheet.readership.counting import count_view
from tests.e2e.staff import csp_violations, signed_in, staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom(db):  # type: ignore[no-untyped-def]
    """A small newsroom with something in every panel."""
    roles.ensure_roles()
    cache.clear()
    harbour = Section.objects.create(name="Harbour", slug="harbour")
    cora = staff("cora", roles.CONTRIBUTOR)
    cole = staff("cole", roles.CONTRIBUTOR)
    eve = staff("eve", roles.EDITOR)
    now = clock.now()
    services.save_article(Article(headline="Cora's draft on the lighthouse", section=harbour), by=cora)
    submitted = services.save_article(
        Article(headline="Cole's ferry timetable story", section=harbour), by=cole
    )
    services.submit_for_review(submitted, by=cole)
    services.save_article(
        Article(
            headline="Council budget vote tonight",
            section=harbour,
            status=Article.Status.PUBLISHED,
            published_at=now + dt.timedelta(hours=5),
        ),
        by=eve,
    )
    for days in range(6):
        story = services.save_article(
            Article(
                headline=f"Harbour news day {days}",
                section=harbour,
                status=Article.Status.PUBLISHED,
                published_at=now - dt.timedelta(days=days, minutes=10),
            ),
            by=eve,
        )
        for _ in range(days + 1):
            count_view(story.pk)
    source = Source.objects.create(
        feed_url="https://wire.example/feed",
        name="Failing Wire",
        error_count=3,
        first_failure_at=now - dt.timedelta(hours=6),
        last_error="HTTPStatusError: HTTP 503",
    )
    for days in range(5):
        FetchLog.objects.create(
            source=source, started_at=now - dt.timedelta(days=days), ok=True, new=4, duplicates=2
        )
    return {"eve": eve, "cora": cora}


def test_an_editor_sees_the_panels_and_three_svg_charts(browser, live_server, newsroom):
    page, problems = signed_in(browser, live_server.url, "eve")
    expect(page.locator("h1")).to_have_text("Dashboard")
    for title in (
        "My drafts",
        "Waiting for review",
        "Scheduled",
        "Recently published",
        "Most read today",
        "Held from feeds",
        "Takedowns and messages",
    ):
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    expect(page.locator("#panel-review")).to_contain_text("Cole's ferry timetable story")
    expect(page.locator("#panel-scheduled")).to_contain_text("Council budget vote tonight")
    expect(page.locator("#panel-most-read")).to_contain_text("Harbour news day 5")
    charts = page.locator("svg.bs-chart__svg[role=img]")
    expect(charts).to_have_count(3)
    for i in range(3):
        chart = charts.nth(i)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 1200 and 200 < box["height"] < 400
        assert chart.get_attribute("aria-label")
        # Bars drawn with the stylesheet's colours (classes, no inline style).
        assert chart.locator("rect").count() >= 30
    fill = page.locator("#panel-views-chart rect").last.evaluate("el => getComputedStyle(el).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")
    # The data tables are for screen readers, not on screen.
    table = page.locator("#panel-views-chart .bs-visually-hidden")
    assert table.bounding_box()["width"] <= 1  # type: ignore[index]
    # Nothing runs wide of a 1366 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.get_by_role("link", name="All tables").click()
    expect(page.locator("h1")).to_have_text("All tables")
    assert csp_violations(page) == []
    assert problems == []


def test_a_contributor_sees_only_their_own_drafts_and_no_sources(browser, live_server, newsroom):
    page, problems = signed_in(browser, live_server.url, "cora")
    expect(page.locator("#panel-my-drafts")).to_contain_text("Cora's draft on the lighthouse")
    content = page.locator("#content").inner_text()
    assert "Cole's ferry timetable story" not in content
    assert "Failing Wire" not in content
    assert "Council budget vote tonight" not in content
    expect(page.locator("svg.bs-chart__svg")).to_have_count(0)
    for absent in ("#panel-review", "#panel-held", "#panel-failing-sources", "#panel-inbox"):
        expect(page.locator(absent)).to_have_count(0)
    assert csp_violations(page) == []
    assert problems == []
