"""Subscribing in a real browser: the footer form, the full form, the confirmation e-mail
caught by a real SMTP server on loopback, its link, the Confirm button."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from broadsheet.audience.models import PendingSignup, Subscriber
from broadsheet.core import email_url
from tests.audience.conftest import Sink, free_port

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"


@pytest.fixture
def smtp(settings, live_server) -> Iterator[Sink]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = email_url.SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.BROADSHEET_SITE_URL = live_server.url
    try:
        yield sink
    finally:
        controller.stop()


def test_subscribe_from_the_footer_and_confirm(page, live_server, smtp, make_article):
    article = make_article(headline="Harbor reopens after the storm")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + article.get_absolute_url())

    footer = page.locator(".site-footer form.newsletter-compact")
    footer.get_by_label("Get the newsletter").fill("reader@example.org")
    footer.get_by_role("button", name="Subscribe").click()

    expect(page).to_have_url(re.compile(r"/newsletter/\?email=reader%40example.org$"))
    expect(page.get_by_label("Your email address")).to_have_value("reader@example.org")
    page.get_by_label("Breaking news").check()
    page.screenshot(path=str(SHOTS / "newsletter-signup.png"), full_page=False)
    page.locator("#main").get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert Subscriber.objects.count() == 0 and PendingSignup.objects.count() == 1

    [message] = smtp.accepted
    link = re.search(r"(http://\S+/newsletter/confirm/\S+/)", message.get_body(("plain",)).get_content())
    assert link
    page.goto(link.group(1))
    assert Subscriber.objects.count() == 0  # opening the link confirms nothing
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="You are subscribed")).to_be_visible()
    page.screenshot(path=str(SHOTS / "newsletter-confirmed.png"), full_page=False)

    subscriber = Subscriber.objects.get(email="reader@example.org")
    assert sorted(subscriber.subscriptions.values_list("list_key", flat=True)) == ["breaking", "daily"]
    assert errors == []  # nothing refused by the CSP, no script errors
