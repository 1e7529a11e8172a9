"""The article list in Chromium at 1366 x 768: every column on screen, headlines at most two lines,
the published-date range usable, nothing blocked by the CSP.

Set E2E_SCREENSHOT_DIR to keep the screenshot (docs/img/admin-articles-1366.png was taken so).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Author, Section

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-admin-password-1366"
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
HEADLINES = [
    "Council approves the harbour ferry plan after a seven-hour meeting that ran past midnight "
    "and left both sides claiming victory over the timetable",
    "Storm closes the bridge",
    "School budget: what the new levy means for every family in the eastern wards this autumn",
    "Museum reopens",
    "Transit union and the mayor's office reach a deal on night buses, weekend fares and the "
    "long-promised airport line",
]


def _newsroom() -> None:
    sections = [
        Section.objects.create(name=name, slug=name.lower().replace(" ", "-"), order=i)
        for i, name in enumerate(["City", "Business", "Culture", "Opinion and Analysis"])
    ]
    authors = [
        Author.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        for name in ["Mara Quill", "Tobias Featherstonehaugh-Wright", "Ana Ruiz"]
    ]
    now = clock.now()
    for i in range(30):
        article = Article(
            headline=HEADLINES[i % len(HEADLINES)] + ("" if i < 5 else f" ({i})"),
            dek="A story for the screenshot.",
            body="<p>Text.</p>",
            section=sections[i % len(sections)],
            author=authors[i % len(authors)],
            published_at=now + dt.timedelta(hours=3) if i % 7 == 1 else now - dt.timedelta(hours=5 * i),
            source_name="Harbour City Wire Service" if i % 3 == 0 else "",
        )
        article.status = Article.Status.DRAFT if i % 5 == 4 else Article.Status.PUBLISHED
        services.save_article(article)
    get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)


def test_article_list_is_readable_at_1366(browser, live_server, tmp_path):
    _newsroom()
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    page.goto(live_server.url + "/admin/login/?next=/admin/newsroom/article/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/newsroom/article/")
    shot = tmp_path / "admin-articles-1366.png"
    page.screenshot(path=str(shot))
    if os.environ.get("E2E_SCREENSHOT_DIR"):
        shutil.copy(shot, Path(os.environ["E2E_SCREENSHOT_DIR"]) / shot.name)

    # Every column fits: no sideways scrolling of the page or of the list's own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    box = page.evaluate(
        "(() => { const r = document.querySelector('.results'); return [r.scrollWidth, r.clientWidth]; })()"
    )
    assert box[0] <= box[1], box
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert [h.strip().lower() for h in headers[-2:]] == ["updated", "preview"], headers
    # Headlines are clamped to two lines; the whole headline is the title attribute.
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.bs-headline')).lineHeight)")
    heights = page.eval_on_selector_all(
        ".bs-headline", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert len(heights) == 30 and max(heights) <= 2 * line + 1, (line, heights)
    assert page.locator(".bs-headline").first.get_attribute("title")
    # Dates and state badges never wrap.
    for selector in (".bs-time", ".bs-state"):
        sizes = page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().height)")
        assert max(sizes) <= 2 * line, (selector, sizes)

    # The range form filters and keeps its values.
    today = timezone.localdate().isoformat()
    page.fill("input[name=published_from]", today)
    page.fill("input[name=published_to]", today)
    page.click(".bs-date-range button")
    page.wait_for_url("**published_from=*")
    assert page.input_value("input[name=published_from]") == today
    assert page.locator("#result_list tbody tr").count() < 30

    assert page.evaluate("window.__cspViolations") == []
    context.close()
