"""The newsletter admin: issues with their progress, preview, intro, test send and send; alerts
and their push progress; subscribers with export and erase (GDPR requests); push subscriptions."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.mail import get_connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from broadsheet.audience import alerts, compose, digest, privacy, pushsend, sending, webpush
from broadsheet.audience.models import Issue, PushSubscription, Subscriber, Subscription
from broadsheet.core import email_url
from broadsheet.newsroom.models import Article


def _console_warning(request: HttpRequest) -> None:
    if settings.EMAIL_BACKEND == email_url.CONSOLE_BACKEND:
        messages.warning(
            request,
            "E-mail goes to the console: set BROADSHEET_EMAIL_URL (smtp+tls://user:pass@host:587) to send for real.",
        )


class AlertForm(forms.Form):
    article = forms.ModelChoiceField(
        queryset=Article.objects.none(), help_text="Recent published articles that had no alert yet."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        alerted = Issue.objects.exclude(alert_article_id=None).values_list("alert_article_id", flat=True)
        field = self.fields["article"]
        assert isinstance(field, forms.ModelChoiceField)
        recent = list(
            Article.objects.published()
            .exclude(pk__in=alerted)
            .latest_first()
            .values_list("pk", flat=True)[:50]
        )
        field.queryset = Article.objects.filter(pk__in=recent).latest_first()


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "list_key", "status", "progress_summary", "push_summary", "sent_at"]
    list_filter = ["status", "list_key"]
    fields = [
        "subject",
        "intro",
        "list_key",
        "status",
        "progress_summary",
        "push_summary",
        "preview_link",
        "sent_at",
    ]
    readonly_fields = ["list_key", "status", "progress_summary", "push_summary", "preview_link", "sent_at"]
    actions = ["send_test", "send_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issues come from the digest and from alerts

    @admin.display(description="progress")
    def progress_summary(self, issue: Issue) -> str:
        if issue.status == Issue.Status.DRAFT:
            return "not sent"
        counts = sending.progress(issue)
        return ", ".join(f"{n} {state}" for state, n in counts.items() if n) or "no recipients"

    @admin.display(description="push")
    def push_summary(self, issue: Issue) -> str:
        """Alerts only: devices per state (gone = the push service said the browser left)."""
        if issue.alert_article_id is None:
            return "–"
        counts = pushsend.progress(issue)
        return ", ".join(f"{n} {state}" for state, n in counts.items() if n) or "no devices"

    @admin.display(description="preview")
    def preview_link(self, issue: Issue) -> str:
        from django.utils.html import format_html

        return format_html(
            '<a href="{}">Open the HTML preview</a>', reverse("admin:audience_issue_preview", args=[issue.pk])
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        _console_warning(request)
        extra = {"alert_url": reverse("admin:audience_issue_alert")} | (extra_context or {})
        return super().changelist_view(request, extra)

    def save_model(self, request: HttpRequest, obj: Issue, form: Any, change: bool) -> None:
        if obj.status != Issue.Status.DRAFT:
            messages.error(request, "This issue is being or has been sent: it can no longer change.")
            return
        digest.rerender(obj) if obj.pk else super().save_model(request, obj, form, change)

    def get_urls(self) -> list:
        own = [
            path(
                "<int:issue_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="audience_issue_preview",
            ),
            path("alert/", self.admin_site.admin_view(self.alert_view), name="audience_issue_alert"),
        ]
        return own + super().get_urls()

    def preview_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        issue = get_object_or_404(Issue, pk=issue_id)
        return HttpResponse(issue.html.replace(compose.UNSUBSCRIBE_MARK, "#unsubscribe-preview"))

    def alert_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("audience.change_issue"):
            return HttpResponse(status=403)
        form = AlertForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                issue = alerts.send_alert(form.cleaned_data["article"])
            except alerts.AlertRefused as exc:
                messages.error(request, str(exc))
            else:
                devices = sum(pushsend.progress(issue).values())  # however far the workers got
                messages.success(
                    request,
                    f"Alert “{issue.subject}” is being sent to the breaking-news list"
                    f" and pushed to {devices} device(s).",
                )
                return HttpResponseRedirect(reverse("admin:audience_issue_change", args=[issue.pk]))
        _console_warning(request)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Send a breaking-news alert",
            "push_devices": PushSubscription.objects.count(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/audience/alert.html", context)

    @admin.action(description="Send a test of the selected issues to me")
    def send_test(self, request: HttpRequest, queryset: QuerySet[Issue]) -> None:
        address = getattr(request.user, "email", "")
        if not address:
            messages.error(request, "Your account has no e-mail address to send the test to.")
            return
        with get_connection(fail_silently=False) as connection:
            for issue in queryset:
                test = compose.message(issue, address, "test-preview")
                test.subject = f"[TEST] {test.subject}"
                connection.send_messages([test])
        messages.success(request, f"Sent {queryset.count()} test message(s) to {address}.")

    @admin.action(description="Send the selected issues to their list now")
    def send_now(self, request: HttpRequest, queryset: QuerySet[Issue]) -> None:
        from broadsheet.audience.tasks import send_issue_task

        for issue in queryset.filter(status=Issue.Status.DRAFT):
            added = sending.start(issue)
            send_issue_task.enqueue(issue.pk)
            messages.info(request, f"“{issue.subject}”: sending to {added} subscriber(s).")


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed_at", "unsubscribed_at", "suppressed_reason"]
    search_fields = ["email"]
    readonly_fields = ["email", "confirmed_at", "unsubscribed_at", "suppressed_reason"]
    exclude = ["unsubscribe_key"]
    inlines = [SubscriptionInline]
    actions = ["export_data", "erase_data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only a confirmed double opt-in makes a subscriber

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        _console_warning(request)
        return super().changelist_view(request, extra_context)

    @admin.action(description="Export the selected subscribers' data (JSON)")
    def export_data(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> HttpResponse:
        data = [privacy.export(s.email) for s in queryset]
        response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="subscriber-data.json"'
        return response

    @admin.action(description="Erase the selected subscribers and all their records")
    def erase_data(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        emails = list(queryset.values_list("email", flat=True))
        for email in emails:
            privacy.erase(email)
        messages.success(request, f"Erased {len(emails)} subscriber(s) and their records.")


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """Browsers that opted in to alerts; the changelist's count is the push audience."""

    list_display = ["push_service", "created_at", "last_success_at", "failures", "last_error"]
    list_filter = ["failures"]
    readonly_fields = ["endpoint", "created_at", "last_success_at", "failures", "last_error"]
    exclude = ["p256dh", "auth"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only a browser subscribes itself

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="push service")
    def push_service(self, subscription: PushSubscription) -> str:
        return webpush.origin(subscription.endpoint)
