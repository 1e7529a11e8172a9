"""Cards without a picture, in a real browser: headlines in a row line up with their
neighbours' at desktop and phone widths, and a publisher's picture that fails to load turns
its card into the no-picture card (no broken-image box), without inline handlers (CSP)."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Section, SiteSettings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PICTURE = "/pictures/ok.jpg"  # answered by the test, as a publisher's server would
GONE = "/pictures/gone.jpg"  # the live server's own 404: a publisher's picture that vanished
# Where the before/after screenshots go (docs/img when making the README's picture).
SHOTS = os.environ.get("BROADSHEET_SCREENSHOTS", "")


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 675), (40, 100, 150)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def publish(headline: str, section: Section, hours: int, image: str = "") -> Article:
    article = Article(
        headline=headline,
        dek="A fictional story for the card tests, with a standfirst of a sentence or two.",
        body="<p>Text.</p>",
        section=section,
        byline="Dana Reyes",
        status=Article.Status.PUBLISHED,
        published_at=clock.now() - dt.timedelta(hours=hours),
        lead_image_url=image,
        lead_image_width=1200 if image else None,
        lead_image_height=675 if image else None,
    )
    return services.save_article(article)


@pytest.fixture
def front(live_server, transactional_db) -> str:  # type: ignore[no-untyped-def]
    """A home page whose section blocks mix cards with and without pictures."""
    SiteSettings.objects.create(pk=1, site_name="Harbor Gazette", tagline="News from every pier")
    city = Section.objects.create(name="City", slug="city", order=1)
    sport = Section.objects.create(name="Sport", slug="sport", order=2)
    picture = live_server.url + PICTURE
    publish("Lead story with a picture", city, 0, picture)
    plan = [
        ("Council approves the harbour budget after a late-night debate", city, ""),
        ("Ferry timetable changes", city, picture),
        ("Night buses to stop in April", city, ""),
        ("Lamps go dark on the quay", city, picture),
        ("Rowing club wins the regatta for a third year", sport, picture),
        ("Derby postponed", sport, ""),
        ("New pitch for the harbour youth league", sport, picture),
        ("Swimmers cross the bay", sport, ""),
    ]
    for hours, (headline, section, image) in enumerate(plan, start=1):
        publish(headline, section, hours, image)
    return str(live_server.url)


def serve_pictures(page: Page) -> None:
    body = jpeg()
    page.route("**" + PICTURE, lambda route: route.fulfill(status=200, body=body, content_type="image/jpeg"))


def rows_of_headline_tops(page: Page, grid: str) -> list[list[float]]:
    """For each visual row of the grid's cards: the top of each card's headline."""
    boxes = page.evaluate(
        """(grid) => Array.from(document.querySelectorAll(grid + " > li")).map((li) => {
             const title = li.querySelector(".card__title").getBoundingClientRect();
             return [Math.round(li.getBoundingClientRect().top), title.top, title.left];
           })""",
        grid,
    )
    rows: dict[int, list[float]] = {}
    for top, title_top, _left in boxes:
        rows.setdefault(top, []).append(title_top)
    return list(rows.values())


def headline_lefts(page: Page, selector: str) -> list[float]:
    return page.evaluate(
        "(s) => Array.from(document.querySelectorAll(s)).map((e) => e.getBoundingClientRect().left)", selector
    )


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_headlines_line_up_in_every_row(browser, front, width, height, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    serve_pictures(page)
    try:
        page.goto(front + "/")
        page.wait_for_load_state("networkidle")
        assert page.locator(".card-grid .card--text").count() == 4
        for grid in ("#block-city ~ .card-grid", "#block-sport ~ .card-grid"):
            rows = rows_of_headline_tops(page, grid)
            assert sum(len(row) for row in rows) == 4
            for row in rows:
                assert max(row) - min(row) < 1, (grid, rows)
            if width < 600:
                # Phones: the later cards are rows with a thumbnail column; no-picture cards
                # keep that column, so their headlines start where their neighbours' do.
                lefts = headline_lefts(page, grid + " > li + li .card__title")
                assert max(lefts) - min(lefts) < 1, lefts
        if width > 1000:
            screenshots(page, Path(SHOTS) if SHOTS else tmp_path)
        # A section's river (home's "Latest" has nothing left to show: every story is above).
        page.goto(front + "/city/")
        page.wait_for_load_state("networkidle")
        assert page.locator(".river .card--text").count() == 2
        lefts = headline_lefts(page, ".river .card__title")
        assert len(lefts) == 5 and max(lefts) - min(lefts) < 1, lefts
    finally:
        context.close()


def screenshots(page: Page, where: Path) -> None:
    """After (the page as it is) and before (the same page with the no-picture variant taken
    out again: no placeholder, no class, as the cards were)."""
    where.mkdir(parents=True, exist_ok=True)
    blocks = page.locator("#block-city").locator("xpath=..")
    blocks.screenshot(path=str(where / "cards-after.png"))
    page.evaluate(
        """() => document.querySelectorAll(".card--text").forEach((card) => {
             card.classList.remove("card--text");
             card.querySelector(".card__media--text").remove();
           })"""
    )
    blocks.screenshot(path=str(where / "cards-before.png"))


def test_a_picture_that_fails_becomes_the_no_picture_card(browser, front):
    for article in Article.objects.filter(
        headline__in=["Ferry timetable changes", "Rowing club wins the regatta for a third year"]
    ):
        article.lead_image_url = front + GONE
        services.save_article(article)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    serve_pictures(page)
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    try:
        page.goto(front + "/")
        page.wait_for_load_state("networkidle")
        broken = page.evaluate(
            "Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
        )
        assert broken == []  # no broken-image box left anywhere
        ferry = page.locator(".card", has_text="Ferry timetable changes").first
        assert "card--text" in (ferry.get_attribute("class") or "")
        assert ferry.locator(".card__placeholder").inner_text().strip().lower() == "city"
        assert page.locator(".card-grid .card--text").count() == 6
        for grid in ("#block-city ~ .card-grid", "#block-sport ~ .card-grid"):
            for row in rows_of_headline_tops(page, grid):
                assert max(row) - min(row) < 1
        # The story page loses its empty figure rather than showing a broken picture.
        page.goto(front + Article.objects.get(headline="Ferry timetable changes").get_absolute_url())
        page.wait_for_load_state("networkidle")
        assert page.locator(".story__figure").count() == 0
        assert violations == []
    finally:
        context.close()


def test_eager_lead_picture_that_failed_before_the_script_ran_is_swapped_too(browser, front):
    lead = Article.objects.get(headline="Lead story with a picture")
    lead.lead_image_url = front + GONE
    services.save_article(lead)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    serve_pictures(page)
    try:
        page.goto(front + "/")
        page.wait_for_load_state("networkidle")
        lead_card = page.locator(".lead .card")
        assert "card--text" in (lead_card.get_attribute("class") or "")
        assert lead_card.locator("img").count() == 0
    finally:
        context.close()
