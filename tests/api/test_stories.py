"""Stories through the API: the list and the timeline, the articles' story filter, only public
versions (and figures over them alone), keyset cursors in fixed queries, caching and errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.api import cursors
from broadsheet.core import clock
from broadsheet.discovery import stories
from broadsheet.discovery.models import Story, StoryMembership, StoryRedirect
from broadsheet.newsroom.models import Article
from tests.discovery.fixtures import create_events

pytestmark = pytest.mark.django_db


def make_story(articles: list[Article]) -> Story:
    """A story row and its memberships written straight to the tables, figures as the
    clustering would store them (scheduled versions included, as `stories.assign` does)."""
    ordered = sorted(articles, key=lambda a: (a.published_at, a.pk))
    story = Story.objects.create(
        headline=ordered[0].headline,
        slug=stories._slug(ordered[0].headline),
        first_published_at=ordered[0].published_at,
        last_published_at=ordered[-1].published_at,
        article_count=len(ordered),
        source_count=len({stories.source_key(a) for a in ordered}),
    )
    for article in ordered:
        StoryMembership.objects.create(
            story=story, article=article, published_at=article.published_at, similarity=1.0
        )
    return story


@pytest.fixture
def story_set(newsroom, make_article) -> dict:
    """Three stories: `ferry` (two own versions, the wire version and a scheduled one), `docks`
    (one version), and `hidden` (only a draft: never shown)."""
    public = newsroom["public"]
    ferry = make_story([public[0], public[2], public[5], newsroom["scheduled"]])
    docks = make_story([public[1]])
    hidden = make_story([newsroom["draft"]])
    return {"ferry": ferry, "docks": docks, "hidden": hidden, **newsroom}


def _near(text: str, when: dt.datetime) -> bool:
    """The JSON times carry milliseconds."""
    return abs(dt.datetime.fromisoformat(text) - when) < dt.timedelta(milliseconds=1)


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_list_shows_stories_with_public_versions_newest_activity_first(client, story_set):
    response = client.get("/api/v1/stories")
    assert response.status_code == 200
    ferry, docks = story_set["ferry"], story_set["docks"]
    # The ferry story's stored last time is its scheduled version's (tomorrow): it sorts first.
    assert _ids(response) == [ferry.pk, docks.pk]
    assert response.json()["next"] is None


def test_list_figures_count_public_versions_only(client, story_set):
    public = story_set["public"]
    item = client.get("/api/v1/stories").json()["items"][0]
    ferry = story_set["ferry"]
    assert item == {
        "id": ferry.pk,
        "headline": ferry.headline,
        "slug": ferry.slug,
        "url": f"http://testserver{ferry.get_absolute_url()}",
        "api_url": f"http://testserver/api/v1/stories/{ferry.pk}",
        "articles_url": f"http://testserver/api/v1/articles?story={ferry.pk}",
        "article_count": 3,  # not the scheduled one
        "source_count": 2,  # the site's own desk and the Harbor Gazette
        "first_published_at": item["first_published_at"],
        "last_published_at": item["last_published_at"],
    }
    assert _near(item["first_published_at"], public[5].published_at)
    assert _near(item["last_published_at"], public[0].published_at)
    assert ferry.article_count == 4  # the stored figure does count it


def test_the_story_url_is_the_site_page(client, story_set):
    item = client.get("/api/v1/stories").json()["items"][0]
    page = client.get(item["url"].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert story_set["public"][0].headline in page.content.decode()


def test_list_cursor_walks_every_story_once_in_two_queries_a_page(client, story_set, make_article):
    for _ in range(3):
        make_story([make_article()])
    expected = list(
        Story.objects.exclude(pk=story_set["hidden"].pk)
        .order_by("-last_published_at", "-id")
        .values_list("pk", flat=True)
    )
    seen: list[int] = []
    url: str | None = "/api/v1/stories?limit=2"
    pages = 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        # The page of stories and their public figures; never a COUNT over the table.
        assert len(queries) == 2
        assert not any("COUNT(*)" in q["sql"].upper() for q in queries.captured_queries)
        seen += _ids(response)
        url = response.json()["next"]
        if url:
            assert "limit=2" in url
        pages += 1
    assert seen == expected and len(expected) == 5
    assert pages == 3


def test_story_timeline(client, story_set):
    public, ferry = story_set["public"], story_set["ferry"]
    response = client.get(f"/api/v1/stories/{ferry.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["article_count"], body["source_count"]) == (ferry.pk, 3, 2)
    assert body["url"] == f"http://testserver{ferry.get_absolute_url()}"
    versions = body["versions"]
    # Earliest first; the scheduled version is not there.
    assert [v["article_id"] for v in versions] == [public[5].pk, public[2].pk, public[0].pk]
    assert [v["earliest"] for v in versions] == [True, False, False]
    assert [v["source_name"] for v in versions] == ["Harbor Gazette", "", ""]
    first = versions[0]
    assert first["headline"] == public[5].headline
    assert first["url"] == f"http://testserver{public[5].get_absolute_url()}"
    assert first["api_url"] == f"http://testserver/api/v1/articles/{public[5].pk}"
    assert first["excerpt"] == "A fictional story for tests."
    assert body["first_published_at"] == first["published_at"]
    assert body["last_published_at"] == versions[-1]["published_at"]


def test_a_merged_story_id_answers_with_the_story_that_absorbed_it(client, story_set):
    ferry = story_set["ferry"]
    StoryRedirect.objects.create(old_id=10**8, story=ferry, merged_at=clock.now())
    body = client.get(f"/api/v1/stories/{10**8}").json()
    assert body["id"] == ferry.pk and len(body["versions"]) == 3


@pytest.mark.parametrize("which", ["hidden", "unknown"])
def test_a_story_without_public_versions_is_404(client, story_set, which):
    story_id = story_set["hidden"].pk if which == "hidden" else 10**9
    response = client.get(f"/api/v1/stories/{story_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response["Cache-Control"] == "no-store"


def test_a_withdrawn_version_leaves_the_story(client, story_set):
    docks = story_set["docks"]
    article = story_set["public"][1]
    Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
    assert docks.pk not in _ids(client.get("/api/v1/stories"))
    assert client.get(f"/api/v1/stories/{docks.pk}").status_code == 404


def test_articles_filtered_by_story(client, story_set):
    public, ferry = story_set["public"], story_set["ferry"]
    ids = [item["id"] for item in client.get(f"/api/v1/articles?story={ferry.pk}").json()["items"]]
    assert ids == [public[0].pk, public[2].pk, public[5].pk]  # newest first, no scheduled one
    hidden = client.get(f"/api/v1/articles?story={story_set['hidden'].pk}").json()
    assert hidden == {"items": [], "next": None}
    assert client.get("/api/v1/articles?story=999999").json()["items"] == []
    combined = client.get(f"/api/v1/articles?story={ferry.pk}&section=metro").json()["items"]
    assert [item["id"] for item in combined] == [public[5].pk]


def test_story_filter_cursor_in_two_queries_a_page(client, story_set):
    public, ferry = story_set["public"], story_set["ferry"]
    seen: list[int] = []
    url: str | None = f"/api/v1/articles?story={ferry.pk}&limit=2"
    pages = 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(queries) == 2  # the page and its tags
        seen += [item["id"] for item in response.json()["items"]]
        url = response.json()["next"]
        if url:
            assert f"story={ferry.pk}" in url
        pages += 1
    assert seen == [public[0].pk, public[2].pk, public[5].pk]
    assert pages == 2


@pytest.mark.parametrize("value", ["0", "-1", "abc", str(2**63)])
def test_a_bad_story_filter_is_a_422(client, story_set, value):
    response = client.get("/api/v1/articles", {"story": value})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("path", ["/api/v1/stories", "story"])
def test_story_reads_are_cacheable_and_answer_304(client, story_set, path):
    if path == "story":
        path = f"/api/v1/stories/{story_set['ferry'].pk}"
    response = client.get(path)
    assert response["Cache-Control"] == "public, max-age=60"
    etag = response["ETag"]
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    Article.objects.filter(pk=story_set["public"][0].pk).update(
        published_at=clock.now() - dt.timedelta(minutes=1)
    )
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"cursor": "nope"}, 400, "invalid_cursor"),
        ({"cursor": cursors.encode("yesterday", 1)}, 400, "invalid_cursor"),
        ({"limit": 0}, 422, "invalid"),
        ({"limit": 101}, 422, "invalid"),
    ],
)
def test_bad_list_parameters(client, story_set, query, status, code):
    response = client.get("/api/v1/stories", query)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_clustered_events_read_back_as_stored(client, db):
    """Stories made by discovery's own clustering: the API's figures are the stored ones when
    every version is public, and the story filter gives the members."""
    labels = create_events()
    for article_id in labels:
        stories.assign(article_id)
    fire = sorted(pk for pk, event in labels.items() if event == "warehouse-fire")
    story = Story.objects.get(memberships__article_id=fire[0])
    items = []
    url: str | None = "/api/v1/stories?limit=100"
    while url:
        body = client.get(url).json()
        items += body["items"]
        url = body["next"]
    assert len(items) == Story.objects.count()
    item = next(i for i in items if i["id"] == story.pk)
    assert (
        (item["article_count"], item["source_count"]) == (story.article_count, story.source_count) == (4, 4)
    )
    assert item["headline"] == story.headline
    members = client.get(item["articles_url"].removeprefix("http://testserver")).json()["items"]
    assert sorted(m["id"] for m in members) == fire
    timeline = client.get(item["api_url"].removeprefix("http://testserver")).json()["versions"]
    assert sorted(v["article_id"] for v in timeline) == fire
    assert timeline[0]["earliest"] and not any(v["earliest"] for v in timeline[1:])


def test_the_schema_documents_the_story_calls(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/stories", "/api/v1/stories/{story_id}"):
        responses = paths[path]["get"]["responses"]
        assert {"200", "400", "404", "422", "500"} <= set(responses)
    params = {p["name"] for p in paths["/api/v1/articles"]["get"]["parameters"]}
    assert "story" in params
