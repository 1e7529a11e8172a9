"""The daily view counts in the admin: readable, never editable (only the beacon writes them)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from broadsheet.newsroom.admin.pagination import CappedPaginator
from broadsheet.readership.models import ArticleViews


@admin.register(ArticleViews)
class ArticleViewsAdmin(admin.ModelAdmin):
    """Daily view counts, written only by the roll-up: readable here, never editable."""

    list_display = ("article", "day", "views")
    list_filter = ("day",)
    date_hierarchy = "day"
    list_select_related = ("article",)
    ordering = ("-day", "-views")
    paginator = CappedPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ArticleViews | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ArticleViews | None = None) -> bool:
        return False
