"""Opting in to breaking-news alerts in real Chromium.

Two facts shape these tests. Chromium turns the Push API off in incognito profiles, which is
what a Playwright browser context is, so each test runs a persistent profile of its own. And
PushManager.subscribe() asks Google's push service (FCM) for an endpoint, unreachable offline:
the call never settles. So the first test lets the real call go out and checks what the page
gave it (the site's VAPID key, userVisibleOnly); the second stands in for the push service only,
handing the page a subscription the test made as a browser would (a P-256 key pair, an auth
secret, an endpoint on a loopback push service), and follows it end to end: the row kept, an
alert pushed and decrypted, the plaintext delivered to the service worker through the DevTools
protocol, the notification it shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import expect

from broadsheet.audience import alerts, vapid
from broadsheet.audience.models import PushSubscription
from tests.audience.pushservice import Browser, PushService
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.django_db(transaction=True)

# Records what the page hands PushManager.subscribe; with a stand-in subscription, answers
# with it instead of asking FCM.
RECORD_SUBSCRIBE = """
((standIn) => {
  const original = PushManager.prototype.subscribe;
  window.__subscribeCalls = [];
  PushManager.prototype.subscribe = function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.__subscribeCalls.push({
      userVisibleOnly: options.userVisibleOnly,
      key: btoa(String.fromCharCode(...key)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, ""),
    });
    if (!standIn) { return original.call(this, options); }
    return Promise.resolve({
      endpoint: standIn.endpoint,
      toJSON: () => standIn,
      unsubscribe: () => Promise.resolve(true),
    });
  };
})(%s);
"""
BUTTON = "Breaking news alerts on this device"


@pytest.fixture
def keys(settings) -> vapid.VapidKeys:
    scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    settings.BROADSHEET_VAPID_PRIVATE_KEY = vapid.b64url(scalar.to_bytes(32, "big"))
    found = vapid.keys()
    assert found is not None
    return found


@pytest.fixture
def profile(browser, tmp_path: Path, live_server) -> Iterator:
    """A persistent (not incognito) Chromium profile with notifications allowed for the site,
    from the session's Playwright (a second one would give the ORM calls a connection of its own)."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1366, "height": 900},
    )
    # Playwright grants it through the DevTools protocol's Browser.grantPermissions.
    context.grant_permissions(["notifications"], origin=live_server.url)
    try:
        yield context
    finally:
        context.close()


def _open(profile, live_server, stand_in: dict | None) -> tuple:
    profile.add_init_script(RECORD_SUBSCRIBE % json.dumps(stand_in))
    page = profile.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/newsletter/")
    return page, errors


def test_the_button_asks_the_push_service_with_the_sites_key(profile, live_server, keys):
    page, errors = _open(profile, live_server, None)
    button = page.get_by_role("button", name=BUTTON)
    expect(button).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == live_server.url + "/"

    # From the keyboard, and named for what it does (no axe-core offline: these are its checks
    # that matter here: a named button, a labelled region, a live status).
    expect(page.get_by_role("region", name="Alerts on this device")).to_be_visible()
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.__subscribeCalls.length > 0")
    assert page.evaluate("window.__subscribeCalls") == [{"userVisibleOnly": True, "key": keys.public_key}]
    # Offline, Chromium's call to FCM did not settle here (the page waits); should it fail
    # instead, the page says so. Either way nothing is stored.
    expect(page.locator(".push-optin__status")).to_have_text(
        re.compile(r"^(One moment…|Alerts could not be changed on this device: .+)$")
    )
    assert not PushSubscription.objects.exists()
    assert errors == []


def test_opting_in_then_an_alert_shows_a_notification(profile, live_server, keys, settings, make_article):
    settings.BROADSHEET_SITE_URL = live_server.url
    settings.BROADSHEET_NEWSLETTER_BACKOFF_SECONDS = 0
    service = PushService().start()
    try:
        device = Browser(service.url + "/device")
        page, errors = _open(profile, live_server, device.subscription_json())
        cdp = profile.new_cdp_session(page)
        registrations: list[dict] = []
        cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
        cdp.send("ServiceWorker.enable")

        page.get_by_role("button", name=BUTTON).click()
        status = page.get_by_role("status")
        expect(status).to_have_text("Alerts are on for this device.")
        expect(
            page.get_by_role("button", name="Turn off breaking news alerts on this device")
        ).to_be_visible()
        row = PushSubscription.objects.get()
        assert (row.endpoint, row.p256dh, row.auth) == (device.endpoint, device.p256dh, device.auth)

        article = make_article(headline="Dam spillway opened", dek="Residents downstream are told to move.")
        alerts.send_alert(article)
        [pushed] = service.to("/device")
        message = device.decrypt(pushed.body)

        # One registration, reported once per state change (installing, waiting, activated).
        [registration_id] = {
            r["registrationId"]
            for r in registrations
            if r["scopeURL"] == live_server.url + "/" and not r["isDeleted"]
        }
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live_server.url,
                "registrationId": registration_id,
                "data": json.dumps(message),
            },
        )
        shown = "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.map(n => ({title: n.title, body: n.body, url: n.data.url})))"
        page.wait_for_function(f"{shown}.then(ns => ns.length > 0)")
        assert page.evaluate(shown) == [
            {
                "title": "Dam spillway opened",
                "body": "Residents downstream are told to move.",
                "url": live_server.url + article.get_absolute_url(),
            }
        ]

        page.get_by_role("button", name="Turn off breaking news alerts on this device").click()
        expect(status).to_have_text("Alerts are off for this device.")
        assert not PushSubscription.objects.exists()
        assert errors == []
    finally:
        service.stop()
