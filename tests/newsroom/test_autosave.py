"""Autosave and presence: the article form's JSON endpoints and what the form shows on opening."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from broadsheet.newsroom import autosave, roles, services
from broadsheet.newsroom.models import Article, ArticleAutosave, ArticlePresence

AUTOSAVE = "admin:newsroom_article_autosave"


@pytest.fixture
def people(db) -> dict[str, Any]:
    roles.ensure_roles()
    users = {}
    for name, role in (("cora", roles.CONTRIBUTOR), ("eve", roles.EDITOR), ("dana", roles.EDITOR)):
        user = get_user_model().objects.create_user(name, password=f"pw-{name}", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        users[name] = user
    users["dana"].first_name, users["dana"].last_name = "Dana", "Reyes"
    users["dana"].save()
    return users


def client_for(user: Any) -> Client:
    # The endpoints are CSRF-protected like every admin POST: tests send the token as the JS does.
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("admin:index"))
    return client


def post_json(client: Client, name: str, payload: Any, *args: Any, raw: bytes | None = None) -> Any:
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(
        reverse(name, args=args),
        body,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )


def test_autosave_keeps_the_form_aside_and_never_touches_the_article(people, section):
    eve = people["eve"]
    article = services.save_article(Article(headline="Stored headline", section=section), by=eve)
    stamp = Article.objects.get(pk=article.pk).updated_at
    client = client_for(eve)
    fields = {"headline": "Typed headline", "body": "<p>Typed</p>", "tags": ["3", "4"]}
    answer = post_json(
        client, AUTOSAVE, {"article": article.pk, "fields": fields, "labels": {"tags": {"3": "A"}}}
    )
    assert answer.status_code == 200 and answer.json()["label"].startswith("Saved draft ")
    post_json(client, AUTOSAVE, {"article": article.pk, "fields": {**fields, "headline": "Typed again"}})

    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Stored headline" and stored.updated_at == stamp
    row = ArticleAutosave.objects.get()
    assert row.user == eve and row.article == article and row.data["fields"]["headline"] == "Typed again"

    # Opening the form offers it; a real save deletes it.
    page = client.get(reverse("admin:newsroom_article_change", args=[article.pk]))
    assert page.context["bs_autosave"]["fields"]["headline"] == "Typed again"
    assert "Restore autosaved version from" in page.content.decode()
    assert 'id="bs-autosave-data"' in page.content.decode()
    form = page.context["adminform"].form
    data = {
        name: form[name].value() or "" for name in ("headline", "slug", "dek", "body", "status", "language")
    }
    data.update(
        {"section": section.pk, "_save": "Save", "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert client.post(reverse("admin:newsroom_article_change", args=[article.pk]), data).status_code == 302
    assert not ArticleAutosave.objects.exists()


def test_a_new_articles_autosave_is_offered_on_the_add_page_and_cleared_by_saving(people, section):
    eve = people["eve"]
    client = client_for(eve)
    post_json(client, AUTOSAVE, {"article": None, "fields": {"headline": "Not saved yet"}})
    post_json(client, AUTOSAVE, {"article": None, "fields": {"headline": "Still not saved"}})
    assert ArticleAutosave.objects.get(article=None).data["fields"]["headline"] == "Still not saved"
    page = client.get(reverse("admin:newsroom_article_add"))
    assert page.context["bs_autosave"]["fields"] == {"headline": "Still not saved"}
    data = {
        "headline": "Saved now",
        "slug": "",
        "section": section.pk,
        "status": "draft",
        "language": "en",
        "_save": "Save",
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
    }
    assert client.post(reverse("admin:newsroom_article_add"), data).status_code == 302
    assert not ArticleAutosave.objects.exists()


def test_an_autosave_older_than_the_stored_article_is_not_offered(people, section):
    eve = people["eve"]
    article = services.save_article(Article(headline="Stored", section=section), by=eve)
    autosave.store(eve, article, {"fields": {"headline": "Old typing"}})
    ArticleAutosave.objects.update(saved_at=article.updated_at - dt.timedelta(minutes=1))
    page = client_for(eve).get(reverse("admin:newsroom_article_change", args=[article.pk]))
    assert page.context["bs_autosave"] is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[]", 'must be an object with "fields"'),
        (b'{"fields": []}', 'must be an object with "fields"'),
        (b'{"article": "7", "fields": {}}', '"article" must be an article id or null'),
        (b'{"article": true, "fields": {}}', '"article" must be an article id or null'),
        (b'{"article": null, "fields": {"headline": 3}}', "must be a string or a list of strings"),
        (b'{"article": null, "fields": {"tags": [1]}}', "must be a string or a list of strings"),
        (b'{"article": null, "fields": {}, "labels": {"tags": "x"}}', '"labels" must be'),
    ],
)
def test_a_bad_autosave_is_refused_with_a_clear_error(people, raw, message):
    answer = post_json(client_for(people["eve"]), AUTOSAVE, None, raw=raw)
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert not ArticleAutosave.objects.exists()


def test_too_many_fields_are_refused(people):
    fields = {f"f{i}": "x" for i in range(autosave.MAX_FIELDS + 1)}
    answer = post_json(client_for(people["eve"]), AUTOSAVE, {"article": None, "fields": fields})
    assert answer.status_code == 400 and "at most" in answer.json()["error"]


def test_an_autosave_too_big_is_refused(people):
    big = {"article": None, "fields": {"body": "x" * autosave.MAX_BYTES}}
    answer = post_json(client_for(people["eve"]), AUTOSAVE, big)
    assert answer.status_code == 413 and "at most" in answer.json()["error"]
    assert not ArticleAutosave.objects.exists()


def test_autosave_needs_post_and_the_csrf_token(people):
    client = client_for(people["eve"])
    assert client.get(reverse(AUTOSAVE)).status_code == 405
    no_token = client.post(
        reverse(AUTOSAVE), b'{"article": null, "fields": {}}', content_type="application/json"
    )
    assert no_token.status_code == 403
    assert not ArticleAutosave.objects.exists()


def test_no_autosave_on_an_article_the_user_may_not_change(people, section):
    cora, eve = people["cora"], people["eve"]
    theirs = services.save_article(Article(headline="Eve's draft", section=section), by=eve)
    answer = post_json(client_for(cora), AUTOSAVE, {"article": theirs.pk, "fields": {"headline": "x"}})
    assert answer.status_code == 403
    # Her own, once published by an editor, is read-only to her: no autosave either.
    own = services.save_article(Article(headline="Cora's", section=section), by=cora)
    services.publish(own, by=eve)
    answer = post_json(client_for(cora), AUTOSAVE, {"article": own.pk, "fields": {"headline": "x"}})
    assert answer.status_code == 403
    missing = post_json(client_for(eve), AUTOSAVE, {"article": 999999, "fields": {}})
    assert missing.status_code == 404
    assert not ArticleAutosave.objects.exists()


def test_each_user_sees_only_their_own_autosave(people, section):
    eve, dana = people["eve"], people["dana"]
    article = services.save_article(Article(headline="Shared", section=section), by=eve)
    post_json(client_for(dana), AUTOSAVE, {"article": article.pk, "fields": {"headline": "Dana's typing"}})
    page = client_for(eve).get(reverse("admin:newsroom_article_change", args=[article.pk]))
    assert page.context["bs_autosave"] is None
    # Eve's discard cannot delete Dana's.
    post_json(client_for(eve), "admin:newsroom_article_autosave_discard", {"article": article.pk})
    assert ArticleAutosave.objects.filter(user=dana).exists()
    post_json(client_for(dana), "admin:newsroom_article_autosave_discard", {"article": article.pk})
    assert not ArticleAutosave.objects.exists()


def test_a_second_editor_is_warned_who_has_the_article_open(people, section):
    eve, dana = people["eve"], people["dana"]
    article = services.save_article(Article(headline="Busy", section=section), by=eve)
    change = reverse("admin:newsroom_article_change", args=[article.pk])
    assert client_for(dana).get(change).context["bs_others"] == []
    page = client_for(eve).get(change)
    assert page.context["bs_others"] == ["Dana Reyes has this article open (active 0 s ago)"]
    assert "Dana Reyes has this article open" in page.content.decode()

    # The heartbeat answers with the others; someone not seen for a minute has gone.
    dana_client = client_for(dana)
    beat = post_json(dana_client, "admin:newsroom_article_presence", {}, article.pk)
    assert beat.json() == {"others": ["eve has this article open (active 0 s ago)"]}
    ArticlePresence.objects.filter(user=eve).update(seen_at=timezone.now() - dt.timedelta(seconds=61))
    assert post_json(dana_client, "admin:newsroom_article_presence", {}, article.pk).json() == {"others": []}
    # Leaving says so at once.
    post_json(client_for(eve), "admin:newsroom_article_presence", {}, article.pk)
    post_json(client_for(eve), "admin:newsroom_article_presence", {"leaving": True}, article.pk)
    assert post_json(dana_client, "admin:newsroom_article_presence", {}, article.pk).json() == {"others": []}


def test_presence_refuses_bad_requests(people, section):
    eve = services.save_article(Article(headline="Eve's", section=section), by=people["eve"])
    cora = client_for(people["cora"])
    assert post_json(cora, "admin:newsroom_article_presence", {}, eve.pk).status_code == 403
    own = client_for(people["eve"])
    assert post_json(own, "admin:newsroom_article_presence", {}, 999999).status_code == 404
    bad = post_json(own, "admin:newsroom_article_presence", None, eve.pk, raw=b"{oops")
    assert bad.status_code == 400 and "Not valid JSON" in bad.json()["error"]
    assert own.get(reverse("admin:newsroom_article_presence", args=[eve.pk])).status_code == 405
    assert not ArticlePresence.objects.filter(user=people["cora"]).exists()
