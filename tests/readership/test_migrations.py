"""The view tables move to readership (#11) with their rows, permissions and content types."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from broadsheet.core import clock
from broadsheet.readership.models import ArticleViews, HourlyViews

BEFORE = [
    ("readership", None),
    ("newsroom", "0007_legacy_redirect"),
    ("discovery", "0003_pending_article"),
]


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_rows_and_content_types_follow_the_models(make_article):
    article = make_article()
    day, hour = dt.date(2026, 12, 1), clock.now().replace(minute=0, second=0, microsecond=0)
    permission = Permission.objects.get(codename="view_articleviews")
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE).loader.project_state(BEFORE[1:]).apps
        old.get_model("newsroom", "ArticleViews").objects.create(article_id=article.pk, day=day, views=5)
        old.get_model("discovery", "HourlyViews").objects.create(article_id=article.pk, hour=hour, views=3)
        ContentType.objects.clear_cache()
        assert ContentType.objects.get(pk=permission.content_type_id).app_label == "newsroom"
        assert ContentType.objects.filter(app_label="discovery", model="hourlyviews").exists()
    finally:
        migrate(leaves)
    ContentType.objects.clear_cache()
    assert ArticleViews.objects.get(article=article, day=day).views == 5
    assert HourlyViews.objects.get(article=article, hour=hour).views == 3
    permission.refresh_from_db()
    assert permission.content_type == ContentType.objects.get_for_model(ArticleViews)
    assert not ContentType.objects.filter(app_label__in=["newsroom", "discovery"], model__endswith="views")
