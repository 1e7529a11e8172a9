"""Admin: sources with their health, "fetch now", and an extraction preview page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from broadsheet.core import clock, console
from broadsheet.core.fetch import Fetcher
from broadsheet.core.markup_cost import MarkupTooComplex, check_sanitised
from broadsheet.core.sanitize import sanitize_html
from broadsheet.ingest.commands import FoundFeed, find_new_feed
from broadsheet.ingest.errors import FAILURES, ExtractError
from broadsheet.ingest.extract import ExtractionRules, ExtractOptions
from broadsheet.ingest.models import Entry, FetchLog, Source, Syndication, Tombstone
from broadsheet.ingest.pipeline import fetch_and_extract
from broadsheet.ingest.siterules import rules_as_lines, rules_from_lines
from broadsheet.ingest.tasks import ingest_source_task, reextract_source_task

SELECTOR_HELP = "One CSS selector per line (tag, #id, .class, [attr], [attr*=value], > and descendant)."


def _rules_fields() -> tuple[forms.CharField, forms.CharField]:
    keep = forms.CharField(
        label="Keep only",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text="The story's container, e.g. article .story-body. " + SELECTOR_HELP,
    )
    drop = forms.CharField(
        label="Drop",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text="Clutter inside it, e.g. .newsletter-signup. " + SELECTOR_HELP,
    )
    return keep, drop


def _clean_rules(form: forms.BaseForm) -> ExtractionRules | None:
    """The rules the form's two fields describe; a selector we cannot use is its field's error."""
    texts = {name: form.cleaned_data.get(name) or "" for name in ("keep", "drop")}
    for name, text in texts.items():
        try:
            rules_from_lines(**{name: text})
        except ExtractError as exc:
            form.add_error(name, str(exc))
    if form.has_error("keep") or form.has_error("drop"):
        return None
    return rules_from_lines(**texts)


class PreviewForm(forms.Form):
    url = forms.URLField(label="Article URL", max_length=1000, assume_scheme="https")
    keep, drop = _rules_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.rules = _clean_rules(self)
        return cleaned


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
        except FAILURES as exc:
            raise ValidationError(str(exc), code="feed") from exc
        return self.found.feed_url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        found = getattr(self, "found", None)
        if found is not None:  # the feed's own title and home page, unless the editor gave them
            data["name"] = data.get("name") or found.title[:200]
            data["home_url"] = data.get("home_url") or found.home_url[:1000]
        return data


class SourceAdminForm(SourceForm):
    """The source form, with its extraction rules as two lists of selectors, checked as the
    pipeline will read them."""

    keep, drop = _rules_fields()

    class Meta(SourceForm.Meta):
        pass

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            rules = ExtractionRules.from_json(self.instance.extraction_rules)
            self.initial["keep"], self.initial["drop"] = rules_as_lines(rules)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.rules = _clean_rules(self)
        return cleaned

    def save(self, commit: bool = True) -> Source:
        if self.rules is not None:
            self.instance.extraction_rules = self.rules.as_json()
        return super().save(commit)


# A test fetch of a source: any of these is shown to the operator, not raised.
PREVIEW_FAILURES: tuple[type[Exception], ...] = (*FAILURES, MarkupTooComplex)


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
    form = SourceAdminForm
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
    actions = ["fetch_now", "reextract_past_stories"]
    readonly_fields = ["etag", "last_modified", "rules_problem", *HEALTH_FIELDS]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "feed_url",
                    "name",
                    "home_url",
                    "section",
                    "mode",
                    "image_policy",
                    "publish_directly",
                    "enabled",
                ]
            },
        ),
        ("Keywords", {"fields": ["include_keywords", "exclude_keywords"]}),
        (
            "Extraction rules",
            {
                "fields": ["keep", "drop", "rules_problem"],
                "description": "Applied to each story's page before the automatic extractor; when "
                "they find nothing, or only a few words, the page is extracted without them and "
                "the reason shows here. Try them on a page with Preview rules (above).",
            },
        ),
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

    @admin.action(description="Re-extract past stories (full-text sources)")
    def reextract_past_stories(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        full = [source.pk for source in queryset if source.mode == Source.Mode.FULL]
        for source_id in full:
            reextract_source_task.enqueue(source_id, REEXTRACT_LIMIT)
        if full:
            messages.info(
                request,
                f"Re-extracting the newest {REEXTRACT_LIMIT} stories of {len(full)} source(s) in the background.",
            )
        skipped = len(queryset) - len(full)
        if skipped:
            messages.warning(
                request, f"{skipped} excerpt-mode source(s) skipped: their stories are the feed's summaries."
            )

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "preview/", self.admin_site.admin_view(self.preview_view), name="ingest_source_preview"
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """Run the pipeline's own fetch and extract step (rules, and the fallback when they
        break) and its sanitiser on any URL, and show the result; for a source, save the rules
        tried and re-extract its past stories with them."""
        source = _source_from(request)
        if source is not None and not self.has_view_permission(request, source):
            raise PermissionDenied
        form = PreviewForm(request.POST or None, initial=_preview_initial(source))
        result: dict[str, Any] | None = None
        error = ""
        if request.method == "POST" and form.is_valid() and form.rules is not None:
            if source is not None and request.POST.get("save"):
                return self._save_rules(
                    request, source, form.rules, reextract=request.POST["save"] == "reextract"
                )
            try:
                result = _preview(form.cleaned_data["url"], form.rules)
            except PREVIEW_FAILURES as exc:
                error = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Extraction rules: {source}" if source else "Extraction preview",
            "form": form,
            "result": result,
            "error": error,
            "source": source,
            "may_save": source is not None and self.has_change_permission(request, source),
            "reextract_limit": REEXTRACT_LIMIT,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/ingest/preview.html", context)

    def _save_rules(
        self, request: HttpRequest, source: Source, rules: ExtractionRules, *, reextract: bool
    ) -> HttpResponse:
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        Source.objects.filter(pk=source.pk).update(extraction_rules=rules.as_json(), rules_problem="")
        messages.success(request, f"Saved the extraction rules of {source}.")
        if reextract:
            if source.mode != Source.Mode.FULL:
                messages.warning(request, "Nothing to re-extract: this source keeps the feed's summaries.")
            else:
                reextract_source_task.enqueue(source.pk, REEXTRACT_LIMIT)
                messages.info(
                    request, f"Re-extracting its newest {REEXTRACT_LIMIT} stories in the background."
                )
        return HttpResponseRedirect(reverse("admin:ingest_source_change", args=[source.pk]))


# Stories a re-extraction started from the admin rebuilds (the CLI takes --limit).
REEXTRACT_LIMIT = 100


def _source_from(request: HttpRequest) -> Source | None:
    raw = request.GET.get("source", "")
    if not raw.isdigit():
        return None
    source = Source.objects.filter(pk=int(raw)).first()
    if source is None:
        raise Http404("No such source.")
    return source


def _preview_initial(source: Source | None) -> dict[str, str]:
    if source is None:
        return {}
    keep, drop = rules_as_lines(ExtractionRules.from_json(source.extraction_rules))
    latest = Entry.objects.filter(source=source).exclude(canonical_url="").order_by("-first_seen_at").first()
    return {"url": latest.canonical_url if latest else "", "keep": keep, "drop": drop}


def _preview(url: str, rules: ExtractionRules) -> dict[str, Any]:
    with Fetcher() as fetcher:
        ruled = fetch_and_extract(fetcher, url, rules, ExtractOptions())
    body = sanitize_html(ruled.extracted.body_html, base_url=ruled.extracted.url or url)
    check_sanitised(body)
    return {
        "extracted": ruled.extracted,
        "body": body,
        "words": len(ruled.extracted.text.split()),
        "problem": ruled.problem,
        "used_rules": ruled.used_rules,
    }


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
