"""One message per recipient from an issue rendered once: only the unsubscribe link differs.

Every message carries a plain-text part beside the HTML, RFC 8058's List-Unsubscribe and
List-Unsubscribe-Post headers, and the same link visibly in both parts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from broadsheet.audience.models import Issue

# Put in the rendered issue where each recipient's unsubscribe URL goes.
UNSUBSCRIBE_MARK = "%%UNSUBSCRIBE_URL%%"
# The signature separator above the plain-text part's footer (audience/email/digest.txt).
TEXT_FOOTER_RULE = "-- "


def unsubscribe_url(key: str) -> str:
    return str(settings.BROADSHEET_SITE_URL).rstrip("/") + reverse("audience:unsubscribe", args=[key])


def message(issue: Issue, email: str, unsubscribe_key: str) -> EmailMultiAlternatives:
    url = unsubscribe_url(unsubscribe_key)
    built = EmailMultiAlternatives(
        subject=issue.subject,
        body=issue.text.replace(UNSUBSCRIBE_MARK, url),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<{issue.list_key.replace(':', '.')}.newsletter>",
        },
    )
    built.attach_alternative(issue.html.replace(UNSUBSCRIBE_MARK, url), "text/html")
    return built
