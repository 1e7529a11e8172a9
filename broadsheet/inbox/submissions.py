"""Contact and takedown forms on static pages: validate, rate-limit, store, notify."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.core.mail import BadHeaderError, EmailMessage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from broadsheet.core import ratelimit
from broadsheet.inbox.forms import ContactForm, TakedownForm, form_class
from broadsheet.inbox.models import ContactMessage, TakedownRequest
from broadsheet.newsroom.models import Page

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 600
USER_AGENT_MAX = 300
RATE_LIMITED_MESSAGE = (
    "You have sent several messages from this connection in the last few minutes. Please try again later."
)

PageForm = ContactForm | TakedownForm


def handle_page_form(request: HttpRequest, page: Page) -> tuple[PageForm | None, HttpResponse | None]:
    """The form for `page` and, after a successful POST, the redirect to send (PRG).

    GET: (empty form, None). POST: valid → stored, notified, (None, redirect to ?sent=1);
    invalid → (bound form with errors, None); over the rate limit → (form with a non-field
    error and `form.rate_limited` set, None), for the view to render with status 429.
    A page without a form gives (None, None).
    """
    cls = form_class(page.form)
    if cls is None:
        return None, None
    if request.method != "POST":
        return cls(), None

    form = cls(request.POST)
    if not form.is_valid():
        return form, None

    ident = ratelimit.ip_hash(request)
    limit = int(settings.BROADSHEET_CONTACT_RATE)
    if ratelimit.hit(f"form:{cls.kind}", ident, RATE_WINDOW_SECONDS) > limit:
        logger.info("Rate-limited a %s form on page %s", cls.kind, page.pk)
        form.add_error(None, RATE_LIMITED_MESSAGE)
        form.rate_limited = True
        return form, None

    redirect = HttpResponseRedirect(f"{page.get_absolute_url()}?sent=1")
    if form.is_spam():
        # Look exactly like success, so a bot has no signal to adapt to.
        logger.info("Dropped a %s form with the honeypot filled on page %s", cls.kind, page.pk)
        return None, redirect

    item = form.save(commit=False)
    item.ip_hash = ident
    if isinstance(item, ContactMessage):
        item.user_agent = str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX]
    item.save()
    notify_desk(item)
    messages.success(request, cls.sent_message)
    return None, redirect


def notify_desk(item: ContactMessage | TakedownRequest) -> None:
    """Email the desk about a new message when mail is configured; the row is already stored,
    so a mail failure is logged and costs nothing but the notification."""
    if not settings.EMAIL_HOST:
        return
    desk = str(settings.BROADSHEET_CONTACT_EMAIL or "")
    recipients = [desk] if desk else [address for _, address in settings.ADMINS]
    if not recipients:
        logger.warning("EMAIL_HOST is set but neither BROADSHEET_CONTACT_EMAIL nor ADMINS is")
        return
    subject, body = _compose(item)
    # EmailMessage rather than send_mail: a Reply-To of the sender lets the desk just answer.
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[item.email],
    )
    try:
        email.send()
    except (smtplib.SMTPException, OSError, BadHeaderError):
        logger.exception("Could not email the desk about %s %s", type(item).__name__, item.pk)


def _one_line(text: str, limit: int = 150) -> str:
    # Readers' text goes into a mail header: no line breaks, bounded length.
    return " ".join(text.split())[:limit]


def _compose(item: ContactMessage | TakedownRequest) -> tuple[str, str]:
    if isinstance(item, ContactMessage):
        subject = f"[Contact] {_one_line(item.subject)}"
        body = f"From: {item.name} <{item.email}>\nSubject: {item.subject}\n\n{item.message}\n"
        return subject, body
    article = f"{item.article} (id {item.article_id})" if item.article_id else "not found on this site"
    subject = f"[Takedown] {_one_line(item.article_url)}"
    body = (
        f"From: {item.name} <{item.email}>\n"
        f"Organisation: {item.organisation or '-'}\n"
        f"URL: {item.article_url}\n"
        f"Article: {article}\n"
        f"Signature: {item.signature}\n\n"
        f"Copyrighted work:\n{item.work_description}\n"
    )
    return subject, body
