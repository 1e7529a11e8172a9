"""Token writes check the owner's Django permissions, as the admin does (issue #16, finding 5).

add/change without publish is a contributor (drafts only); newsroom.publish_article guards
every write that changes what readers see; an object-level backend (the Author role of the
newsroom issue: publish your own) plugs in through Django's backends.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from broadsheet.core import clock
from broadsheet.ingest.models import Source
from broadsheet.newsroom.models import Article, ArticleSlugHistory, Author, Tag
from tests.api.conftest import EDITOR_PERMISSIONS, grant

pytestmark = pytest.mark.django_db

CONTRIBUTOR = ("newsroom.add_article", "newsroom.change_article")


class OwnArticlesBackend:
    """What the newsroom issue's Author role can be: publish_article on articles whose author is
    the user, and on no other. A real authentication backend, loaded by Django from settings."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        return (
            user.is_active
            and perm == "newsroom.publish_article"
            and isinstance(obj, Article)
            and obj.author is not None
            and obj.author.user_id == user.pk
        )


@pytest.fixture
def client_for(make_token):
    """A token-carrying client for a new staff user holding `permissions`."""

    def make(*permissions: str, name: str = "someone", **fields: Any) -> Client:
        user = get_user_model().objects.create_user(name, password="x", is_staff=True, **fields)
        grant(user, *permissions)
        return Client(HTTP_AUTHORIZATION=f"Bearer {make_token(user)}")

    return make


def _post(client: Client, url: str, data: object | None = None):
    return client.post(url, json.dumps(data if data is not None else {}), content_type="application/json")


def _patch(client: Client, url: str, data: object):
    return client.patch(url, json.dumps(data), content_type="application/json")


def _denied(response, permission: str) -> None:
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert error["details"] == {"permission": permission}
    assert permission in error["message"]


def _snapshot() -> tuple:
    """Everything a write could change."""
    return (
        list(Article.objects.order_by("pk").values()),
        list(Article.tags.through.objects.order_by("pk").values_list("article_id", "tag_id")),
        list(Tag.objects.order_by("pk").values_list("pk", "slug")),
        list(ArticleSlugHistory.objects.order_by("pk").values_list("slug", "article_id")),
        list(Source.objects.order_by("pk").values_list("pk", "feed_url")),
    )


def _later() -> str:
    return (clock.now() + dt.timedelta(days=2)).isoformat()


# -- a staff user with no permissions ---------------------------------------------------------

NO_PERMISSION_CALLS = [
    # (name, method, path, body, the permission the answer names)
    ("create", "post", "/api/v1/articles", {"headline": "x", "section": "business"}, "newsroom.add_article"),
    (
        "create published",
        "post",
        "/api/v1/articles",
        {"headline": "x", "section": "business", "status": "published", "tags": ["New tag"]},
        "newsroom.add_article",
    ),
    ("edit", "patch", "/api/v1/articles/{public}", {"headline": "Hijacked"}, "newsroom.change_article"),
    (
        "edit a draft",
        "patch",
        "/api/v1/articles/{draft}",
        {"headline": "Hijacked"},
        "newsroom.change_article",
    ),
    ("publish", "patch", "/api/v1/articles/{draft}", {"status": "published"}, "newsroom.change_article"),
    ("withdraw", "post", "/api/v1/articles/{public}/withdraw", None, "newsroom.change_article"),
    (
        "add a source",
        "post",
        "/api/v1/sources",
        {"url": "https://feeds.example.test/rss"},
        "ingest.add_source",
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "permission"),
    NO_PERMISSION_CALLS,
    ids=[c[0] for c in NO_PERMISSION_CALLS],
)
def test_staff_without_permissions_writes_nothing(
    client_for, make_article, fake_fetcher, name, method, path, body, permission
):
    public = make_article(tags=["Ferries"])
    draft = make_article(publish=False)
    before = _snapshot()
    writer = client_for()  # staff, active, no permissions: the admin answers it 403 too
    url = path.format(public=public.pk, draft=draft.pk)
    response = _post(writer, url, body) if method == "post" else _patch(writer, url, body)
    _denied(response, permission)
    assert _snapshot() == before


def test_the_admin_and_the_api_agree(client_for, make_article):
    """The finding as filed: 403 in the admin, and now 403 through a token too."""
    article = make_article()
    user = get_user_model().objects.create_user("nobody", password="x", is_staff=True)
    admin = Client()
    admin.force_login(user)
    assert admin.get(f"/admin/newsroom/article/{article.pk}/change/").status_code == 403
    _denied(
        _patch(client_for(name="nobody-token"), f"/api/v1/articles/{article.pk}", {"dek": "x"}),
        "newsroom.change_article",
    )


# -- add and change, without publish: drafts only ----------------------------------------------


def test_a_contributor_creates_and_edits_drafts(client_for, section, make_article):
    writer = client_for(*CONTRIBUTOR)
    created = _post(
        writer, "/api/v1/articles", {"headline": "Quiet", "section": "business", "status": "draft"}
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    draft_id = created.json()["id"]
    edited = _patch(writer, f"/api/v1/articles/{draft_id}", {"headline": "Quieter", "status": "draft"})
    assert edited.status_code == 200 and edited.json()["headline"] == "Quieter"
    existing_tag = make_article(tags=["Ferries"]).tags.get()
    tagged = _patch(writer, f"/api/v1/articles/{draft_id}", {"tags": [existing_tag.name]})
    assert tagged.status_code == 200 and [t["slug"] for t in tagged.json()["tags"]] == ["ferries"]
    # Withdrawing a draft shows readers nothing new: change is enough.
    withdrawn = _post(writer, f"/api/v1/articles/{draft_id}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


CONTRIBUTOR_REFUSED = [
    (
        "create published",
        "post",
        "/api/v1/articles",
        {"headline": "x", "section": "business", "status": "published"},
    ),
    (
        "create scheduled",
        "post",
        "/api/v1/articles",
        {"headline": "x", "section": "business", "status": "published", "published_at": "LATER"},
    ),
    ("publish a draft", "patch", "/api/v1/articles/{draft}", {"status": "published"}),
    (
        "schedule a draft",
        "patch",
        "/api/v1/articles/{draft}",
        {"status": "published", "published_at": "LATER"},
    ),
    ("edit a published article", "patch", "/api/v1/articles/{public}", {"headline": "Changed"}),
    ("unpublish by PATCH", "patch", "/api/v1/articles/{public}", {"status": "draft"}),
    ("edit a scheduled article", "patch", "/api/v1/articles/{scheduled}", {"dek": "Changed"}),
    ("withdraw a published article", "post", "/api/v1/articles/{public}/withdraw", None),
    ("withdraw a scheduled article", "post", "/api/v1/articles/{scheduled}/withdraw", None),
    ("republish a withdrawn article", "patch", "/api/v1/articles/{withdrawn}", {"status": "published"}),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "body"), CONTRIBUTOR_REFUSED, ids=[c[0] for c in CONTRIBUTOR_REFUSED]
)
def test_a_contributor_cannot_publish(client_for, make_article, name, method, path, body):
    public = make_article()
    draft = make_article(publish=False)
    scheduled = make_article(published_at=clock.now() + dt.timedelta(days=1))
    withdrawn = make_article()
    withdrawn.status = Article.Status.WITHDRAWN
    withdrawn.save()
    before = _snapshot()
    writer = client_for(*CONTRIBUTOR)
    url = path.format(public=public.pk, draft=draft.pk, scheduled=scheduled.pk, withdrawn=withdrawn.pk)
    if body and body.get("published_at") == "LATER":
        body = {**body, "published_at": _later()}
    response = _post(writer, url, body) if method == "post" else _patch(writer, url, body)
    _denied(response, "newsroom.publish_article")
    assert _snapshot() == before


def test_naming_a_new_tag_needs_add_tag(client_for, section):
    writer = client_for(*CONTRIBUTOR)
    response = _post(
        writer, "/api/v1/articles", {"headline": "x", "section": "business", "tags": ["Brand new"]}
    )
    _denied(response, "newsroom.add_tag")
    assert "Brand new" in response.json()["error"]["message"]
    assert not Article.objects.exists() and not Tag.objects.exists()


# -- everything, and superusers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("permissions", "fields"),
    [(EDITOR_PERMISSIONS, {}), ((), {"is_superuser": True})],
    ids=["editor", "superuser"],
)
def test_with_every_permission_every_write_works(client_for, section, permissions, fields, fake_fetcher):
    writer = client_for(*permissions, **fields)
    created = _post(
        writer, "/api/v1/articles", {"headline": "Dock strike", "section": "business", "tags": ["Docks"]}
    )
    assert created.status_code == 201
    article_id = created.json()["id"]
    published = _patch(writer, f"/api/v1/articles/{article_id}", {"status": "published"})
    assert published.status_code == 200 and published.json()["status"] == "published"
    edited = _patch(writer, f"/api/v1/articles/{article_id}", {"headline": "Dock strike ends"})
    assert edited.status_code == 200 and edited.json()["headline"] == "Dock strike ends"
    scheduled = _patch(writer, f"/api/v1/articles/{article_id}", {"published_at": _later()})
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"
    withdrawn = _post(writer, f"/api/v1/articles/{article_id}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    source = _post(writer, "/api/v1/sources", {"url": "https://feeds.example.test/rss"})
    assert source.status_code == 201


@pytest.mark.parametrize(
    "fields", [{"is_active": False}, {"is_active": False, "is_superuser": True}], ids=["staff", "superuser"]
)
def test_tokens_of_inactive_users_do_not_work(client_for, section, fields):
    writer = client_for(*EDITOR_PERMISSIONS, **fields)
    response = _post(
        writer, "/api/v1/articles", {"headline": "x", "section": "business", "status": "published"}
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert not Article.objects.exists()


# -- an object-level backend: authors publish their own ----------------------------------------


@pytest.fixture
def own_articles_backend(settings):
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        f"{OwnArticlesBackend.__module__}.{OwnArticlesBackend.__qualname__}",
    ]


def test_an_author_role_publishes_only_their_own(client_for, make_article, author, own_articles_backend):
    writer = client_for(*CONTRIBUTOR, name="reporter")
    mine = Author.objects.create(
        name="Reporter", slug="reporter", user=get_user_model().objects.get(username="reporter")
    )
    own = _post(
        writer,
        "/api/v1/articles",
        {"headline": "Mine", "section": "business", "author": "reporter", "status": "published"},
    )
    assert own.status_code == 201 and own.json()["status"] == "published"
    theirs = _post(
        writer,
        "/api/v1/articles",
        {"headline": "Theirs", "section": "business", "author": author.slug, "status": "published"},
    )
    _denied(theirs, "newsroom.publish_article")
    someone_elses = make_article()  # by `author`, who is not this user
    _denied(_patch(writer, f"/api/v1/articles/{someone_elses.pk}", {"dek": "x"}), "newsroom.publish_article")
    # Naming yourself the author does not earn the grant: it is asked about the stored article.
    _denied(
        _patch(writer, f"/api/v1/articles/{someone_elses.pk}", {"author": "reporter"}),
        "newsroom.publish_article",
    )
    _denied(_post(writer, f"/api/v1/articles/{someone_elses.pk}/withdraw"), "newsroom.publish_article")
    # Nor does giving your own article away and publishing it in one call.
    draft = _post(
        writer, "/api/v1/articles", {"headline": "Draft", "section": "business", "author": "reporter"}
    )
    _denied(
        _patch(
            writer, f"/api/v1/articles/{draft.json()['id']}", {"author": author.slug, "status": "published"}
        ),
        "newsroom.publish_article",
    )
    assert Article.objects.get(pk=someone_elses.pk).author == author
    assert _post(writer, f"/api/v1/articles/{own.json()['id']}/withdraw").status_code == 200
    assert Article.objects.get(pk=own.json()["id"]).author == mine


# -- reads -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/articles", "/api/v1/articles/{id}", "/api/v1/sections", "/api/v1/tags"]
)
def test_reads_need_no_permission(client, client_for, newsroom, path):
    url = path.format(id=newsroom["public"][0].pk)
    assert client.get(url).status_code == 200
    assert client_for().get(url).status_code == 200  # a token without permissions changes nothing
