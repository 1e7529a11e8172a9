"""Admin for readers' messages and takedown requests: read them, mark them handled, act on them."""

from __future__ import annotations

import contextlib

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from broadsheet.core import clock
from broadsheet.inbox.models import ContactMessage, TakedownRequest
from broadsheet.newsroom import services


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "email", "subject", "handled"]
    list_filter = ["handled", "created_at"]
    search_fields = ["name", "email", "subject", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["name", "email", "subject", "message", "created_at", "ip_hash", "user_agent"]
    fields = ["name", "email", "subject", "message", "created_at", "ip_hash", "user_agent", "handled"]
    actions = ["mark_handled"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Messages come from readers; an editor typing one in would be a forgery.
        return False

    @admin.action(description="Mark selected messages as handled", permissions=["change"])
    def mark_handled(self, request: HttpRequest, queryset: QuerySet[ContactMessage]) -> None:
        count = queryset.filter(handled=False).update(handled=True)
        self.message_user(request, f"Marked {count} message(s) as handled.", messages.SUCCESS)


@admin.register(TakedownRequest)
class TakedownRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "organisation", "article_link", "status", "handled_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "email", "organisation", "article_url", "signature"]
    date_hierarchy = "created_at"
    list_select_related = ["article", "article__section"]
    raw_id_fields = ["article"]
    readonly_fields = [
        "name",
        "email",
        "organisation",
        "article_url",
        "article_link",
        "work_description",
        "sworn_statement",
        "signature",
        "created_at",
        "ip_hash",
        "handled_at",
    ]
    fields = [
        "name",
        "email",
        "organisation",
        "article_url",
        "article_link",
        "article",
        "work_description",
        "sworn_statement",
        "signature",
        "created_at",
        "ip_hash",
        "status",
        "handled_at",
        "notes",
    ]
    actions = ["withdraw_articles", "reject_requests"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="article")
    def article_link(self, obj: TakedownRequest) -> str:
        article = obj.article
        if article is None:
            return "Not found on this site"
        links = [(article.get_absolute_url(), f"{article.headline} ({article.state})")]
        # Without Article registered in this admin, the public link is enough.
        with contextlib.suppress(NoReverseMatch):
            links.append((reverse("admin:newsroom_article_change", args=[article.pk]), "edit"))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.action(description="Withdraw the article", permissions=["change"])
    def withdraw_articles(self, request: HttpRequest, queryset: QuerySet[TakedownRequest]) -> None:
        withdrawn: list[str] = []
        without_article = 0
        for takedown in queryset.select_related("article", "article__section"):
            if takedown.article is None:
                without_article += 1
                continue
            services.withdraw(takedown.article)
            takedown.status = TakedownRequest.Status.WITHDRAWN
            takedown.handled_at = clock.now()
            takedown.save(update_fields=["status", "handled_at"])
            withdrawn.append(takedown.article.headline)
        if withdrawn:
            self.message_user(
                request,
                format_html(
                    "Withdrew {} article(s) and marked their requests: {}.",
                    len(withdrawn),
                    "; ".join(withdrawn),
                ),
                messages.SUCCESS,
            )
        if without_article:
            self.message_user(
                request,
                f"{without_article} request(s) point at no article on this site; nothing was withdrawn "
                "for them. Link the article on the request, or reject it.",
                messages.WARNING,
            )

    @admin.action(description="Reject the request", permissions=["change"])
    def reject_requests(self, request: HttpRequest, queryset: QuerySet[TakedownRequest]) -> None:
        count = queryset.exclude(status=TakedownRequest.Status.REJECTED).update(
            status=TakedownRequest.Status.REJECTED, handled_at=clock.now()
        )
        self.message_user(
            request, f"Rejected {count} request(s); their articles were left as they are.", messages.SUCCESS
        )
