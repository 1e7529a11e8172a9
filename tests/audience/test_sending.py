"""Sending an issue to a real SMTP server on loopback: headers and parts, one-click unsubscribe,
a server answering 421/451 then recovering, permanent failures, and a reader leaving mid-send."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from broadsheet.audience import compose, digest, sending
from broadsheet.audience.models import Delivery, Issue, Subscriber, Subscription
from broadsheet.core import clock, email_url

pytestmark = pytest.mark.django_db


def make_subscribers(n: int, list_key: str = "daily") -> list[Subscriber]:
    now = clock.now()
    subscribers = Subscriber.objects.bulk_create(
        [Subscriber(email=f"reader{i:05d}@example.org", confirmed_at=now) for i in range(n)]
    )
    subscribers = list(Subscriber.objects.order_by("id"))
    Subscription.objects.bulk_create([Subscription(subscriber=s, list_key=list_key) for s in subscribers])
    return subscribers


@pytest.fixture
def issue(make_article) -> Issue:
    make_article(headline="Ferry plan approved")
    built = digest.build("daily", dt.date.today())
    if built is None:  # early in the morning the fixture's story may fall on yesterday
        built = digest.build(
            "daily", clock.now().astimezone(digest.day_bounds(dt.date.today())[0].tzinfo).date()
        )
    assert built is not None
    return built


@pytest.fixture
def fast_retries(settings):
    settings.BROADSHEET_NEWSLETTER_BACKOFF_SECONDS = 0.05
    settings.BROADSHEET_NEWSLETTER_MAX_ATTEMPTS = 5


def test_every_message_has_both_parts_and_one_click_headers(smtp, issue):
    [reader] = make_subscribers(1)
    sending.start(issue)
    counts = sending.send(issue)
    assert counts["sent"] == 1
    [message] = smtp.accepted
    url = f"https://news.example/newsletter/unsubscribe/{reader.unsubscribe_key}/"
    assert str(message["List-Unsubscribe"]).strip() == f"<{url}>"  # folded: it is long
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ferry plan approved" in text and "Ferry plan approved" in html
    assert url in text and url in html  # the visible link, personalised
    assert compose.UNSUBSCRIBE_MARK not in text + html
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT and issue.sent_at is not None


def test_one_click_unsubscribe_is_a_post_without_cookie_or_token(smtp, issue):
    [reader] = make_subscribers(1)
    browserless = Client(enforce_csrf_checks=True)
    url = f"/newsletter/unsubscribe/{reader.unsubscribe_key}/"
    response = browserless.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.unsubscribed_at is not None
    assert not Subscription.objects.filter(subscriber=reader).exists()


def test_the_visible_link_asks_before_unsubscribing(client):
    [reader] = make_subscribers(1)
    url = f"/newsletter/unsubscribe/{reader.unsubscribe_key}/"
    page = client.get(url)
    assert page.status_code == 200 and b">Unsubscribe</button>" in page.content
    # It shows the reader's address: the page cache must never share it.
    assert "private" in page["Cache-Control"] and client.get(url).get("X-Cache") != "HIT"
    reader.refresh_from_db()
    assert reader.unsubscribed_at is None
    assert client.post(url).status_code == 200
    reader.refresh_from_db()
    assert reader.unsubscribed_at is not None


def test_an_unknown_unsubscribe_key_is_404(client):
    assert client.get("/newsletter/unsubscribe/not-a-key/").status_code == 404
    assert Client(enforce_csrf_checks=True).post("/newsletter/unsubscribe/not-a-key/").status_code == 404


def test_a_server_answering_421_and_451_then_recovering_loses_nobody(smtp, issue, fast_retries):
    make_subscribers(3)
    smtp.script = ["421 4.7.0 try again later", "451 4.3.0 local error", "451 4.3.0 again"]
    sending.start(issue)
    counts = sending.send(issue)
    assert counts == {"pending": 0, "sent": 3, "failed": 0, "suppressed": 0}
    assert sorted(smtp.recipients()) == [f"reader{i:05d}@example.org" for i in range(3)]
    assert smtp.refused == 3
    assert sum(Delivery.objects.values_list("attempts", flat=True)) == 6


def test_a_permanent_refusal_fails_that_delivery_and_the_issue_says_so(smtp, issue, fast_retries):
    make_subscribers(2)
    smtp.script = ["550 5.1.1 no such user"]
    sending.start(issue)
    counts = sending.send(issue)
    assert counts["sent"] == 1 and counts["failed"] == 1
    failed = Delivery.objects.get(state=Delivery.State.FAILED)
    assert failed.attempts == 1 and failed.last_error.startswith("550")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.FAILED  # never shown as "sent"


def test_too_many_temporary_failures_end_in_failed(smtp, issue, fast_retries, settings):
    settings.BROADSHEET_NEWSLETTER_MAX_ATTEMPTS = 2
    make_subscribers(1)
    smtp.script = ["451 4.3.0 busy", "451 4.3.0 busy"]
    sending.start(issue)
    assert sending.send(issue)["failed"] == 1
    assert smtp.accepted == []


def test_an_unreachable_server_is_retried_not_lost(settings, issue, fast_retries):
    from .conftest import free_port

    settings.EMAIL_BACKEND = email_url.SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    settings.BROADSHEET_NEWSLETTER_MAX_ATTEMPTS = 2
    make_subscribers(1)
    sending.start(issue)
    counts = sending.send(issue)
    assert counts["failed"] == 1
    assert "Connection" in Delivery.objects.get().last_error or "Errno" in Delivery.objects.get().last_error


def test_a_reader_who_unsubscribes_during_the_send_gets_nothing_more(smtp, issue, settings):
    settings.BROADSHEET_NEWSLETTER_BATCH = 2
    readers = make_subscribers(6)
    leaver = readers[4]

    def leave_after_first(sent: int) -> None:
        if sent == 1:
            Client(enforce_csrf_checks=True).post(
                f"/newsletter/unsubscribe/{leaver.unsubscribe_key}/",
                "List-Unsubscribe=One-Click",
                content_type="application/x-www-form-urlencoded",
            )

    sending.start(issue)
    counts = sending.send(issue, on_sent=leave_after_first)
    assert counts == {"pending": 0, "sent": 5, "failed": 0, "suppressed": 1}
    assert leaver.email not in smtp.recipients()
    assert Delivery.objects.get(subscriber=leaver).state == Delivery.State.SUPPRESSED


def test_starting_twice_adds_no_second_delivery(smtp, issue):
    make_subscribers(3)
    assert sending.start(issue) == 3
    assert sending.start(issue) == 0
    sending.send(issue)
    sending.send(issue)
    assert len(smtp.accepted) == 3


def test_the_rate_limit_paces_messages(smtp, issue, settings):
    settings.BROADSHEET_NEWSLETTER_RATE = 20.0
    make_subscribers(6)
    sending.start(issue)
    import time

    started = time.monotonic()
    sending.send(issue)
    assert time.monotonic() - started >= 5 / 20.0
    assert len(smtp.accepted) == 6


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", ("console", "", 0, False, False)),
        ("console://", ("console", "", 0, False, False)),
        ("smtp://mail.example", ("smtp", "mail.example", 25, False, False)),
        ("smtp+tls://me:p%40ss@mail.example:2525", ("smtp", "mail.example", 2525, True, False)),
        ("smtp+ssl://mail.example", ("smtp", "mail.example", 465, False, True)),
    ],
)
def test_email_url_parsing(url, expected):
    config = email_url.parse(url)
    kind = "console" if config.is_console else "smtp"
    assert (kind, config.host, config.port, config.use_tls, config.use_ssl) == expected
    if "p%40ss" in url:
        assert (config.user, config.password) == ("me", "p@ss")


@pytest.mark.parametrize(
    "url", ["http://mail.example", "smtp://", "smtp://host:notaport", "smtp://host:99999"]
)
def test_bad_email_urls_are_refused(url):
    with pytest.raises(ValueError):
        email_url.parse(url)
