"""The roles through API tokens: a token acts as its user, so it may do what their role allows
in the admin, no more (the "own" grants come from newsroom.permissions.OwnArticleBackend)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from broadsheet.newsroom import roles
from broadsheet.newsroom.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_client(make_token):
    roles.ensure_roles()

    def make(name: str, role: str) -> tuple[Any, Client]:
        user = get_user_model().objects.create_user(name, password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user, Client(HTTP_AUTHORIZATION=f"Bearer {make_token(user)}")

    return make


def _send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def _forbidden(response: Any) -> None:
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_contributor_token_writes_and_submits_its_own_drafts_only(token_client, section, make_article):
    cora, client = token_client("cora", roles.CONTRIBUTOR)
    created = _send(client, "post", "/api/v1/articles", {"headline": "Tide tables", "section": section.slug})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    article = Article.objects.get(pk=created.json()["id"])
    assert article.created_by == cora

    url = f"/api/v1/articles/{article.pk}"
    submitted = _send(client, "patch", url, {"status": "pending_review"})
    assert submitted.status_code == 200 and submitted.json()["status"] == "pending_review"
    _forbidden(_send(client, "patch", url, {"status": "published"}))
    _forbidden(
        _send(
            client,
            "post",
            "/api/v1/articles",
            {"headline": "Live", "section": section.slug, "status": "published"},
        )
    )
    assert Article.objects.get(pk=article.pk).status == "pending_review"
    assert not Article.objects.filter(headline="Live").exists()

    # Someone else's draft (here a feed's, with no creator) is not theirs.
    other = make_article(publish=False)
    _forbidden(_send(client, "patch", f"/api/v1/articles/{other.pk}", {"dek": "Mine now"}))
    assert Article.objects.get(pk=other.pk).dek != "Mine now"


def test_an_author_token_publishes_its_own_only(token_client, section):
    _, ada = token_client("ada", roles.AUTHOR)
    _, abe = token_client("abe", roles.AUTHOR)
    own = _send(
        ada, "post", "/api/v1/articles", {"headline": "Ada's", "section": section.slug, "status": "published"}
    )
    assert own.status_code == 201 and own.json()["status"] == "published"
    abes = _send(abe, "post", "/api/v1/articles", {"headline": "Abe's", "section": section.slug})
    url = f"/api/v1/articles/{abes.json()['id']}"
    _forbidden(_send(ada, "patch", url, {"status": "published"}))
    assert Article.objects.get(pk=abes.json()["id"]).status == "draft"


def test_an_operator_token_writes_no_articles(token_client, section):
    _, otto = token_client("otto", roles.OPERATOR)
    _forbidden(_send(otto, "post", "/api/v1/articles", {"headline": "Ops", "section": section.slug}))
    assert not Article.objects.exists()
