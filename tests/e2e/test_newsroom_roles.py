"""The newsroom's review flow in Chromium: a contributor writes and submits, an editor reviews
and schedules, and the article goes live on time with nobody acting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from broadsheet.core import clock
from broadsheet.newsroom import roles
from broadsheet.newsroom.models import Article, Section
from tests.e2e.staff import csp_violations, signed_in, staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_contributor_submits_editor_schedules_and_it_goes_live_on_time(browser, live_server, monkeypatch):
    roles.ensure_roles()
    section = Section.objects.create(name="Harbour", slug="harbour")
    staff("cora", roles.CONTRIBUTOR)
    staff("eve", roles.EDITOR)
    base = live_server.url

    # The contributor writes a story and submits it: Publish is not among their choices.
    page, problems = signed_in(browser, base, "cora")
    page.goto(base + "/admin/newsroom/article/add/")
    page.fill("#id_headline", "Lighthouse keeper retires after forty years")
    page.fill("#id_dek", "The lamp is automated from Monday.")
    page.locator(".bs-rte-area").click()
    page.keyboard.type("Forty winters on the rock, and not one night dark.")
    page.select_option("#id_section", str(section.pk))
    options = page.locator("#id_status option").evaluate_all("els => els.map(e => e.value)")
    assert options == ["draft", "pending_review"]
    page.select_option("#id_status", "pending_review")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    story = Article.objects.get(headline="Lighthouse keeper retires after forty years")
    assert story.status == "pending_review" and story.created_by is not None
    assert "not one night dark" in story.body
    assert problems == [] and csp_violations(page) == []
    page.context.close()

    # The editor finds it waiting, opens it and schedules it an hour ahead.
    page, problems = signed_in(browser, base, "eve")
    page.goto(base + "/admin/newsroom/article/")
    waiting = page.locator("#changelist-filter a", has_text="Pending review (1)")
    expect(waiting).to_be_visible()
    waiting.click()
    page.get_by_role("link", name=story.headline).click()
    expect(page.locator(".bs-state-pending_review")).to_have_text("Pending review")
    due = timezone.localtime(clock.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    page.select_option("#id_status", "published")
    page.fill("#id_published_at_0", due.date().isoformat())
    page.fill("#id_published_at_1", due.strftime("%H:%M:%S"))
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    # Back on the filtered list it no longer waits; the scheduled queue has it.
    expect(page.locator("#changelist-filter a", has_text="Pending review (0)")).to_be_visible()
    page.locator("#changelist-filter a", has_text="Scheduled").click()
    row = page.locator("#result_list tr", has_text=story.headline)
    expect(row.locator(".bs-state-scheduled")).to_have_text("Scheduled")
    story.refresh_from_db()
    assert story.state == "scheduled" and story.published_at == due
    assert problems == [] and csp_violations(page) == []
    page.context.close()

    # Readers cannot see it before its time, and can from then on, with no one acting.
    reader = browser.new_context().new_page()
    cache.clear()
    assert reader.goto(base + story.get_absolute_url()).status == 404
    later = due + dt.timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    cache.clear()
    response = reader.goto(base + story.get_absolute_url())
    assert response is not None and response.status == 200
    expect(reader.locator("h1")).to_have_text(story.headline)
    reader.context.close()
