"""Double opt-in over a real SMTP server on loopback: the request, the mailed link, the Confirm
button, and every way a link can be bad; honeypot, rate limit, purge; the compact forms."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from freezegun import freeze_time

from broadsheet.audience import signup, tokens
from broadsheet.audience.models import PendingSignup, Subscriber, Subscription
from broadsheet.core import clock

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://news\.example(/newsletter/confirm/[^/\s]+/)")


def _signup(client: Client, email: str = "ada@example.org", lists=("daily", "breaking"), **extra):
    return client.post("/newsletter/", {"email": email, "lists": list(lists), "website": "", **extra})


def _link_in(message) -> str:
    found = LINK.search(message.get_body(("plain",)).get_content())
    assert found, message
    return found.group(1)


def test_the_page_lists_general_and_section_digests(client, section):
    response = client.get("/newsletter/?email=ada%40example.org")
    assert response.status_code == 200
    body = response.content.decode()
    for value in ("daily", "breaking", "section:business"):
        assert f'value="{value}"' in body
    assert 'value="ada@example.org"' in body
    assert "csrfmiddlewaretoken" in body


def test_double_opt_in_end_to_end(client, smtp, section):
    response = _signup(client, lists=("daily", "section:business"))
    assert response.status_code == 302 and response["Location"] == "/newsletter/check-your-inbox/"
    # Before the reader confirms only the pending request holds the address.
    assert Subscriber.objects.count() == 0
    assert PendingSignup.objects.get().email == "ada@example.org"
    [message] = smtp.accepted
    assert message["To"] == "ada@example.org"
    assert message.get_body(("html",)) is not None
    link = _link_in(message)

    # Opening the link (as a mail scanner does) confirms nothing.
    page = client.get(link)
    assert page.status_code == 200 and b">Confirm</button>" in page.content
    assert Subscriber.objects.count() == 0

    done = client.post(link)
    assert done.status_code == 200
    subscriber = Subscriber.objects.get(email="ada@example.org")
    assert set(Subscription.objects.filter(subscriber=subscriber).values_list("list_key", flat=True)) == {
        "daily",
        "section:business",
    }
    assert PendingSignup.objects.count() == 0
    # The link works once.
    assert client.post(link).status_code == 410


def test_a_forged_token_is_refused_and_stores_nothing(client, smtp):
    _signup(client)
    link = _link_in(smtp.accepted[0])
    token = link.split("/")[-2]
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, "nonsense", tokens.confirm_token("a-nonce-we-never-issued")[:-1]):
        response = client.post(f"/newsletter/confirm/{bad}/")
        assert response.status_code == 400, bad
        assert b"not valid" in response.content
    assert Subscriber.objects.count() == 0


def test_a_signed_token_for_an_unknown_request_is_gone(client):
    response = client.get(f"/newsletter/confirm/{tokens.confirm_token('never-issued')}/")
    assert response.status_code == 410
    assert Subscriber.objects.count() == 0


def test_an_expired_link_is_refused_and_the_request_purged(client, smtp, settings):
    settings.BROADSHEET_SIGNUP_HOURS = 48
    with freeze_time(clock.now() - dt.timedelta(hours=49)):
        _signup(client)
    link = _link_in(smtp.accepted[0])
    response = client.post(link)
    assert response.status_code == 410
    assert b"expired" in response.content
    assert Subscriber.objects.count() == 0
    assert signup.purge_expired() == 1
    assert PendingSignup.objects.count() == 0


def test_purge_keeps_requests_still_in_time(db):
    signup.request_signup("fresh@example.org", ["daily"])
    assert signup.purge_expired() == 0
    assert PendingSignup.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not-an-address", "lists": ["daily"]},
        {"email": "", "lists": ["daily"]},
        {"email": "ada@example.org"},
        {"email": "ada@example.org", "lists": ["no-such-list"]},
    ],
)
def test_bad_input_stores_and_sends_nothing(client, smtp, data):
    response = client.post("/newsletter/", data)
    assert response.status_code == 400
    assert PendingSignup.objects.count() == 0
    assert smtp.accepted == []


def test_the_honeypot_looks_like_success_and_does_nothing(client, smtp):
    response = _signup(client, website="http://spam.example")
    assert response.status_code == 302
    assert PendingSignup.objects.count() == 0
    assert smtp.accepted == []


def test_signups_are_rate_limited_per_connection(client, smtp, settings):
    settings.BROADSHEET_SIGNUP_RATE = 2
    assert _signup(client, "a@example.org").status_code == 302
    assert _signup(client, "b@example.org").status_code == 302
    refused = _signup(client, "c@example.org")
    assert refused.status_code == 429
    assert PendingSignup.objects.count() == 2


def test_confirming_again_rejoins_after_unsubscribing(client, smtp):
    _signup(client, lists=("daily",))
    client.post(_link_in(smtp.accepted[0]))
    subscriber = Subscriber.objects.get()
    signup.unsubscribe(subscriber)
    _signup(client, lists=("breaking",))
    client.post(_link_in(smtp.accepted[1]))
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None
    assert list(subscriber.subscriptions.values_list("list_key", flat=True)) == ["breaking"]


def test_the_compact_form_needs_no_query_and_no_token(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("audience/compact_form.html", {"where": "footer"})
    assert 'method="get" action="/newsletter/"' in html
    assert "csrf" not in html


def test_article_and_home_keep_the_compact_form_in_the_page_cache(client, make_article):
    article = make_article()
    for url in ("/", article.get_absolute_url()):
        first, second = client.get(url), client.get(url)
        assert first.status_code == 200
        assert second["X-Cache"] == "HIT", url
        assert b'class="newsletter-compact"' in second.content
        assert b"csrfmiddlewaretoken" not in second.content
    assert b'id="newsletter-email-article"' in client.get(article.get_absolute_url()).content
