"""Admin for the site's structure: sections, authors, tags, static pages and site settings."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from broadsheet.core.sanitize import sanitize_html
from broadsheet.newsroom.forms import PageAdminForm, SectionAdminForm
from broadsheet.newsroom.models import Author, Page, Section, SiteSettings, Tag


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = SectionAdminForm
    list_display = ("name", "slug", "order", "in_menu")
    list_editable = ("order", "in_menu")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "user")
    list_select_related = ("user",)
    # Also what the article form's author autocomplete searches.
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("user",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    # Also what the article form's tag autocomplete searches.
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    form = PageAdminForm
    list_display = ("title", "slug", "in_contact_menu", "in_footer", "order", "form", "updated_at")
    list_editable = ("in_contact_menu", "in_footer", "order")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "body", "form", "in_contact_menu", "in_footer", "order")

    def save_model(self, request: HttpRequest, obj: Page, form: ModelForm, change: bool) -> None:
        # Same allowlist as articles: the body is rendered unescaped on the public page.
        obj.body = sanitize_html(obj.body)
        super().save_model(request, obj, form, change)


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """A singleton: one row, edited in place, never added twice or deleted."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    fieldsets = (
        ("Identity", {"fields": ("site_name", "tagline", "logo")}),
        (
            "Social profiles",
            {
                "fields": (
                    "facebook_url",
                    "x_url",
                    "instagram_url",
                    "pinterest_url",
                    "youtube_url",
                    "tiktok_url",
                )
            },
        ),
        ("Footer", {"fields": ("footer_text", "copyright_text", "disclaimer_text")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: SiteSettings | None = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # A list of one row is a detour: go straight to the row, or to adding it.
        settings_row = SiteSettings.objects.order_by("pk").first()
        if settings_row is None:
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:newsroom_sitesettings_add"))
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:newsroom_sitesettings_change", args=[settings_row.pk])
        )
