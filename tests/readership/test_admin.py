"""The daily view counts in the admin: listed, never added, changed or deleted by hand."""

from __future__ import annotations

import pytest
from django.urls import reverse

from broadsheet.core import clock
from broadsheet.readership.models import ArticleViews

pytestmark = pytest.mark.django_db


def test_article_views_are_read_only(admin_client, make_article):
    article = make_article(headline="Popular piece")
    today = clock.now().date()
    ArticleViews.objects.create(article=article, day=today, views=42)
    response = admin_client.get(
        reverse("admin:readership_articleviews_changelist") + f"?day__gte={today.isoformat()}"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Popular piece" in content and "42" in content
    assert admin_client.get(reverse("admin:readership_articleviews_add")).status_code == 403
    row = ArticleViews.objects.get()
    response = admin_client.post(
        reverse("admin:readership_articleviews_change", args=[row.pk]),
        {"article": article.pk, "day": today.isoformat(), "views": 1},
    )
    assert response.status_code == 403
    assert ArticleViews.objects.get().views == 42
