"""Clear javascript:, vbscript:, data: (any non-http(s)) URLs that ingest stored from feeds before
it checked them (issue #16), so every reader of the columns (pages, feeds, API) gets safe ones."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Q

from broadsheet.core.urls import safe_http_url

# Column, and what it holds when there is no URL (canonical_url is NULL so its unique
# constraint ignores the row).
OUTSIDE_URL_COLUMNS = (("canonical_url", None), ("lead_image_url", ""), ("source_home_url", ""))


def drop_unsafe_outside_urls(apps: Any, schema_editor: Any) -> None:
    article_model = apps.get_model("newsroom", "Article")
    for column, empty in OUTSIDE_URL_COLUMNS:
        # Only values that do not even start like an http(s) URL can be unsafe: one scan, and
        # the few rows it finds are checked one by one.
        suspects = (
            article_model.objects.exclude(**{f"{column}__isnull": True})
            .exclude(**{column: ""})
            .exclude(Q(**{f"{column}__istartswith": "http://"}) | Q(**{f"{column}__istartswith": "https://"}))
            .values_list("pk", column)
        )
        for pk, value in list(suspects.iterator()):
            safe = safe_http_url(value)[:1000]
            if column == "canonical_url" and safe:
                taken = article_model.objects.filter(canonical_url=safe).exclude(pk=pk).exists()
                safe = "" if taken else safe
            article_model.objects.filter(pk=pk).update(**{column: safe or empty})


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0004_article_created_at_index")]

    operations = [migrations.RunPython(drop_unsafe_outside_urls, migrations.RunPython.noop)]
