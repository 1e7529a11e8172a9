"""Public newsletter pages: signup, confirm, unsubscribe (incl. RFC 8058 one-click), archive.

The compact forms in the footer and after articles are GET forms to /newsletter/: those pages
sit in the full-page cache, and a CSRF token would make each one per-visitor (edge/pagecache
never stores a page that rendered one). /newsletter/ itself renders the token, is therefore
never cached, and takes the POST that asks for the confirmation e-mail.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from broadsheet.audience import compose, signup, tokens, vapid
from broadsheet.audience.forms import SignupForm
from broadsheet.audience.models import Issue, Subscriber
from broadsheet.core import ratelimit

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 600
ONE_CLICK_BODY = "One-Click"


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # Prefilled from a compact form's GET (?email=…), or empty.
        form = SignupForm(initial={"email": request.GET.get("email", "")[:254]})
        return _signup_page(request, form)
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _signup_page(request, form, status=400)
    ident = ratelimit.ip_hash(request)
    if ratelimit.hit("form:newsletter", ident, RATE_WINDOW_SECONDS) > int(settings.BROADSHEET_SIGNUP_RATE):
        form.add_error(None, "Several signups came from this connection lately. Please try again later.")
        return _signup_page(request, form, status=429)
    if form.is_spam():
        logger.info("Dropped a newsletter signup with the honeypot filled")
    else:
        signup.request_signup(form.cleaned_data["email"], form.cleaned_data["lists"])
    return HttpResponseRedirect(reverse("audience:check_inbox"))


def _signup_page(request: HttpRequest, form: SignupForm, status: int = 200) -> HttpResponse:
    # The push opt-in is offered only when the site has a VAPID key pair (push.js hides it
    # again in a browser without push).
    keys = vapid.keys()
    context = {"form": form, "push_key": keys.public_key if keys else ""}
    return render(request, "audience/subscribe.html", context, status=status)


def check_inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "audience/check_inbox.html")


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a Confirm button; only its POST subscribes, so a mail scanner that opens every
    link confirms nothing."""
    nonce = tokens.read_confirm_token(token)
    if nonce is tokens.Problem.FORGED:
        return render(request, "audience/link_problem.html", {"problem": "forged"}, status=400)
    pending = None if isinstance(nonce, tokens.Problem) else signup.find_pending(nonce)
    if pending is None:
        return render(request, "audience/link_problem.html", {"problem": "expired"}, status=410)
    if request.method != "POST":
        return render(request, "audience/confirm.html", {"pending": pending})
    signup.confirm(pending)
    return render(request, "audience/confirmed.html", {"email": pending.email})


@never_cache  # shows the reader's address: never shared by the page cache
@csrf_exempt  # RFC 8058: mail clients POST here with no cookie and no token; the key is the proof.
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, key: str) -> HttpResponse:
    subscriber = Subscriber.objects.filter(unsubscribe_key=key).first()
    if subscriber is None:
        return render(request, "audience/link_problem.html", {"problem": "unknown"}, status=404)
    if request.method != "POST":
        return render(request, "audience/unsubscribe.html", {"subscriber": subscriber})
    signup.unsubscribe(subscriber)
    if request.POST.get("List-Unsubscribe") == ONE_CLICK_BODY:
        return HttpResponse("Unsubscribed.\n", content_type="text/plain")
    return render(request, "audience/unsubscribed.html", {"email": subscriber.email})


# The archive and its issues are not in the page cache: nothing would purge them when an issue
# goes out (the page cache lives above this app), and they cost one query.
@never_cache
def archive(request: HttpRequest) -> HttpResponse:
    issues = Issue.objects.filter(status__in=[Issue.Status.SENT, Issue.Status.FAILED]).only(
        "subject", "list_key", "sent_at"
    )[:100]
    return render(request, "audience/archive.html", {"issues": issues})


@never_cache
def issue_page(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=issue_id)
    if issue.status not in (Issue.Status.SENT, Issue.Status.FAILED):
        raise Http404("Not sent yet")
    # The web copy leaves out the mail's footer (its personal unsubscribe link).
    text = issue.text.split(f"\n{compose.TEXT_FOOTER_RULE}\n")[0]
    return render(request, "audience/issue.html", {"issue": issue, "text": text})
