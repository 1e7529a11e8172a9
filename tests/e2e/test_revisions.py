"""Nothing an editor types is lost, in Chromium: autosave survives a closed tab, a revision is
compared and restored, and a second editor is warned who else has the article open."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from broadsheet.newsroom import roles, services
from broadsheet.newsroom.models import Article, ArticleAutosave, Section

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "admin-revisions-compare.png"


def _editor(name: str, full_name: str = "") -> object:
    first, _, last = full_name.partition(" ")
    user = get_user_model().objects.create_user(
        name, password=f"pw-{name}-long-enough", is_staff=True, first_name=first, last_name=last
    )
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


def _signed_in(browser: Browser, base: str, name: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.add_init_script(CSP_LISTENER)
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None
        ),
    )
    page.goto(base + "/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", f"pw-{name}-long-enough")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Broadsheet newsroom")
    return page, problems


def _csp(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations"))


def _story(section: Section, by: object) -> Article:
    article = Article(
        headline="Harbour ferry returns",
        dek="The old route reopens.",
        body="<p>The ferry sails again on Monday.</p>",
        section=section,
    )
    return services.publish(article, by=by)


def test_autosave_survives_a_closed_tab(browser, live_server):
    roles.ensure_roles()
    section = Section.objects.create(name="Harbour", slug="harbour")
    eve = _editor("eve")
    article = _story(section, eve)
    change = f"{live_server.url}/admin/newsroom/article/{article.pk}/change/"

    page, problems = _signed_in(browser, live_server.url, "eve")
    page.clock.install()
    page.goto(change)
    page.fill("#id_headline", "Harbour ferry returns, with a new timetable")
    page.locator(".bs-rte-area").click()
    page.keyboard.press("End")
    page.keyboard.type(" Tickets go on sale today.")
    # Ten seconds after the change the form is saved aside.
    page.clock.fast_forward(11_000)
    expect(page.locator(".bs-autosave-status")).to_contain_text("Saved draft")
    assert problems == [] and _csp(page) == []
    page.context.close()

    saved = ArticleAutosave.objects.get(user=eve, article=article)
    assert "Tickets go on sale today." in saved.data["fields"]["body"]
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Harbour ferry returns" and "Tickets" not in stored.body

    # A new tab offers it back; restoring fills the form, and only Save writes the article.
    page, problems = _signed_in(browser, live_server.url, "eve")
    page.goto(change)
    restore = page.locator(".bs-autosave-restore")
    expect(restore).to_contain_text("Restore autosaved version from")
    assert page.input_value("#id_headline") == "Harbour ferry returns"
    restore.click()
    assert page.input_value("#id_headline") == "Harbour ferry returns, with a new timetable"
    assert "Tickets go on sale today." in page.input_value("#id_body")
    expect(page.locator(".bs-rte-area")).to_contain_text("Tickets go on sale today.")
    assert Article.objects.get(pk=article.pk).headline == "Harbour ferry returns"
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Harbour ferry returns, with a new timetable"
    assert "Tickets go on sale today." in stored.body
    assert not ArticleAutosave.objects.exists()
    assert problems == [] and _csp(page) == []
    page.context.close()


def test_a_revision_is_compared_and_restored(browser, live_server):
    roles.ensure_roles()
    section = Section.objects.create(name="Harbour", slug="harbour")
    eve = _editor("eve", "Eve Marsh")
    article = _story(section, eve)
    change = f"{live_server.url}/admin/newsroom/article/{article.pk}/change/"
    page, problems = _signed_in(browser, live_server.url, "eve")

    # Two edits through the form.
    for headline, dek in (
        ("Harbour ferry returns at dawn", "The old route reopens with two boats."),
        ("Ferry strike halts harbour route", "Crews walk out over pay."),
    ):
        page.goto(change)
        page.fill("#id_headline", headline)
        page.fill("#id_dek", dek)
        if headline.startswith("Ferry strike"):
            page.locator(".bs-rte-area").click()
            page.keyboard.press("End")
            page.keyboard.type(" Crews walked out at noon.")
        page.click("input[name=_continue]")
        expect(page.locator(".messagelist .success")).to_be_visible()

    page.get_by_role("link", name="Revisions").click()
    rows = page.locator("tr.bs-revision")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Eve Marsh")
    expect(rows.nth(2)).to_contain_text("Created and published")
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(1).locator("input[type=checkbox]").check()
    page.click("input[value='Compare selected revisions']")

    headline = page.locator("tr[data-field=Headline]")
    expect(headline.locator(".bs-compare-before del").first).to_be_visible()
    expect(headline.locator(".bs-compare-after ins").first).to_be_visible()
    expect(page.locator("tr[data-field=Standfirst] .bs-compare-after")).to_contain_text("Crews walk out")
    expect(page.locator("tr[data-field=Body] .bs-compare-after ins")).to_contain_text(
        "Crews walked out at noon."
    )
    assert problems == [] and _csp(page) == []
    if os.environ.get("BROADSHEET_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.locator(".bs-restore-older").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Restored the revision of")
    assert page.input_value("#id_headline") == "Harbour ferry returns at dawn"
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Harbour ferry returns at dawn" and stored.status == Article.Status.PUBLISHED

    cache.clear()
    page.goto(live_server.url + stored.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("Harbour ferry returns at dawn")
    expect(page.locator("body")).to_contain_text("The old route reopens with two boats.")
    expect(page.locator("body")).not_to_contain_text("Crews walked out at noon.")
    page.context.close()


def test_a_second_editor_sees_who_has_the_article_open(browser, live_server):
    roles.ensure_roles()
    section = Section.objects.create(name="Harbour", slug="harbour")
    dana = _editor("dana", "Dana Reyes")
    _editor("eve", "Eve Marsh")
    article = _story(section, dana)
    change = f"{live_server.url}/admin/newsroom/article/{article.pk}/change/"

    first, problems_first = _signed_in(browser, live_server.url, "dana")
    first.clock.install()
    first.goto(change)
    expect(first.locator(".bs-presence")).to_be_hidden()

    second, problems_second = _signed_in(browser, live_server.url, "eve")
    second.goto(change)
    expect(second.locator(".bs-presence")).to_contain_text("Dana Reyes has this article open (active")

    # The first editor's heartbeat brings the news the other way.
    first.clock.fast_forward(16_000)
    expect(first.locator(".bs-presence")).to_contain_text("Eve Marsh has this article open (active")
    assert problems_first == [] and problems_second == []
    assert _csp(first) == [] and _csp(second) == []
    first.context.close()
    second.context.close()
