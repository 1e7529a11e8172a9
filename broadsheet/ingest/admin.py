"""Admin: sources with their health, "fetch now", and an extraction preview page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from broadsheet.core import clock, console
from broadsheet.core.markup_cost import MarkupTooComplex
from broadsheet.core.sanitize import sanitize_html
from broadsheet.ingest.antibot import status_error
from broadsheet.ingest.commands import FoundFeed, find_new_feed
from broadsheet.ingest.errors import IngestError
from broadsheet.ingest.extract import ExtractionRules, extract_article
from broadsheet.ingest.fetch import PAGE_ACCEPT, Fetcher
from broadsheet.ingest.models import Entry, FetchLog, Source, Syndication, Tombstone
from broadsheet.ingest.tasks import ingest_source_task


class PreviewForm(forms.Form):
    url = forms.URLField(label="Article URL", max_length=1000, assume_scheme="https")
    keep = forms.CharField(required=False, help_text="CSS selectors to keep, comma-separated lines.")
    drop = forms.CharField(required=False, help_text="CSS selectors to drop.")


class SourceForm(forms.ModelForm):
    """Adding a source checks its URL with the very function `broadsheet sources add` calls
    (commands.find_new_feed): the same refusals, in the same words, and nothing saved."""

    # A plain text field: the URL's validity is find_new_feed's to judge, as on the CLI.
    feed_url = forms.CharField(
        label="Feed URL",
        max_length=1000,
        help_text="An RSS, Atom or JSON feed, or a web page that links to its feed.",
    )

    class Meta:
        model = Source
        fields = ["feed_url"]  # the admin gives the rest (its fieldsets)

    def clean_feed_url(self) -> str:
        url = str(self.cleaned_data["feed_url"]).strip()
        if self.instance.pk is not None and url == self.instance.feed_url:
            return url  # unchanged: nothing to check again
        try:
            self.found: FoundFeed | None = find_new_feed(url)
        except IngestError as exc:
            raise ValidationError(str(exc), code="feed") from exc
        return self.found.feed_url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        found = getattr(self, "found", None)
        if found is not None:  # the feed's own title and home page, unless the editor gave them
            data["name"] = data.get("name") or found.title[:200]
            data["home_url"] = data.get("home_url") or found.home_url[:1000]
        return data


# What fetching records about a source: shown in its own fieldset, never edited by hand.
HEALTH_FIELDS = (
    "last_fetch_at",
    "last_status",
    "error_count",
    "first_failure_at",
    "error_kind",
    "last_error",
    "feed_problem",
    "disabled_reason",
    "created_at",
)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    # Editors paste bare hosts ("example.com"); assume https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "__str__",
        "section",
        "mode",
        "enabled",
        "last_fetch_at",
        "last_status",
        "next_check_at",
        "items_per_day",
        "error_count",
        "error_kind",
        "short_error",
    ]
    list_filter = ["enabled", "mode", "section", "error_kind"]
    search_fields = ["name", "feed_url"]
    actions = ["fetch_now"]
    readonly_fields = ["etag", "last_modified", *HEALTH_FIELDS]
    fieldsets = [
        (
            None,
            {"fields": ["feed_url", "name", "home_url", "section", "mode", "publish_directly", "enabled"]},
        ),
        ("Rules", {"fields": ["include_keywords", "exclude_keywords", "extraction_rules"]}),
        ("Schedule", {"fields": ["next_check_at", "check_interval", "etag", "last_modified"]}),
        ("Health", {"fields": HEALTH_FIELDS}),
    ]

    @admin.display(description="items/day (7 d)")
    def items_per_day(self, obj: Source) -> str:
        since = clock.now() - dt.timedelta(days=7)
        return f"{Entry.objects.filter(source=obj, first_seen_at__gte=since).count() / 7:.1f}"

    @admin.display(description="last error")
    def short_error(self, obj: Source) -> str:
        return console.shorten(obj.last_error, 80)

    @admin.action(description="Fetch now")
    def fetch_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        for source in queryset:
            ingest_source_task.enqueue(source.pk)
        messages.info(request, f"Queued {queryset.count()} source(s) for fetching.")

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "preview/", self.admin_site.admin_view(self.preview_view), name="ingest_source_preview"
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """Run the pipeline's own fetch, extract and sanitise steps on any URL and show the result."""
        form = PreviewForm(request.POST or None)
        result: dict[str, Any] | None = None
        error = ""
        if request.method == "POST" and form.is_valid():
            rules = {
                "keep": [s for s in form.cleaned_data["keep"].split(",") if s.strip()],
                "drop": [s for s in form.cleaned_data["drop"].split(",") if s.strip()],
            }
            try:
                with Fetcher() as fetcher:
                    fetched = fetcher.fetch(form.cleaned_data["url"], accept=PAGE_ACCEPT)
                if not fetched.ok:
                    raise status_error(fetched)
                extracted = extract_article(
                    fetched.content, fetched.final_url, rules=ExtractionRules.from_json(rules)
                )
                result = {
                    "extracted": extracted,
                    "body": sanitize_html(extracted.body_html, base_url=fetched.final_url),
                }
            except (IngestError, MarkupTooComplex) as exc:
                error = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "title": "Extraction preview",
            "form": form,
            "result": result,
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/ingest/preview.html", context)


@admin.register(FetchLog)
class FetchLogAdmin(admin.ModelAdmin):
    list_display = ["source", "started_at", "status", "ok", "new", "updated", "duplicates", "errors"]
    list_filter = ["ok", "source"]
    date_hierarchy = "started_at"


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    list_display = ["canonical_url", "source", "deleted_at"]
    search_fields = ["canonical_url"]


@admin.register(Syndication)
class SyndicationAdmin(admin.ModelAdmin):
    list_display = ["article", "source", "url", "created_at"]
    raw_id_fields = ["article"]
