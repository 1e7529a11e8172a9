"""Web Push alerts against a real push service on loopback: what goes on the wire (VAPID,
aes128gcm, TTL, urgency), what each answer does (201, 404/410, 429 then 201, 400), no device
pushed twice; the subscribe endpoint's refusals; the service worker; the key pair `init` keeps."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from py_vapid import Vapid02

from broadsheet.audience import alerts, pushsend, vapid
from broadsheet.audience.models import Issue, PushDelivery, PushSubscription
from broadsheet.core import clock

from .pushservice import Browser, PushService

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings) -> vapid.VapidKeys:
    settings.BROADSHEET_VAPID_PRIVATE_KEY = vapid.b64url(
        ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value.to_bytes(32, "big")
    )
    settings.BROADSHEET_VAPID_SUBJECT = "mailto:desk@example.org"
    settings.BROADSHEET_NEWSLETTER_BACKOFF_SECONDS = 0
    settings.BROADSHEET_SITE_URL = "https://news.example.org"
    found = vapid.keys()
    assert found is not None
    return found


@pytest.fixture
def service() -> Iterator[PushService]:
    running = PushService().start()
    yield running
    running.stop()


def subscribe(browser: Browser) -> PushSubscription:
    return PushSubscription.objects.create(
        endpoint=browser.endpoint, p256dh=browser.p256dh, auth=browser.auth
    )


def test_an_alert_is_pushed_encrypted_and_signed_and_each_answer_handled(
    keys, service, make_article, settings
):
    article = make_article(
        headline="Bridge closed after crash", dek="Traffic is diverted through the old town."
    )
    browsers = {path: Browser(service.url + path) for path in ["/ok", "/busy", "/gone", "/missing", "/bad"]}
    for browser in browsers.values():
        subscribe(browser)
    service.script = {"/busy": [429], "/gone": [410], "/missing": [404], "/bad": [400]}

    issue = alerts.send_alert(article)

    assert pushsend.progress(issue) == {"pending": 0, "sent": 2, "failed": 1, "gone": 2}
    assert len(service.to("/busy")) == 2 and len(service.to("/ok")) == 1
    # Gone for good: deleted. Refused otherwise: kept and counted.
    assert set(PushSubscription.objects.values_list("endpoint", flat=True)) == {
        service.url + p for p in ["/ok", "/busy", "/bad"]
    }
    bad = PushSubscription.objects.get(endpoint=service.url + "/bad")
    assert bad.failures == 1 and bad.last_error.startswith("400")
    assert PushSubscription.objects.get(endpoint=service.url + "/ok").last_success_at is not None
    busy = PushDelivery.objects.get(issue=issue, subscription__endpoint=service.url + "/busy")
    assert busy.state == "sent" and busy.attempts == 2

    [request] = service.to("/ok")
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert request.headers["TTL"] == str(settings.BROADSHEET_PUSH_TTL)
    assert request.headers["Urgency"] == "high"
    assert request.headers["Content-Type"] == "application/octet-stream"
    authorization = request.headers["Authorization"]
    assert authorization.startswith("vapid t=") and f"k={keys.public_key}" in authorization
    assert Vapid02.verify(authorization)
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["aud"] == service.url and claims["sub"] == "mailto:desk@example.org"
    assert claims["exp"] <= clock.now().timestamp() + 24 * 3600

    message = browsers["/ok"].decrypt(request.body)
    assert message == {
        "title": "Bridge closed after crash",
        "body": "Traffic is diverted through the old town.",
        "url": "https://news.example.org" + article.get_absolute_url(),
        "tag": f"alert-{article.pk}",
    }
    # Each device's message is encrypted for it alone.
    assert browsers["/busy"].decrypt(service.to("/busy")[1].body) == message


def test_no_device_gets_an_alert_twice(keys, service, make_article, settings):
    article = make_article()
    browsers = [Browser(f"{service.url}/device/{n}") for n in range(5)]
    for browser in browsers:
        subscribe(browser)
    issue = Issue.objects.create(list_key="breaking", subject="Breaking", alert_article_id=article.pk)
    assert pushsend.start(issue) == 5
    assert pushsend.start(issue) == 0  # started twice: still one row per device

    # A worker claims three and dies before pushing them; the next one waits out its lease.
    token, claimed = pushsend.claim(issue, 3)
    assert len(claimed) == 3
    first = pushsend.send(issue, wait=False)
    assert first["sent"] == 2 and first["pending"] == 3
    PushDelivery.objects.filter(claim_token=token).update(claimed_until=clock.now())
    assert pushsend.send(issue)["sent"] == 5
    assert pushsend.send(issue)["sent"] == 5  # a task run again finds nothing to do
    assert sorted(r.path for r in service.received) == sorted(f"/device/{n}" for n in range(5))


def test_retries_stop_after_the_last_attempt(keys, service, make_article, settings):
    settings.BROADSHEET_NEWSLETTER_MAX_ATTEMPTS = 2
    subscribe(Browser(service.url + "/down"))
    service.script = {"/down": [503, 503, 503]}
    issue = alerts.send_alert(make_article())
    assert pushsend.progress(issue)["failed"] == 1
    assert len(service.to("/down")) == 2
    assert PushSubscription.objects.get().failures == 1


def test_a_subscription_at_a_private_address_is_never_pushed(keys, service, make_article, settings):
    """Checked again at connect time: a row that got in (or a name that moved) is refused."""
    settings.BROADSHEET_PUSH_ALLOW_LOOPBACK = False
    subscribe(Browser(service.url + "/inside"))
    issue = alerts.send_alert(make_article())
    delivery = PushDelivery.objects.get(issue=issue)
    assert delivery.state == "failed" and "non-public" in delivery.last_error
    assert service.received == []


def test_a_withdrawn_article_is_not_pushed(keys, service, make_article):
    article = make_article()
    subscribe(Browser(service.url + "/x"))
    issue = Issue.objects.create(list_key="breaking", subject="Breaking", alert_article_id=article.pk)
    pushsend.start(issue)
    type(article).objects.filter(pk=article.pk).update(status="withdrawn")
    assert pushsend.send(issue)["failed"] == 1 and service.received == []


# --- Subscribing ---------------------------------------------------------------------------


def post(client: Client, name: str, data: object) -> tuple[int, dict]:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    response = client.post(reverse(name), body, content_type="application/json")
    return response.status_code, response.json()


def test_a_browser_subscribes_and_unsubscribes(keys, service, client):
    browser = Browser(service.url + "/me")
    assert post(client, "audience:push_subscribe", browser.subscription_json()) == (201, {"ok": True})
    assert post(client, "audience:push_subscribe", browser.subscription_json())[0] == 201
    row = PushSubscription.objects.get()
    assert (row.endpoint, row.p256dh, row.auth) == (browser.endpoint, browser.p256dh, browser.auth)

    stranger = {"endpoint": browser.endpoint, "keys": {"auth": Browser("x").auth}}
    assert post(client, "audience:push_unsubscribe", stranger) == (200, {"ok": True, "removed": False})
    assert post(client, "audience:push_unsubscribe", browser.subscription_json())[1]["removed"] is True
    assert not PushSubscription.objects.exists()


def _with(endpoint: str = "", **keys: str) -> dict:
    good = Browser(endpoint or "https://push.example.org/x").subscription_json()
    good["keys"].update(keys)  # type: ignore[union-attr]
    return good


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "The request is not JSON."),
        (b"[]", "The subscription has no endpoint."),
        (json.dumps({"endpoint": "https://push.example.org/" + "a" * 5000}).encode(), "over 4096 bytes"),
        (_with("http://push.example.org/x"), "must be an https URL"),
        (_with("ftp://push.example.org/x"), "must be an https URL"),
        (_with("https://10.1.2.3/x"), "private or reserved network"),
        (_with("https://192.168.0.7/x"), "private or reserved network"),
        (_with("https://[::1]/x"), "private or reserved network"),
        (_with("https://169.254.169.254/x"), "private or reserved network"),
        (_with("https://user:pw@push.example.org/x"), "not a URL with a host"),
        (_with("https://push.example.org/" + "é" * 300), "not a URL"),
        (_with(auth="c2hvcnQ"), "auth secret is not 16 bytes"),
        (_with(p256dh=vapid.b64url(b"\x04" + b"\x01" * 64)), "not a P-256 public key"),
        (_with(p256dh="!!!"), "not base64url"),
    ],
)
def test_bad_subscriptions_are_refused_with_a_reason(keys, client, settings, body, error):
    settings.BROADSHEET_PUSH_ALLOW_LOOPBACK = False
    status, answer = post(client, "audience:push_subscribe", body)
    assert status == 400 and answer["ok"] is False and error in answer["error"]
    assert not PushSubscription.objects.exists()


def test_loopback_endpoints_only_where_the_settings_allow_them(keys, client, settings):
    browser = Browser("http://127.0.0.1:9/push")
    settings.BROADSHEET_PUSH_ALLOW_LOOPBACK = False
    assert post(client, "audience:push_subscribe", browser.subscription_json())[0] == 400
    https_loopback = Browser("https://127.0.0.1:9/push").subscription_json()
    assert "private" in post(client, "audience:push_subscribe", https_loopback)[1]["error"]
    settings.BROADSHEET_PUSH_ALLOW_LOOPBACK = True
    assert post(client, "audience:push_subscribe", browser.subscription_json())[0] == 201


def test_a_huge_body_is_refused_unread(keys, client):
    response = client.post(
        reverse("audience:push_subscribe"), b"x" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400 and "over 4096 bytes" in response.json()["error"]


def test_subscribing_needs_the_pages_csrf_token(keys):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("audience:push_subscribe"),
        json.dumps(Browser("https://push.example.org/x").subscription_json()),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_no_keys_no_push(settings, client):
    settings.BROADSHEET_VAPID_PRIVATE_KEY = ""
    assert vapid.keys() is None
    status, _ = post(
        client, "audience:push_subscribe", Browser("https://push.example.org/x").subscription_json()
    )
    assert status == 404
    assert b"push-optin" not in client.get(reverse("audience:subscribe")).content


def test_the_newsletter_page_offers_the_opt_in(keys, client):
    page = client.get(reverse("audience:subscribe")).content.decode()
    assert f'data-key="{keys.public_key}"' in page and "Breaking news alerts on this device" in page
    assert 'class="push-optin" hidden' in page  # push.js shows it where the browser can push


def test_the_service_worker_is_served_at_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert b'addEventListener("push"' in response.content
    assert b"notificationclick" in response.content


def test_init_makes_one_key_pair_and_keeps_it(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.BROADSHEET_VAPID_PRIVATE_KEY = ""
    call_command("push_keys")
    first = vapid.keys()
    call_command("push_keys")
    assert first is not None and vapid.keys() == first
    assert stat.S_IMODE((tmp_path / vapid.KEY_FILE).stat().st_mode) == 0o600
    point = vapid.b64url_decode(first.public_key)
    assert len(point) == 65 and point[0] == 4


def test_the_admin_shows_the_push_audience_and_each_alerts_progress(
    admin_client, keys, service, make_article
):
    for path in ["/a", "/b", "/gone"]:
        subscribe(Browser(service.url + path))
    service.script = {"/gone": [410]}
    assert (
        "notification to the 3 browsers" in admin_client.get("/admin/audience/issue/alert/").content.decode()
    )

    article = make_article()
    response = admin_client.post("/admin/audience/issue/alert/", {"article": article.pk}, follow=True)
    assert "pushed to 3 device(s)" in response.content.decode()
    issue = Issue.objects.get(alert_article_id=article.pk)
    change = admin_client.get(f"/admin/audience/issue/{issue.pk}/change/").content.decode()
    assert "2 sent, 1 gone" in change
    listing = admin_client.get("/admin/audience/pushsubscription/").content.decode()
    assert "2 push subscriptions" in listing and service.url in listing


def test_subscribing_is_rate_limited_per_connection(keys, client):
    from broadsheet.audience.push_views import RATE_LIMIT

    offer = Browser("https://10.0.0.1/x").subscription_json()  # refused, and still counted
    statuses = [post(client, "audience:push_subscribe", offer)[0] for _ in range(RATE_LIMIT + 1)]
    assert statuses == [400] * RATE_LIMIT + [429]
