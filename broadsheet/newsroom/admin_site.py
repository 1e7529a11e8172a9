"""The admin site whose home page is the newsroom's dashboard, with the stock list of tables
kept one link away at /admin/tables/.

Installed in settings as NewsroomAdminConfig (in place of "django.contrib.admin"), so that
`admin.site` is this site everywhere. The panels come from every app's AppConfig
(core/dashboard.py): this module imports none of the apps that offer them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path

from broadsheet.core.dashboard import panels_for

DASHBOARD_TEMPLATE = "admin/dashboard/index.html"


class NewsroomAdminSite(AdminSite):
    site_header = "Broadsheet newsroom"
    site_title = "Broadsheet admin"
    index_title = "Newsroom"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        """The dashboard: the panels this user may see. `app_list` stays in the context (the
        stock index's), for the "All tables" count and for anything that reads it."""
        context = {"title": "Dashboard", "panels": panels_for(request), **(extra_context or {})}
        response = super().index(request, context)
        response.template_name = DASHBOARD_TEMPLATE
        return response

    def tables(self, request: HttpRequest) -> TemplateResponse:
        """The stock index: every table this user may open (internal ones: superusers only)."""
        return super().index(request, {"title": "All tables"})

    def get_urls(self) -> list[URLResolver | URLPattern]:
        tables = path("tables/", self.admin_view(self.tables), name="tables")
        return [tables, *super().get_urls()]


class NewsroomAdminConfig(AdminConfig):
    default_site = "broadsheet.newsroom.admin_site.NewsroomAdminSite"
