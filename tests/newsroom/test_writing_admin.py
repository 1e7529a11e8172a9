"""The article form's server side: the state machine's buttons and transitions, Preview of an
unsaved form, the library picker, and the word count, through the admin's real views."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from broadsheet.core import clock
from broadsheet.media.models import Image
from broadsheet.newsroom import roles
from broadsheet.newsroom.models import Article, Section
from tests.media import conftest as media_fixtures
from tests.media.conftest import halves
from tests.newsroom.test_roles import at, client_for, form

pytestmark = pytest.mark.django_db

ADD = reverse("admin:newsroom_article_add")
PREVIEW = reverse("article-preview")
PICKER = reverse("admin:newsroom_article_media_picker")

# The library's upload fixture (tests/media/conftest.py), used here too.
upload = media_fixtures.upload


@pytest.fixture
def people(db) -> dict[str, Any]:
    roles.ensure_roles()
    users = {}
    for name, role in (("cora", roles.CONTRIBUTOR), ("eve", roles.EDITOR), ("otto", roles.OPERATOR)):
        user = get_user_model().objects.create_user(name, password=f"pw-{name}", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        users[name] = user
    return users


@pytest.fixture
def harbour(db) -> Section:
    return Section.objects.create(name="Harbour", slug="harbour")


def buttons(response: Any) -> list[str]:
    return [button.label for button in response.context["workflow_buttons"]]


def current_step(response: Any) -> str:
    return next(step.label for step in response.context["workflow_steps"] if step.current)


# The state machine: what each role is offered, and what each button does.


def test_a_contributor_is_offered_save_draft_and_submit_for_review(people) -> None:
    response = client_for(people["cora"]).get(ADD)
    assert buttons(response) == ["Save draft", "Submit for review"]
    assert current_step(response) == "Draft"
    content = response.content.decode()
    assert 'aria-current="step">Draft</li>' in content
    assert 'value="publish"' not in content


def test_an_editor_is_offered_publish_or_schedule_by_the_time(people, harbour) -> None:
    editor = client_for(people["eve"])
    assert buttons(editor.get(ADD)) == ["Save draft", "Publish"]
    later = Article.objects.create(
        headline="Later", slug="later", section=harbour, published_at=clock.now() + dt.timedelta(days=1)
    )
    change = reverse("admin:newsroom_article_change", args=[later.pk])
    assert buttons(editor.get(change)) == ["Save draft", "Schedule"]


def test_submit_for_review_goes_through_the_service_and_stays_on_the_article(people, harbour) -> None:
    response = client_for(people["cora"]).post(ADD, form(harbour, _bs_transition="submit_for_review"))
    article = Article.objects.get()
    assert article.status == Article.Status.PENDING_REVIEW and article.created_by == people["cora"]
    assert response.status_code == 302
    assert response.url == reverse("admin:newsroom_article_change", args=[article.pk])


def test_save_draft_returns_a_submission_to_draft(people, harbour) -> None:
    client = client_for(people["cora"])
    client.post(ADD, form(harbour, status="pending_review"))
    article = Article.objects.get()
    change = reverse("admin:newsroom_article_change", args=[article.pk])
    client.post(change, form(harbour, status="pending_review", _bs_transition="save_draft"))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_contributor_posting_publish_is_refused_and_nothing_is_written(people, harbour) -> None:
    response = client_for(people["cora"]).post(ADD, form(harbour, _bs_transition="publish"))
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_an_unknown_transition_is_a_bad_request(people, harbour) -> None:
    response = client_for(people["eve"]).post(ADD, form(harbour, _bs_transition="teleport"))
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_publish_publishes_now_and_a_future_time_schedules(people, harbour) -> None:
    editor = client_for(people["eve"])
    editor.post(ADD, form(harbour, headline="Now", _bs_transition="publish"))
    now = Article.objects.get(headline="Now")
    assert now.state == "published" and now.published_at is not None
    due = (clock.now() + dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    editor.post(ADD, form(harbour, headline="Later", _bs_transition="publish", **at(due)))
    later = Article.objects.get(headline="Later")
    assert later.state == "scheduled" and later.published_at == due


# Preview: drawn from the POSTed form, nothing written.


def test_preview_of_an_unsaved_form_draws_the_page_and_writes_nothing(people, harbour, upload) -> None:
    image = upload(halves(1200, 800), alt="Quay")
    body = f'<p>Gulls <script>alert(1)</script>return.</p><img data-media-id="{image.pk}" src="{image.url}" alt="x">'
    tables = {model: model.objects.count() for model in (Article, Image)}
    response = client_for(people["eve"]).post(PREVIEW, form(harbour, headline="Gulls return", body=body))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="story__headline" lang="en" dir="ltr">Gulls return</h1>' in content
    assert "Preview — not published" in content
    assert "<script>alert(1)</script>" not in content  # sanitised as Save would
    assert 'type="image/webp"' in content  # the body's library image as a <picture>
    assert 'name="robots" content="noindex"' in content
    assert "no-cache" in response["Cache-Control"]
    assert {model: model.objects.count() for model in tables} == tables


def test_preview_of_a_changed_article_shows_the_edits_not_the_stored_text(people, harbour) -> None:
    client = client_for(people["cora"])
    client.post(ADD, form(harbour, headline="Stored headline"))
    article = Article.objects.get()
    url = reverse("article-preview-change", args=[article.pk])
    response = client.post(url, form(harbour, headline="Edited headline"))
    assert response.status_code == 200 and "Edited headline" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Stored headline"


def test_preview_with_bad_form_data_answers_with_the_forms_errors(people, harbour) -> None:
    bad = {**form(harbour, headline="", slug="feed"), "section": "999999"}
    response = client_for(people["eve"]).post(PREVIEW, bad)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Headline:</strong> This field is required." in content
    assert "Section:</strong> Select a valid choice." in content
    assert "reserved for a site address" in content
    assert not Article.objects.exists()


def test_preview_is_refused_without_permission(people, harbour) -> None:
    # An Operator may not write articles; nor may someone preview another's article they cannot change.
    assert client_for(people["otto"]).post(PREVIEW, form(harbour)).status_code == 403
    other = Article.objects.create(headline="Eve's", slug="eves", section=harbour, created_by=people["eve"])
    own_only = client_for(people["cora"]).post(
        reverse("article-preview-change", args=[other.pk]), form(harbour)
    )
    assert own_only.status_code == 403
    missing = client_for(people["eve"]).post(reverse("article-preview-change", args=[424242]), form(harbour))
    assert missing.status_code == 404
    # Signed out: the admin's login page, not a preview.
    anonymous = Client().post(PREVIEW, form(harbour))
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous.url
    assert not Article.objects.exclude(pk=other.pk).exists()


def test_preview_needs_post_and_a_csrf_token(people, harbour) -> None:
    client = client_for(people["eve"])
    assert client.get(PREVIEW).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["eve"])
    assert strict.post(PREVIEW, form(harbour)).status_code == 403


# The library picker and the word count.


def test_the_picker_lists_recent_images_and_searches_alt_and_caption(people, upload) -> None:
    quay = upload(halves(800, 600), alt="The quay at low tide", caption="Harbour wall")
    gulls = upload(halves(800, 600, left=(1, 2, 3)), alt="Gulls over the breakwater")
    client = client_for(people["cora"])
    listed = client.get(PICKER).json()["images"]
    assert [item["id"] for item in listed] == [gulls.pk, quay.pk]
    assert set(listed[0]) == {"id", "alt", "caption", "credit", "width", "height", "src", "thumb"}
    assert [item["id"] for item in client.get(PICKER, {"q": "harbour"}).json()["images"]] == [quay.pk]
    assert [item["id"] for item in client.get(PICKER, {"q": "gulls breakwater"}).json()["images"]] == [
        gulls.pk
    ]
    assert client.get(PICKER, {"q": "nothing like it"}).json()["images"] == []


def test_the_picker_is_refused_to_whoever_may_not_read_the_library(people) -> None:
    assert client_for(people["otto"]).get(PICKER).status_code == 403
    assert Client().get(PICKER).status_code == 302  # to the login page
    # A Contributor may read the library: their editor gets the "Insert image" button.
    assert "data-media-picker" in client_for(people["cora"]).get(ADD).content.decode()


def test_the_form_shows_words_and_reading_time_by_the_rule(people, harbour) -> None:
    client = client_for(people["eve"])
    client.post(ADD, form(harbour, body="<p>" + "word " * 231 + "</p>"))
    article = Article.objects.get()
    content = client.get(reverse("admin:newsroom_article_change", args=[article.pk])).content.decode()
    assert '<span class="bs-wordcount" data-words-per-minute="230">231 words · 2 min read</span>' in content
