"""The article admin: a changelist that stays fast at a million rows, and saves through services."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.translation import ngettext

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.admin.pagination import CappedPaginator
from broadsheet.newsroom.forms import ArticleAdminForm
from broadsheet.newsroom.models import Article

logger = logging.getLogger(__name__)

# A bulk action publishes or withdraws article by article (so each sends its own signal);
# beyond this many, "select all" would tie up a request for minutes.
MAX_BULK_ARTICLES = 500
# What readers see is the publish permission's, in the admin as in the API (api/permissions.py):
# without it an editor writes drafts only.
PUBLISH_PERMISSION = "newsroom.publish_article"

STATE_LABELS = {
    "draft": "Draft",
    "scheduled": "Scheduled",
    "published": "Published",
    "withdrawn": "Withdrawn",
}
# Worth a look before publication: the public view shows these to staff with a banner.
PREVIEW_STATES = frozenset({"draft", "scheduled"})


class StateFilter(admin.SimpleListFilter):
    """Status as readers see it: 'scheduled' is published-but-not-yet-due."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(STATE_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        value = self.value()
        if value == "published":
            return queryset.published()  # type: ignore[attr-defined]
        if value == "scheduled":
            return queryset.scheduled()  # type: ignore[attr-defined]
        if value in {"draft", "withdrawn"}:
            return queryset.filter(status=value)
        return queryset


class ArticleChangeList(ChangeList):
    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        # The list never shows the body, which is most of a row's bytes.
        return super().get_queryset(request, exclude_parameters).defer("body")


def _public_url(article: Article) -> str | None:
    try:
        return article.get_absolute_url()
    except NoReverseMatch:
        # An unsaved or half-edited article (e.g. an invalid slug in a failed POST).
        return None


def _bulk_targets(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Article]
) -> list[Article] | None:
    # Actions get the changelist's queryset, which defers the body; services need it.
    articles = list(queryset.defer(None).select_related("section", "author")[: MAX_BULK_ARTICLES + 1])
    if len(articles) > MAX_BULK_ARTICLES:
        modeladmin.message_user(
            request,
            f"Select at most {MAX_BULK_ARTICLES} articles at a time; nothing was changed.",
            messages.ERROR,
        )
        return None
    return articles


@admin.action(description="Publish now", permissions=["publish"])
def publish_now(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Article]) -> None:
    articles = _bulk_targets(modeladmin, request, queryset)
    if articles is None:
        return
    now = clock.now()
    changed = 0
    for article in articles:
        if article.state == "published":
            continue
        # Scheduled or undated articles go out now; a withdrawn one returns with its old date.
        due = article.published_at is None or article.published_at > now
        services.publish(article, at=now if due else None)
        changed += 1
    logger.info("bulk publish by user %s: %d articles", request.user.pk, changed)
    modeladmin.message_user(
        request,
        ngettext("%(n)d article published.", "%(n)d articles published.", changed) % {"n": changed},
        messages.SUCCESS if changed else messages.WARNING,
    )


@admin.action(description="Withdraw", permissions=["publish"])
def withdraw(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Article]) -> None:
    articles = _bulk_targets(modeladmin, request, queryset)
    if articles is None:
        return
    changed = 0
    for article in articles:
        if article.status == Article.Status.WITHDRAWN:
            continue
        services.withdraw(article)
        changed += 1
    logger.info("bulk withdraw by user %s: %d articles", request.user.pk, changed)
    modeladmin.message_user(
        request,
        ngettext("%(n)d article withdrawn.", "%(n)d articles withdrawn.", changed) % {"n": changed},
        messages.SUCCESS if changed else messages.WARNING,
    )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "headline",
        "section",
        "byline_display",
        "state_display",
        "published_at",
        "source_name",
        "updated_at",
        "preview_link",
    )
    list_display_links = ("headline",)
    list_filter = ("section", "status", StateFilter, "author")
    date_hierarchy = "published_at"
    search_fields = ("headline", "dek", "slug")
    list_select_related = ("section", "author")
    list_per_page = 50
    paginator = CappedPaginator
    show_full_result_count = False
    # Facet counts are one COUNT per filter choice over the whole table.
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = ("author", "tags", "lead_media")
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = ("lead_image_size", "created_at", "updated_at")
    actions = (publish_now, withdraw)
    save_on_top = True
    # Editors paste bare hosts ("example.com"); assume https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        ("Story", {"fields": ("headline", "slug", "dek", "body")}),
        (
            "Filing",
            {"fields": ("section", "author", "byline", "tags", "status", "published_at", "language")},
        ),
        (
            "Lead image",
            {
                "fields": (
                    "lead_media",
                    "lead_image",
                    "lead_image_size",
                    "lead_image_url",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                )
            },
        ),
        (
            "Source",
            {
                "classes": ("collapse",),
                "fields": ("source_name", "source_home_url", "canonical_url", "created_at", "updated_at"),
            },
        ),
    )

    class Media:
        css = {"all": ("newsroom/admin.css",)}

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ArticleChangeList

    def may_publish(self, request: HttpRequest, obj: Article | None = None) -> bool:
        """The user may publish, schedule or withdraw (this article, when one is given)."""
        user = request.user
        return user.has_perm(PUBLISH_PERMISSION) or (
            obj is not None and user.has_perm(PUBLISH_PERMISSION, obj)
        )

    def has_publish_permission(self, request: HttpRequest) -> bool:
        # Read by the actions declared with permissions=["publish"].
        return self.has_change_permission(request) and self.may_publish(request)

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        # A published or scheduled article is read-only to someone who may not publish it.
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.status != Article.Status.PUBLISHED or self.may_publish(request, obj)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "status" and not self.may_publish(request):
            kwargs["choices"] = [
                (value, label) for value, label in db_field.choices if value != Article.Status.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description="byline", ordering="author__name")
    def byline_display(self, obj: Article) -> str:
        return obj.display_byline

    @admin.display(description="state", ordering="status")
    def state_display(self, obj: Article) -> str:
        state = obj.state
        return format_html('<span class="bs-state bs-state-{}">{}</span>', state, STATE_LABELS[state])

    @admin.display(description="preview")
    def preview_link(self, obj: Article) -> str:
        url = _public_url(obj) if obj.state in PREVIEW_STATES else None
        if url is None:
            return ""
        return format_html('<a href="{}" target="_blank" rel="noopener">Preview</a>', url)

    @admin.display(description="image size")
    def lead_image_size(self, obj: Article) -> str:
        if obj.lead_image_width and obj.lead_image_height:
            return f"{obj.lead_image_width} × {obj.lead_image_height} px"
        return "—"

    def view_on_site(self, obj: Article) -> str | None:
        # Drafts and scheduled stories get the "Preview" button instead.
        return _public_url(obj) if obj.state not in PREVIEW_STATES else None

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Article | None = None,
    ) -> HttpResponse:
        saved = None
        if obj is not None and obj.pk:
            # A failed POST leaves the editor's unsaved edits on `obj`; preview what is stored.
            saved = Article.objects.select_related("section").filter(pk=obj.pk).first()
        context["preview_url"] = _public_url(saved) if saved and saved.state in PREVIEW_STATES else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj: Article, form: ModelForm, change: bool) -> None:
        # One write through services, with the tags passed in, so the single `published`
        # signal already lists the tag pages. save_related's save_m2m then sets the same
        # tags again, which changes nothing, and no second announcement is made.
        tags = form.cleaned_data.get("tags")
        services.save_article(obj, tags=[tag.pk for tag in tags] if tags is not None else None)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.delete_article(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        # Per article, so each public one purges its pages.
        for article in queryset.defer(None).select_related("section", "author"):
            services.delete_article(article)
