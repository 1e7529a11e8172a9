"""Contact and takedown forms: storage, honeypot, rate limit, mail, article resolution, admin."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Sequence

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings

from broadsheet.inbox.forms import ContactForm, TakedownForm
from broadsheet.inbox.models import ContactMessage, TakedownRequest
from broadsheet.inbox.submissions import handle_page_form
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, ArticleSlugHistory, Page

VALID_CONTACT = {
    "name": "Ada Reader",
    "email": "ada@example.org",
    "subject": "A correction",
    "message": "The ferry leaves at nine, not ten.",
    "website": "",
}


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate-limit counters live in the cache, which outlives a test's database transaction.
    cache.clear()


@pytest.fixture
def contact_page(db) -> Page:
    return Page.objects.create(title="Contact us", slug="contact-us", form=Page.Form.CONTACT)


@pytest.fixture
def takedown_page(db) -> Page:
    return Page.objects.create(title="DMCA", slug="dmca", form=Page.Form.TAKEDOWN)


def _request(method: str, path: str, data: dict | None = None, ip: str = "203.0.113.9") -> HttpRequest:
    factory = RequestFactory()
    if method == "POST":
        request = factory.post(path, data or {}, REMOTE_ADDR=ip, HTTP_USER_AGENT="TestBrowser/1.0")
    else:
        request = factory.get(path, data or {}, REMOTE_ADDR=ip)
    # The session and message middleware the real stack runs before any view.
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    MessageMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def _render(request: HttpRequest, form: object, page: Page) -> str:
    return render_to_string("site/includes/page_form.html", {"form": form, "page": page}, request=request)


def _takedown_data(url: str, **overrides: str) -> dict[str, str]:
    data = {
        "name": "Rhea Owner",
        "email": "rhea@example.net",
        "organisation": "Owner Photo Ltd",
        "article_url": url,
        "work_description": "My photograph of the harbor at dawn, published on my portfolio.",
        "sworn_statement": "on",
        "signature": "Rhea Owner",
        "website": "",
    }
    data.update(overrides)
    return data


def test_page_without_form_gets_nothing(db) -> None:
    page = Page.objects.create(title="About", slug="about")
    assert handle_page_form(_request("GET", "/about/"), page) == (None, None)
    assert handle_page_form(_request("POST", "/about/", VALID_CONTACT), page) == (None, None)
    assert ContactMessage.objects.count() == 0


def test_get_shows_accessible_fields_and_csrf(contact_page: Page) -> None:
    request = _request("GET", "/contact-us/")
    form, response = handle_page_form(request, contact_page)
    assert isinstance(form, ContactForm)
    assert not form.is_bound
    assert response is None
    html = _render(request, form, contact_page)
    assert 'name="csrfmiddlewaretoken"' in html
    for field in ("name", "email", "subject", "message"):
        assert f'<label for="id_{field}">' in html
        assert re.search(rf'<(input|textarea)[^>]*name="{field}"[^>]*required', html)
    assert 'autocomplete="email"' in html
    assert 'autocomplete="name"' in html
    assert 'class="required-marker"' in html
    # The honeypot is in the markup but hidden by class, never by inline style (CSP).
    assert 'class="visually-hidden hp-field" aria-hidden="true"' in html
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', html)
    assert "style=" not in html
    assert "<script" not in html
    assert 'action="/contact-us/"' in html


def test_valid_post_stores_redirects_and_says_thanks(contact_page: Page) -> None:
    request = _request("POST", "/contact-us/", VALID_CONTACT)
    form, response = handle_page_form(request, contact_page)
    assert form is None
    assert response is not None
    assert response.status_code == 302
    assert response["Location"] == "/contact-us/?sent=1"
    stored = ContactMessage.objects.get()
    assert (stored.name, stored.email, stored.subject) == ("Ada Reader", "ada@example.org", "A correction")
    assert stored.message == VALID_CONTACT["message"]
    assert stored.user_agent == "TestBrowser/1.0"
    assert stored.handled is False
    # A keyed hash, never the address itself.
    assert len(stored.ip_hash) == 64
    assert "203.0.113.9" not in stored.ip_hash
    assert [m.message for m in get_messages(request)] == [ContactForm.sent_message]


def test_ip_hash_is_stable_per_address_and_differs_between_addresses(contact_page: Page) -> None:
    handle_page_form(_request("POST", "/contact-us/", VALID_CONTACT, ip="198.51.100.1"), contact_page)
    handle_page_form(_request("POST", "/contact-us/", VALID_CONTACT, ip="198.51.100.1"), contact_page)
    handle_page_form(_request("POST", "/contact-us/", VALID_CONTACT, ip="198.51.100.2"), contact_page)
    hashes = list(ContactMessage.objects.order_by("id").values_list("ip_hash", flat=True))
    assert hashes[0] == hashes[1] != hashes[2]


def test_sent_flag_shows_status_after_redirect(contact_page: Page) -> None:
    request = _request("GET", "/contact-us/", {"sent": "1"})
    form, _ = handle_page_form(request, contact_page)
    html = _render(request, form, contact_page)
    assert 'role="status"' in html
    assert "your message has been sent" in html


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("message", "Too short", "Ensure this value has at least 10 characters"),
        ("name", "", "This field is required."),
        ("subject", "x" * 201, "Ensure this value has at most 200 characters"),
    ],
)
def test_invalid_post_shows_errors_tied_to_fields_and_stores_nothing(
    contact_page: Page, field: str, value: str, error: str
) -> None:
    request = _request("POST", "/contact-us/", {**VALID_CONTACT, field: value})
    form, response = handle_page_form(request, contact_page)
    assert response is None
    assert form is not None
    assert form.is_bound
    assert field in form.errors
    assert ContactMessage.objects.count() == 0
    html = _render(request, form, contact_page)
    assert error in html
    # The error list has an id and the field points at it, so screen readers read it out.
    assert f'id="id_{field}_error"' in html
    assert re.search(rf'name="{field}"[^>]*aria-describedby="id_{field}_error"', html) or re.search(
        rf'aria-describedby="id_{field}_error"[^>]*name="{field}"', html
    )
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html
    # What the reader typed comes back (minus the error) so nothing is lost.
    if field != "name":
        assert "Ada Reader" in html


def test_honeypot_pretends_success_and_stores_nothing(contact_page: Page, takedown_page: Page) -> None:
    request = _request("POST", "/contact-us/", {**VALID_CONTACT, "website": "http://spam.example"})
    form, response = handle_page_form(request, contact_page)
    assert form is None
    assert response is not None
    assert response["Location"] == "/contact-us/?sent=1"
    assert ContactMessage.objects.count() == 0
    assert len(mail.outbox) == 0

    request = _request("POST", "/dmca/", _takedown_data("https://x.example/a/b/", website="spam"))
    form, response = handle_page_form(request, takedown_page)
    assert response is not None
    assert response["Location"] == "/dmca/?sent=1"
    assert TakedownRequest.objects.count() == 0


def test_fourth_post_in_window_is_refused(contact_page: Page) -> None:
    for _ in range(3):
        _, response = handle_page_form(_request("POST", "/contact-us/", VALID_CONTACT), contact_page)
        assert response is not None
    request = _request("POST", "/contact-us/", VALID_CONTACT)
    form, response = handle_page_form(request, contact_page)
    assert response is None
    assert form is not None
    assert form.rate_limited is True
    assert "try again later" in " ".join(form.non_field_errors())
    assert ContactMessage.objects.count() == 3
    html = _render(request, form, contact_page)
    assert "Please try again later." in html
    # Another address, and the other form kind, have their own allowance.
    _, response = handle_page_form(
        _request("POST", "/contact-us/", VALID_CONTACT, ip="192.0.2.77"), contact_page
    )
    assert response is not None
    assert ContactMessage.objects.count() == 4


@override_settings(BROADSHEET_CONTACT_RATE=1)
def test_rate_is_read_from_settings_and_counted_per_form_kind(
    contact_page: Page, takedown_page: Page
) -> None:
    _, response = handle_page_form(_request("POST", "/contact-us/", VALID_CONTACT), contact_page)
    assert response is not None
    form, response = handle_page_form(_request("POST", "/contact-us/", VALID_CONTACT), contact_page)
    assert response is None
    assert form is not None
    assert form.rate_limited
    _, response = handle_page_form(
        _request("POST", "/dmca/", _takedown_data("https://x.example/a/b/")), takedown_page
    )
    assert response is not None
    assert TakedownRequest.objects.count() == 1


def test_invalid_posts_do_not_use_up_the_allowance(contact_page: Page) -> None:
    for _ in range(5):
        handle_page_form(_request("POST", "/contact-us/", {**VALID_CONTACT, "email": "bad"}), contact_page)
    _, response = handle_page_form(_request("POST", "/contact-us/", VALID_CONTACT), contact_page)
    assert response is not None
    assert ContactMessage.objects.count() == 1


@override_settings(EMAIL_HOST="smtp.test", BROADSHEET_CONTACT_EMAIL="desk@example.com")
def test_mail_sent_when_configured(contact_page: Page) -> None:
    handle_page_form(
        _request("POST", "/contact-us/", {**VALID_CONTACT, "subject": "Line one\r\nBcc: x@evil.example"}),
        contact_page,
    )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["desk@example.com"]
    assert sent.reply_to == ["ada@example.org"]
    # A reader's line breaks never reach a header.
    assert sent.subject == "[Contact] Line one Bcc: x@evil.example"
    assert "The ferry leaves at nine" in sent.body
    assert ContactMessage.objects.count() == 1


@override_settings(EMAIL_HOST="smtp.test", BROADSHEET_CONTACT_EMAIL="", ADMINS=[("Ed", "ed@example.com")])
def test_mail_falls_back_to_admins(contact_page: Page) -> None:
    handle_page_form(_request("POST", "/contact-us/", VALID_CONTACT), contact_page)
    assert [m.to for m in mail.outbox] == [["ed@example.com"]]


@override_settings(EMAIL_HOST="")
def test_no_mail_when_not_configured(contact_page: Page) -> None:
    _, response = handle_page_form(_request("POST", "/contact-us/", VALID_CONTACT), contact_page)
    assert response is not None
    assert mail.outbox == []
    assert ContactMessage.objects.count() == 1


class FailingEmailBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@override_settings(
    EMAIL_HOST="smtp.test",
    BROADSHEET_CONTACT_EMAIL="desk@example.com",
    EMAIL_BACKEND="tests.inbox.test_inbox.FailingEmailBackend",
)
def test_mail_failure_is_logged_and_message_still_stored(
    contact_page: Page, caplog: pytest.LogCaptureFixture
) -> None:
    request = _request("POST", "/contact-us/", VALID_CONTACT)
    _, response = handle_page_form(request, contact_page)
    assert response is not None
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 1
    assert "Could not email the desk" in caplog.text
    assert [m.message for m in get_messages(request)] == [ContactForm.sent_message]


def test_takedown_resolves_article_from_url(takedown_page: Page, make_article) -> None:
    article = make_article()
    url = f"https://news.example.com/{article.section.slug}/{article.slug}/?utm_source=x#top"
    request = _request("POST", "/dmca/", _takedown_data(url))
    form, response = handle_page_form(request, takedown_page)
    assert form is None
    assert response is not None
    assert response["Location"] == "/dmca/?sent=1"
    takedown = TakedownRequest.objects.get()
    assert takedown.article == article
    assert takedown.status == TakedownRequest.Status.OPEN
    assert takedown.sworn_statement is True
    assert takedown.signature == "Rhea Owner"
    assert takedown.organisation == "Owner Photo Ltd"
    assert [m.message for m in get_messages(request)] == [TakedownForm.sent_message]


def test_takedown_resolves_old_slug_and_tolerates_unknown_urls(takedown_page: Page, make_article) -> None:
    article = make_article()
    ArticleSlugHistory.objects.create(slug="the-old-headline", article=article)
    handle_page_form(
        _request("POST", "/dmca/", _takedown_data("http://news.example.com/business/the-old-headline")),
        takedown_page,
    )
    handle_page_form(
        _request(
            "POST", "/dmca/", _takedown_data("https://news.example.com/no/such-story/", email="b@x.org")
        ),
        takedown_page,
    )
    handle_page_form(
        _request("POST", "/dmca/", _takedown_data("https://news.example.com/about/", email="c@x.org")),
        takedown_page,
    )
    found = list(TakedownRequest.objects.order_by("id").values_list("article_id", flat=True))
    assert found == [article.pk, None, None]


def test_takedown_requires_the_sworn_statement(takedown_page: Page) -> None:
    data = _takedown_data("https://news.example.com/business/x/")
    del data["sworn_statement"]
    request = _request("POST", "/dmca/", data)
    form, response = handle_page_form(request, takedown_page)
    assert response is None
    assert form is not None
    assert "sworn_statement" in form.errors
    assert TakedownRequest.objects.count() == 0
    html = _render(request, form, takedown_page)
    assert "tick the box to confirm it" in html
    assert 'id="id_sworn_statement_error"' in html
    assert 'type="checkbox"' in html
    assert 'autocomplete="organization"' in html


@pytest.fixture
def admin_client(db) -> Client:
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw-editor-123")
    client = Client()
    client.force_login(user)
    return client


def test_admin_withdraw_action_takes_the_article_down(admin_client: Client, make_article) -> None:
    article = make_article()
    assert Article.objects.published().filter(pk=article.pk).exists()
    with_article = TakedownRequest.objects.create(
        name="Rhea",
        email="r@example.net",
        article_url=f"https://news.example.com{article.get_absolute_url()}",
        work_description="Photo",
        sworn_statement=True,
        signature="Rhea",
    )
    without_article = TakedownRequest.objects.create(
        name="Sam",
        email="s@example.net",
        article_url="https://elsewhere.example/x/y/",
        work_description="Text",
        sworn_statement=True,
        signature="Sam",
    )
    assert with_article.article == article
    response = admin_client.post(
        "/admin/inbox/takedownrequest/",
        {"action": "withdraw_articles", "_selected_action": [with_article.pk, without_article.pk]},
        follow=True,
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    assert not article.is_public
    assert not Article.objects.published().filter(pk=article.pk).exists()
    with_article.refresh_from_db()
    without_article.refresh_from_db()
    assert with_article.status == TakedownRequest.Status.WITHDRAWN
    assert with_article.handled_at is not None
    assert without_article.status == TakedownRequest.Status.OPEN
    shown = [str(m) for m in response.context["messages"]]
    assert any("Withdrew 1 article(s)" in m and article.headline in m for m in shown)
    assert any("point at no article" in m for m in shown)


def test_admin_reject_action_leaves_article_public(admin_client: Client, make_article) -> None:
    article = make_article()
    takedown = TakedownRequest.objects.create(
        name="Rhea",
        email="r@example.net",
        article_url=f"https://news.example.com{article.get_absolute_url()}",
        work_description="Photo",
        sworn_statement=True,
        signature="Rhea",
    )
    response = admin_client.post(
        "/admin/inbox/takedownrequest/",
        {"action": "reject_requests", "_selected_action": [takedown.pk]},
        follow=True,
    )
    assert "Rejected 1 request(s)" in response.content.decode()
    takedown.refresh_from_db()
    assert takedown.status == TakedownRequest.Status.REJECTED
    assert takedown.handled_at is not None
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_admin_pages_list_filter_and_link(admin_client: Client, make_article) -> None:
    article = make_article()
    takedown = TakedownRequest.objects.create(
        name="Rhea",
        email="r@example.net",
        article_url=f"https://news.example.com{article.get_absolute_url()}",
        work_description="Photo",
        sworn_statement=True,
        signature="Rhea",
    )
    response = admin_client.get("/admin/inbox/takedownrequest/?status__exact=open")
    assert response.status_code == 200
    assert f'href="{article.get_absolute_url()}"' in response.content.decode()
    response = admin_client.get(f"/admin/inbox/takedownrequest/{takedown.pk}/change/")
    assert response.status_code == 200
    assert article.headline in response.content.decode()


def test_admin_contact_list_search_and_mark_handled(admin_client: Client) -> None:
    first = ContactMessage.objects.create(name="Ada", email="a@x.org", subject="Ferry", message="x" * 20)
    ContactMessage.objects.create(name="Bo", email="b@x.org", subject="Bridge", message="y" * 20)
    response = admin_client.get("/admin/inbox/contactmessage/?q=Ferry")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ferry" in body
    assert "Bridge" not in body
    response = admin_client.get("/admin/inbox/contactmessage/?handled__exact=0")
    assert response.status_code == 200
    assert admin_client.get("/admin/inbox/contactmessage/add/").status_code == 403
    response = admin_client.post(
        "/admin/inbox/contactmessage/",
        {"action": "mark_handled", "_selected_action": [first.pk]},
        follow=True,
    )
    assert "Marked 1 message(s) as handled." in response.content.decode()
    assert list(ContactMessage.objects.filter(handled=True)) == [first]


def test_withdraw_keeps_requests_linked_after_article_deleted(make_article) -> None:
    article = make_article()
    takedown = TakedownRequest.objects.create(
        name="R",
        email="r@example.net",
        article_url=f"https://news.example.com{article.get_absolute_url()}",
        work_description="Photo",
        sworn_statement=True,
        signature="R",
    )
    services.delete_article(article)
    takedown.refresh_from_db()
    assert takedown.article is None


# --- Through the real page view at /<slug>/ -----------------------------------------------------


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def test_contact_page_round_trip_with_csrf(contact_page: Page) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.get("/contact-us/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form class="form" method="post" action="/contact-us/"' in html
    assert '<label for="id_email">' in html
    token = _csrf_token(html)
    response = client.post("/contact-us/", {**VALID_CONTACT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == "/contact-us/?sent=1"
    assert ContactMessage.objects.count() == 1
    response = client.get(response["Location"])
    body = response.content.decode()
    assert ContactForm.sent_message in body
    # The message is shown once, then gone.
    assert ContactForm.sent_message not in client.get("/contact-us/?sent=1").content.decode()


def test_each_visitor_gets_a_working_token(contact_page: Page) -> None:
    """A form page must never come from the shared page cache with someone else's token."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/contact-us/")
    token = _csrf_token(second.get("/contact-us/").content.decode())
    response = second.post("/contact-us/", {**VALID_CONTACT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_invalid_post_through_view_shows_errors(contact_page: Page) -> None:
    response = Client().post("/contact-us/", {**VALID_CONTACT, "email": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'aria-describedby="id_email_error"' in html
    assert ContactMessage.objects.count() == 0


def test_rate_limited_post_through_view(contact_page: Page) -> None:
    client = Client()
    for _ in range(3):
        assert client.post("/contact-us/", VALID_CONTACT).status_code == 302
    response = client.post("/contact-us/", VALID_CONTACT)
    assert response.status_code in (200, 429)
    assert "Please try again later." in response.content.decode()
    assert ContactMessage.objects.count() == 3


def test_takedown_page_through_view(takedown_page: Page, make_article) -> None:
    article = make_article()
    client = Client()
    html = client.get("/dmca/").content.decode()
    assert 'name="sworn_statement"' in html
    assert 'name="signature"' in html
    url = f"https://news.example.com{article.get_absolute_url()}"
    response = client.post("/dmca/", _takedown_data(url))
    assert response.status_code == 302
    assert TakedownRequest.objects.get().article == article
