"""The article admin: a changelist that stays fast at a million rows, and saves through services."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from broadsheet.newsroom import permissions, readingtime, services, textsearch
from broadsheet.newsroom.admin import picker, workflow
from broadsheet.newsroom.admin.actions import publish_now, withdraw
from broadsheet.newsroom.admin.drafts import DraftsAdminMixin
from broadsheet.newsroom.admin.filters import PublishedRangeFilter, ReissuedFilter
from broadsheet.newsroom.admin.pagination import CappedPaginator, SearchCappedPaginator
from broadsheet.newsroom.admin.revisions import RevisionsAdminMixin
from broadsheet.newsroom.forms import ArticleAdminForm
from broadsheet.newsroom.models import Article

logger = logging.getLogger(__name__)

# What readers see is the publish permission's, in the admin as in the API (api/permissions.py):
# without it (on the model, or on one's own articles) an editor writes drafts only. Every
# save passes the user to services, which check again (newsroom/permissions.py).
PUBLISH_PERMISSION = permissions.PUBLISH
# The changelist's "Pending review (n)" counts this many at most.
MAX_PENDING_COUNT = 999
# What someone who may not publish an article may set its status to.
UNPUBLISHED_CHOICES = (Article.Status.DRAFT, Article.Status.PENDING_REVIEW)

STATE_LABELS = {
    "draft": "Draft",
    "pending_review": "Pending review",
    "scheduled": "Scheduled",
    "published": "Published",
    "withdrawn": "Withdrawn",
}
# Worth a look before publication: the public view shows these to staff with a banner.
PREVIEW_STATES = frozenset({"draft", "pending_review", "scheduled"})


class StateFilter(admin.SimpleListFilter):
    """Status as readers see it: 'scheduled' is published-but-not-yet-due."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        # What waits for review, counted through the status index, and boundedly.
        pending = model_admin.get_queryset(request).filter(status=Article.Status.PENDING_REVIEW)
        waiting = pending[: MAX_PENDING_COUNT + 1].count()
        shown = f"{MAX_PENDING_COUNT}+" if waiting > MAX_PENDING_COUNT else str(waiting)
        labels = {**STATE_LABELS, "pending_review": f"Pending review ({shown})"}
        return list(labels.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        value = self.value()
        if value == "published":
            return queryset.published()  # type: ignore[attr-defined]
        if value == "scheduled":
            return queryset.scheduled()  # type: ignore[attr-defined]
        if value in {"draft", "pending_review", "withdrawn"}:
            return queryset.filter(status=value)
        return queryset


class ArticleChangeList(ChangeList):
    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        # The list never shows the body, which is most of a row's bytes. Section and author come
        # in two small queries, not joins: given an INNER JOIN to sections, SQLite's planner
        # loops over sections and sorts every article (13 s at 1M) instead of walking the
        # published_at index.
        queryset = super().get_queryset(request, exclude_parameters).defer("body")
        return queryset.prefetch_related("section", "author")


def _public_url(article: Article) -> str | None:
    try:
        return article.get_absolute_url()
    except NoReverseMatch:
        # An unsaved or half-edited article (e.g. an invalid slug in a failed POST).
        return None


def _short_time(value: Any) -> str:
    """'3 Dec 14:05' this year, '3 Dec 2024' before: one short line in the site's time zone."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    text = (
        f"{local.day} {local:%b %H:%M}"
        if local.year == timezone.localdate().year
        else f"{local.day} {local:%b %Y}"
    )
    return format_html(
        '<time class="bs-time" datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        f"{local:%Y-%m-%d %H:%M %Z}",
        text,
    )


@admin.register(Article)
class ArticleAdmin(RevisionsAdminMixin, DraftsAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    # Readable at 1366 px (static/newsroom/admin.css): headlines clamp to two lines with the
    # whole one in a tooltip, the state is a narrow badge, dates are short and never wrap.
    list_display = (
        "headline_display",
        "section",
        "byline_display",
        "state_display",
        "published_display",
        "source_display",
        "updated_display",
        "preview_link",
    )
    list_display_links = ("headline_display",)
    # Only the date has an index to sort a million rows by; a click on any other heading would
    # sort the whole table (seconds at 1M).
    sortable_by = ("published_display",)
    # Each filter is served by an index at 1M articles (bench/admin.py); no date_hierarchy:
    # its list of years is a SELECT DISTINCT over every row.
    list_filter = ("section", "status", StateFilter, PublishedRangeFilter, "author", ReissuedFilter)
    # Searched through trigram indexes (newsroom/textsearch.py), not by scanning the table.
    search_fields = ("headline", "dek", "slug")
    search_help_text = "Headline, standfirst or slug containing every word."
    list_select_related = ()  # prefetched instead: ArticleChangeList.get_queryset
    list_per_page = 50
    paginator = CappedPaginator
    show_full_result_count = False
    # Facet counts are one COUNT per filter choice over the whole table.
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = ("author", "tags", "lead_media", "social_image")
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = (
        *("reading_time", "lead_image_size", "state_display"),
        *("created_by", "created_at", "updated_at"),
        "also_carried_as_display",
    )
    actions = (publish_now, withdraw)
    save_on_top = True
    # Editors paste bare hosts ("example.com"); assume https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        ("Story", {"fields": ("headline", "slug", "dek", "body", "reading_time")}),
        (
            "Filing",
            {
                "fields": (
                    *("section", "author", "byline", "tags", "state_display", "status", "published_at"),
                    *("language", "created_by"),
                )
            },
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
            "Search & social",
            {
                "classes": ("collapse",),
                "description": "How the article looks in search results and when shared. "
                "Each field is optional: empty ones use the headline, standfirst and lead image.",
                "fields": ("seo_title", "meta_description", "social_image"),
            },
        ),
        (
            "Source",
            {
                "classes": ("collapse",),
                "fields": (
                    *("source_name", "source_home_url", "canonical_url", "also_carried_as_display"),
                    *("created_at", "updated_at"),
                ),
            },
        ),
    )

    class Media:
        css = {"all": ("newsroom/admin.css",)}

    def get_urls(self) -> list[URLPattern]:
        choices = path(
            "media-picker/",
            self.admin_site.admin_view(picker.image_choices),
            name="newsroom_article_media_picker",
        )
        return [choices, *super().get_urls()]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ArticleChangeList

    def may_publish(self, request: HttpRequest, obj: Article | None = None) -> bool:
        """The user may publish, schedule or withdraw this article (None: one they would create)."""
        return permissions.may_publish(request.user, obj)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        # Read by the actions declared with permissions=["publish"]; services check each article.
        return self.has_change_permission(request) and self.may_publish(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        queryset = super().get_queryset(request)
        user = request.user
        if user.has_perm(permissions.CHANGE) or user.has_perm(permissions.VIEW):
            return queryset
        # Contributors and Authors see and change their own articles only.
        return queryset.filter(created_by=user.pk)

    def has_view_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        if super().has_view_permission(request, obj):
            return True
        # Their own articles, published ones too (read-only then).
        user = request.user
        return permissions.may_change_some(user) if obj is None else permissions.may_change(user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        # Own articles only, unless the model permission says any; and a published or
        # scheduled article is read-only to someone who may not publish it.
        user = request.user
        if obj is None:
            return permissions.may_change_some(user)
        if not permissions.may_change(user, obj):
            return False
        return obj.status != Article.Status.PUBLISHED or self.may_publish(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Article | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        status = form.base_fields.get("status")
        if isinstance(status, forms.ChoiceField) and not self.may_publish(request, obj):
            # A Contributor files drafts and submissions (and keeps a status set by an editor).
            keep = {*UNPUBLISHED_CHOICES, obj.status} if obj is not None else set(UNPUBLISHED_CHOICES)
            status.choices = [(value, label) for value, label in Article.Status.choices if value in keep]
        body = form.base_fields.get("body")
        if body is not None and picker.may_pick(request.user):
            # The editor's "Insert image" button appears only where the library may be read.
            body.widget.attrs["data-media-picker"] = reverse("admin:newsroom_article_media_picker")
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        # The time is the editor's to set for whoever may not publish.
        return readonly if self.may_publish(request, obj) else (*readonly, "published_at")

    def get_paginator(
        self, request: HttpRequest, queryset: QuerySet, per_page: int, *args: Any, **kwargs: Any
    ) -> Any:
        searching = bool(request.GET.get("q", "").strip())
        paginator = SearchCappedPaginator if searching else self.paginator
        return paginator(queryset, per_page, *args, **kwargs)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Article], search_term: str
    ) -> tuple[QuerySet[Article], bool]:
        return textsearch.search(queryset, search_term), False

    @admin.display(description="also carried as")
    def also_carried_as_display(self, obj: Article) -> str:
        """The URLs the story was re-issued at, merged into this one by ingest."""
        urls = [url for url in obj.also_carried_as if isinstance(url, str)]
        if not urls:
            return "-"
        return format_html_join(
            mark_safe("<br>"), '<a href="{}" rel="noopener">{}</a>', ((u, u) for u in urls)
        )

    @admin.display(description="headline", ordering="headline")
    def headline_display(self, obj: Article) -> str:
        return format_html('<span class="bs-headline" title="{}">{}</span>', obj.headline, obj.headline)

    @admin.display(description="published", ordering="published_at")
    def published_display(self, obj: Article) -> str:
        return _short_time(obj.published_at)

    @admin.display(description="updated", ordering="updated_at")
    def updated_display(self, obj: Article) -> str:
        return _short_time(obj.updated_at)

    @admin.display(description="source", ordering="source_name")
    def source_display(self, obj: Article) -> str:
        if not obj.source_name:
            return ""
        return format_html('<span class="bs-clip" title="{}">{}</span>', obj.source_name, obj.source_name)

    @admin.display(description="byline", ordering="author__name")
    def byline_display(self, obj: Article) -> str:
        return obj.display_byline

    @admin.display(description="state", ordering="status")
    def state_display(self, obj: Article) -> str:
        if obj.pk is None:
            return "New (not saved)"
        state = obj.state
        return format_html('<span class="bs-state bs-state-{}">{}</span>', state, STATE_LABELS[state])

    @admin.display(description="preview")
    def preview_link(self, obj: Article) -> str:
        url = _public_url(obj) if obj.state in PREVIEW_STATES else None
        if url is None:
            return ""
        return format_html('<a href="{}" target="_blank" rel="noopener">Preview</a>', url)

    @admin.display(description="length")
    def reading_time(self, obj: Article) -> str:
        # editor.js updates this line as the body changes, by the same rule (readingtime.py).
        return format_html(
            '<span class="bs-wordcount" data-words-per-minute="{}">{}</span>',
            readingtime.WORDS_PER_MINUTE,
            readingtime.describe(obj.body or ""),
        )

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
        context["workflow_steps"] = workflow.steps(saved)
        context["workflow_buttons"] = workflow.buttons(request.user, saved or obj)
        context["workflow_field"] = workflow.FIELD
        context["preview_post_url"] = (
            reverse("article-preview-change", args=[saved.pk]) if saved else reverse("article-preview")
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _continue_after_transition(self, request: HttpRequest) -> None:
        # A transition button keeps the editor on the article, to see its new state.
        if workflow.FIELD in request.POST:
            post = request.POST.copy()
            post["_continue"] = "1"
            request.POST = post  # type: ignore[assignment]

    def response_add(self, request: HttpRequest, obj: Article, post_url_continue: str | None = None) -> Any:
        self._continue_after_transition(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Article) -> Any:
        self._continue_after_transition(request)
        return super().response_change(request, obj)

    def save_model(self, request: HttpRequest, obj: Article, form: ModelForm, change: bool) -> None:
        # One write through services, with the tags passed in, so the single `published`
        # signal already lists the tag pages. save_related's save_m2m then sets the same
        # tags again, which changes nothing, and no second announcement is made.
        tags = form.cleaned_data.get("tags")
        tag_ids = [tag.pk for tag in tags] if tags is not None else None
        # services refuse (403, nothing written) what this user may not do, whatever was POSTed.
        transition = request.POST.get(workflow.FIELD)
        if transition:
            done = workflow.apply(transition, obj, by=request.user, tags=tag_ids)
            messages.success(request, done)
            return
        services.save_article(obj, tags=tag_ids, by=request.user)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.delete_article(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        # Per article, so each public one purges its pages.
        for article in queryset.defer(None).select_related("section", "author"):
            services.delete_article(article)
