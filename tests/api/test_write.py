"""Token-authenticated writes: create, update, withdraw articles; add sources; rate limits."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from broadsheet.api.models import ApiToken
from broadsheet.core import clock
from broadsheet.ingest.models import Source
from broadsheet.newsroom.models import Article, ArticleSlugHistory, Tag
from broadsheet.newsroom.signals import published

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, data: object) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def _patch(client: Client, url: str, data: object) -> object:
    return client.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def signals():
    """The actions of `published` signals sent by the callbacks a block commits."""
    sent: list[str] = []

    def receiver(sender, action, **kwargs):
        sent.append(action)

    published.connect(receiver, dispatch_uid="test-api-signals")
    yield sent
    published.disconnect(dispatch_uid="test-api-signals")


def test_create_sanitises_and_publishes(writer, section, author, signals, django_capture_on_commit_callbacks):
    payload = {
        "headline": "Dock strike ends",
        "section": "business",
        "author": "mara-quill",
        "body_html": '<p onclick="x()">Back to work.</p><script>alert(1)</script>',
        "tags": ["Docks", "Labour news"],
        "status": "published",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(writer, "/api/v1/articles", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["body_html"] == "<p>Back to work.</p>"
    assert body["status"] == "published" and body["slug"] == "dock-strike-ends"
    assert [t["slug"] for t in body["tags"]] == ["docks", "labour-news"]
    assert response["Location"] == f"http://testserver/api/v1/articles/{body['id']}"
    assert response["Cache-Control"] == "no-store"
    assert signals == ["published"]
    assert Article.objects.published().filter(pk=body["id"]).exists()
    assert ApiToken.objects.get().last_used_at is not None


def test_create_defaults_to_a_draft_and_can_schedule(writer, section):
    draft = _post(writer, "/api/v1/articles", {"headline": "Quiet", "section": "business"}).json()
    assert draft["status"] == "draft" and draft["published_at"] is None
    later = (clock.now() + dt.timedelta(days=2)).isoformat()
    scheduled = _post(
        writer,
        "/api/v1/articles",
        {"headline": "Later", "section": "business", "status": "published", "published_at": later},
    ).json()
    assert scheduled["status"] == "scheduled"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"headline": "x", "section": "nowhere"}, 422, "unknown_section"),
        ({"headline": "x", "section": "business", "author": "nobody"}, 422, "unknown_author"),
        ({"headline": "x", "section": "business", "slug": "api"}, 422, "reserved_slug"),
        ({"headline": "x", "section": "business", "tags": ["!!!"]}, 422, "bad_tag"),
        ({"headline": "   ", "section": "business"}, 422, "invalid"),
        ({"section": "business"}, 422, "invalid"),
        ({"headline": "x", "section": "business", "published_at": "0.5"}, 422, "invalid"),
        (
            {"headline": "x", "section": "business", "published_at": "9999-12-31T23:00:00-14:00"},
            422,
            "invalid",
        ),
        (["a list"], 400, "bad_request"),
    ],
)
def test_create_rejects_bad_input_clearly(writer, section, author, payload, status, code):
    response = _post(writer, "/api/v1/articles", payload)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert Article.objects.count() == 0


def test_malformed_json_is_a_400(writer, section):
    response = writer.post("/api/v1/articles", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_nul_characters_are_dropped_not_a_500(writer, section):
    response = _post(writer, "/api/v1/articles", {"headline": "Nul\u0000byte", "section": "business"})
    assert response.status_code == 201
    assert response.json()["headline"] == "Nulbyte"


def test_taken_slug_is_a_conflict(writer, make_article):
    existing = make_article()
    response = _post(
        writer, "/api/v1/articles", {"headline": "x", "section": "business", "slug": existing.slug}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slug_taken"


def test_patch_changes_only_given_fields(writer, make_article, signals, django_capture_on_commit_callbacks):
    article = make_article(tags=["Ferries"])
    old_slug = article.slug
    with django_capture_on_commit_callbacks(execute=True):
        response = _patch(
            writer,
            f"/api/v1/articles/{article.pk}",
            {"headline": "New headline", "slug": "new-headline", "body_html": "<p>Hi<iframe></iframe></p>"},
        )
    assert response.status_code == 200
    body = response.json()
    assert (body["headline"], body["slug"], body["body_html"]) == (
        "New headline",
        "new-headline",
        "<p>Hi</p>",
    )
    assert body["dek"] == "A fictional story for tests." and [t["slug"] for t in body["tags"]] == ["ferries"]
    assert ArticleSlugHistory.objects.filter(slug=old_slug, article=article).exists()
    assert signals == ["updated"]


def test_patch_clears_author_and_replaces_tags(writer, make_article):
    article = make_article(tags=["Ferries"])
    body = _patch(writer, f"/api/v1/articles/{article.pk}", {"author": "", "tags": ["Council"]}).json()
    assert body["author"] is None and [t["slug"] for t in body["tags"]] == ["council"]
    assert Tag.objects.filter(slug="ferries").exists()


def test_patch_reaches_drafts_but_reads_do_not(writer, client, make_article):
    draft = make_article(publish=False)
    assert client.get(f"/api/v1/articles/{draft.pk}").status_code == 404
    response = _patch(writer, f"/api/v1/articles/{draft.pk}", {"status": "published"})
    assert response.json()["status"] == "published"
    assert client.get(f"/api/v1/articles/{draft.pk}").status_code == 200


def test_patch_missing_article_is_404(writer, db):
    response = _patch(writer, "/api/v1/articles/999999", {"headline": "x"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_withdraw_takes_it_off_the_site(
    writer, client, make_article, signals, django_capture_on_commit_callbacks
):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(f"/api/v1/articles/{article.pk}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert signals == ["withdrawn"]
    assert client.get(f"/api/v1/articles/{article.pk}").status_code == 404
    # Again: nothing changes, nothing is announced.
    with django_capture_on_commit_callbacks(execute=True):
        assert writer.post(f"/api/v1/articles/{article.pk}/withdraw").status_code == 200
    assert signals == ["withdrawn"]


# -- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nope", "Token abc", "Basic dXNlcjpwYXNz"])
def test_writes_need_a_valid_token(client, section, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post(
        "/api/v1/articles", json.dumps({"headline": "x", "section": "business"}), "application/json", **extra
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Article.objects.count() == 0


def test_revoked_token_is_refused(writer, section):
    ApiToken.objects.get().revoke()
    assert _post(writer, "/api/v1/articles", {"headline": "x", "section": "business"}).status_code == 401


def test_token_of_a_user_no_longer_staff_is_forbidden(writer, staff, section):
    staff.is_staff = False
    staff.save()
    response = _post(writer, "/api/v1/articles", {"headline": "x", "section": "business"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_only_the_hash_is_stored(token):
    stored = ApiToken.objects.get()
    assert token not in (stored.key_hash, stored.key_start)
    assert len(stored.key_hash) == 64 and token.startswith(stored.key_start)


def test_csrf_does_not_apply_to_token_calls(token, section):
    strict = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert _post(strict, "/api/v1/articles", {"headline": "x", "section": "business"}).status_code == 201


def test_write_calls_are_rate_limited_per_token(writer, staff, make_token, section, settings):
    settings.BROADSHEET_API_WRITE_RATE = 3
    for _ in range(3):
        assert _post(writer, "/api/v1/articles", {"headline": "x", "section": "business"}).status_code == 201
    limited = _post(writer, "/api/v1/articles", {"headline": "x", "section": "business"})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    # The count spans this minute and the last: three calls in this one keep the token out
    # until the end of the next, so at most two minutes.
    assert 1 <= int(limited["Retry-After"]) <= 120
    assert limited.json()["error"]["details"] == {"retry_after": int(limited["Retry-After"])}
    other = Client(HTTP_AUTHORIZATION=f"Bearer {make_token(staff, 'second')}")
    assert _post(other, "/api/v1/articles", {"headline": "x", "section": "business"}).status_code == 201


@pytest.fixture
def frozen_clock(monkeypatch):
    """broadsheet.core.clock.now() reads `moment[0]`, which the test moves forward."""
    moment = [dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment


def test_write_limit_holds_in_every_minute_across_a_window_boundary(writer, section, settings, frozen_clock):
    """One call every 5 s for five minutes, starting 15 s before a minute turns: no span of
    60 s may accept more than the limit. A fixed window accepted 3 calls at :45-:55 and 3
    more at :00-:10, six in 25 s."""
    settings.BROADSHEET_API_WRITE_RATE = 3
    start = frozen_clock[0] + dt.timedelta(seconds=45)
    accepted: list[dt.datetime] = []
    refused: list[tuple[dt.datetime, int]] = []
    for step in range(60):
        frozen_clock[0] = start + dt.timedelta(seconds=5 * step)
        response = _post(writer, "/api/v1/articles", {"headline": "x", "section": "business"})
        assert response.status_code in (201, 429), response.content
        if response.status_code == 201:
            accepted.append(frozen_clock[0])
        else:
            refused.append((frozen_clock[0], int(response["Retry-After"])))
    busiest = max(
        sum(1 for t in accepted if first <= t < first + dt.timedelta(seconds=60)) for first in accepted
    )
    assert busiest <= 3, [f"{t:%M:%S}" for t in accepted]
    assert len(accepted) >= 6  # still lets a steady client through, three at a time
    # Retry-After is exact: every call before it passes is refused, the first one after is let in.
    for when, wait in refused:
        ready = when + dt.timedelta(seconds=wait)
        assert not [t for t in accepted if when <= t < ready]
        if ready <= frozen_clock[0]:
            assert min(t for t in accepted if t >= when) - ready < dt.timedelta(seconds=5)


def test_reads_are_not_rate_limited(client, newsroom, settings):
    settings.BROADSHEET_API_WRITE_RATE = 1
    assert all(client.get("/api/v1/articles").status_code == 200 for _ in range(5))


# -- sources ----------------------------------------------------------------------------------


def test_add_source_from_a_loopback_feed(writer, section, settings, feed_server):
    settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS = True
    response = _post(writer, "/api/v1/sources", {"url": feed_server, "section": "business", "mode": "full"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["section"], body["mode"]) == ("Harbor Gazette", "business", "full")
    assert Source.objects.filter(pk=body["id"], feed_url=feed_server).exists()
    again = _post(writer, "/api/v1/sources", {"url": feed_server})
    assert again.status_code == 409 and again.json()["error"]["code"] == "source_exists"


def test_add_source_refuses_private_addresses_by_default(writer, db, feed_server):
    response = _post(writer, "/api/v1/sources", {"url": feed_server})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "feed_unreachable"
    assert Source.objects.count() == 0


def test_add_source_with_unknown_section(writer, db, fake_fetcher):
    response = _post(writer, "/api/v1/sources", {"url": "https://feeds.example.test/rss", "section": "nope"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "bad_source"


def test_a_tag_made_by_another_request_meanwhile_is_taken_not_a_server_error(db):
    # Two writers naming the same new tag both find it missing; the second to create it meets
    # the unique constraint and must take the first one's tag.
    from broadsheet.api.articles import create_tag

    first = create_tag("harbour-works", "Harbour works")
    assert create_tag("harbour-works", "Harbour works") == first
    assert create_tag("harbour-works", "harbour works") == first  # same slug, other case
    assert Tag.objects.count() == 1


def test_api_writes_record_revisions_naming_the_tokens_user(writer, staff, section):
    from broadsheet.newsroom import revisions

    created = _post(writer, "/api/v1/articles", {"headline": "Wire copy", "section": "business"}).json()
    _patch(writer, f"/api/v1/articles/{created['id']}", {"headline": "Wire copy, corrected"})
    article = Article.objects.get(pk=created["id"])
    recorded = [(v.revision.user, v.revision.comment) for v in revisions.versions(article)]
    assert recorded == [(staff, "Edited"), (staff, "Created")]
