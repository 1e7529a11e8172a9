"""The Django admin shaped for a newsroom: registers every newsroom model and titles the site."""

from django.contrib import admin

from broadsheet.newsroom.admin import articles, structure

__all__ = ["articles", "structure"]

admin.site.site_header = "Broadsheet newsroom"
admin.site.site_title = "Broadsheet admin"
admin.site.index_title = "Newsroom"
