"""The roles `broadsheet init` creates, tried through the admin's real views and the services.

Contributor writes and submits; Author publishes their own; Editor publishes and schedules any;
Operator runs sources, settings and tokens; internal tables are the superuser's alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.newsroom import roles, services
from broadsheet.newsroom.models import Article, Section, Tag

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:newsroom_article_changelist"
ADD = "admin:newsroom_article_add"

# Registered in the admin, and nobody's but the superuser's.
INTERNAL_ADMIN_PAGES = (
    "admin:django_tasks_database_dbtaskresult_changelist",
    "admin:ingest_tombstone_changelist",
    "admin:ingest_fetchlog_changelist",
    "admin:ingest_syndication_changelist",
    "admin:readership_articleviews_changelist",
    "admin:auth_user_changelist",
    "admin:auth_group_changelist",
)
# Every internal table, registered or not: no role holds any permission on them.
INTERNAL_MODELS = {
    "admin.logentry",
    "auth.user",
    "auth.group",
    "auth.permission",
    "contenttypes.contenttype",
    "sessions.session",
    "django_tasks_database.dbtaskresult",
    "newsroom.articleslughistory",
    "newsroom.articlebodyimage",
    "newsroom.legacyredirect",
    "newsroom.articleautosave",
    "newsroom.articlepresence",
    "reversion.revision",
    "reversion.version",
    "search.indexchange",
    "ingest.entry",
    "ingest.tombstone",
    "ingest.syndication",
    "ingest.fetchlog",
    "wpimport.wordpressitem",
    "discovery.story",
    "discovery.storyredirect",
    "discovery.storymembership",
    "discovery.relatedarticle",
    "discovery.pendingarticle",
    "readership.articleviews",
    "readership.hourlyviews",
    "media.rendition",
    "audience.pendingsignup",
    "audience.delivery",
}


@pytest.fixture
def people(db) -> dict[str, Any]:
    """One staff user per role (two contributors and two authors), each in their group only."""
    roles.ensure_roles()
    users = {}
    for name, role in (
        ("cora", roles.CONTRIBUTOR),
        ("cole", roles.CONTRIBUTOR),
        ("ada", roles.AUTHOR),
        ("abe", roles.AUTHOR),
        ("eve", roles.EDITOR),
        ("otto", roles.OPERATOR),
    ):
        user = get_user_model().objects.create_user(name, password=f"pw-{name}", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        users[name] = user
    return users


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(section: Section, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "headline": "Harbour lights return",
        "slug": "",
        "dek": "The lamps are back.",
        "body": "<p>Lit again.</p>",
        "section": section.pk,
        "author": "",
        "byline": "",
        "tags": [],
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "language": "en",
        "lead_image_url": "",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "source_name": "",
        "source_home_url": "",
        "canonical_url": "",
    }
    data.update(overrides)
    return data


def at(moment: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {"published_at_0": local.date().isoformat(), "published_at_1": local.strftime("%H:%M:%S")}


def write(user: Any, section: Section, headline: str, status: str = "draft") -> Article:
    """An article `user` wrote through the services, as the admin writes it."""
    return services.save_article(Article(headline=headline, section=section, status=status), by=user)


def change_url(article: Article) -> str:
    return reverse("admin:newsroom_article_change", args=[article.pk])


def status_choices(response: Any) -> list[str]:
    return [value for value, _ in response.context["adminform"].form.fields["status"].choices]


def public_status(article: Article) -> int:
    cache.clear()  # the page cache would answer for an earlier request
    return Client().get(article.get_absolute_url()).status_code


# --- the groups ------------------------------------------------------------------------------


def _snapshot() -> dict[str, set[str]]:
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def test_ensure_roles_twice_leaves_the_same_groups_and_permissions(db):
    first = roles.ensure_roles()
    assert set(first) == {"Contributor", "Author", "Editor", "Operator"} and all(first.values())
    created = _snapshot()
    assert created == {name: set(names) for name, names in roles.ROLES.items()}

    assert roles.ensure_roles() == dict.fromkeys(roles.ROLES, 0)
    assert _snapshot() == created
    assert Group.objects.count() == 4

    # A permission taken away comes back; one a site's owner added stays.
    editor = Group.objects.get(name="Editor")
    editor.permissions.remove(editor.permissions.get(codename="publish_article"))
    operator = Group.objects.get(name="Operator")
    operator.permissions.add(operator.permissions.model.objects.get(codename="view_contactmessage"))
    assert roles.ensure_roles()["Editor"] == 1
    after = _snapshot()
    assert "newsroom.publish_article" in after["Editor"]
    assert "inbox.view_contactmessage" in after["Operator"]


def test_no_role_holds_a_permission_on_an_internal_table(db):
    roles.ensure_roles()
    for group in Group.objects.prefetch_related("permissions__content_type"):
        models = {f"{p.content_type.app_label}.{p.content_type.model}" for p in group.permissions.all()}
        assert not models & INTERNAL_MODELS, (group.name, models & INTERNAL_MODELS)
    held = _snapshot()
    assert "newsroom.publish_article" not in held["Author"]  # their own only
    assert "newsroom.change_article" not in held["Author"] | held["Contributor"]
    assert not {p for p in held["Operator"] if p.endswith("_article")}


@pytest.mark.parametrize("name", ["cora", "ada", "eve", "otto"])
def test_internal_tables_are_forbidden_to_every_role(people, name):
    client = client_for(people[name])
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for page in INTERNAL_ADMIN_PAGES:
        assert client.get(reverse(page)).status_code == 403, (name, page)
    listed = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert not listed & {
        "DBTaskResult",
        "Tombstone",
        "FetchLog",
        "Syndication",
        "ArticleViews",
        "User",
        "Group",
    }


# --- Contributor --------------------------------------------------------------------------------


def test_a_contributor_writes_and_submits_but_cannot_publish(people, section):
    cora = people["cora"]
    client = client_for(cora)
    add = client.get(reverse(ADD))
    assert status_choices(add) == ["draft", "pending_review"]
    assert "published_at" not in add.context["adminform"].form.fields  # the editor's to set

    # A crafted POST with status=published is refused, and nothing is stored.
    refused = client.post(
        reverse(ADD), form(section, headline="Straight out", status="published", **at(clock.now()))
    )
    assert refused.status_code == 200 and "not one of the available choices" in refused.content.decode()
    assert not Article.objects.filter(headline="Straight out").exists()

    assert client.post(reverse(ADD), form(section, headline="Ferry fares rise")).status_code == 302
    draft = Article.objects.get(headline="Ferry fares rise")
    assert (draft.status, draft.created_by) == ("draft", cora)

    # Submitting for review: the same form, status Pending review.
    page = client.get(change_url(draft))
    assert status_choices(page) == ["draft", "pending_review"]
    assert (
        client.post(
            change_url(draft), form(section, headline="Ferry fares rise", status="pending_review")
        ).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.status == "pending_review" and draft.state == "pending_review"

    # Publishing it by a crafted POST on the change form: refused, still waiting.
    client.post(
        change_url(draft), form(section, headline="Ferry fares rise", status="published", **at(clock.now()))
    )
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == ("pending_review", None)

    # Nor by the bulk action, which is not even offered.
    changelist = client.get(reverse(CHANGELIST))
    action_form = changelist.context["action_form"]
    offered = [value for value, _ in action_form.fields["action"].choices] if action_form else []
    assert "publish_now" not in offered
    client.post(reverse(CHANGELIST), {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "pending_review" and public_status(draft) == 404


def test_the_services_refuse_a_contributor_whatever_the_form_says(people, section):
    cora = people["cora"]
    draft = write(cora, section, "Quay repairs")
    for attempt in (
        lambda a: services.publish(a, by=cora),
        lambda a: services.schedule(a, clock.now() + dt.timedelta(hours=1), by=cora),
    ):
        with pytest.raises(PermissionDenied):
            attempt(Article.objects.get(pk=draft.pk))
        assert Article.objects.get(pk=draft.pk).status == "draft"
    services.submit_for_review(draft, by=cora)
    assert Article.objects.get(pk=draft.pk).status == "pending_review"
    services.return_to_draft(draft, by=cora)
    assert Article.objects.get(pk=draft.pk).status == "draft"
    # Someone else's draft is not theirs to touch, even to submit it.
    coles = write(people["cole"], section, "Cole's draft")
    with pytest.raises(PermissionDenied):
        services.submit_for_review(coles, by=cora)
    assert Article.objects.get(pk=coles.pk).status == "draft"


def test_a_contributor_sees_and_changes_only_their_own(people, section, make_article):
    cora, cole = people["cora"], people["cole"]
    mine = write(cora, section, "Mine")
    theirs = write(cole, section, "Theirs")
    feed = make_article(publish=False, headline="From a feed")  # no creator
    client = client_for(cora)
    listed = {a.pk for a in client.get(reverse(CHANGELIST)).context["cl"].result_list}
    assert listed == {mine.pk}
    for other in (theirs, feed):
        response = client.post(change_url(other), form(section, headline="Taken over"))
        assert response.status_code in (302, 403)
        other.refresh_from_db()
        assert other.headline != "Taken over"
        assert client.get(change_url(other)).status_code in (302, 403)
    # Once an editor publishes their article, it is read-only to them.
    services.publish(mine, by=people["eve"])
    page = client.get(change_url(mine))
    assert page.status_code == 200 and "Published" in page.content.decode()
    assert not page.context["has_change_permission"] and 'name="_save"' not in page.content.decode()
    assert (
        client.post(change_url(mine), form(section, headline="Rewritten", status="draft")).status_code == 403
    )
    mine.refresh_from_db()
    assert (mine.headline, mine.status) == ("Mine", "published")


# --- Author ---------------------------------------------------------------------------------


def test_an_author_publishes_their_own_but_not_anothers(people, section):
    ada, abe = people["ada"], people["abe"]
    client = client_for(ada)
    add = client.get(reverse(ADD))
    assert status_choices(add) == ["draft", "pending_review", "published", "withdrawn"]
    response = client.post(
        reverse(ADD), form(section, headline="Ada's scoop", status="published", **at(clock.now()))
    )
    assert response.status_code == 302
    scoop = Article.objects.get(headline="Ada's scoop")
    assert scoop.created_by == ada and scoop.state == "published" and public_status(scoop) == 200

    # The bulk actions are offered, and work on their own articles.
    draft = write(ada, section, "Ada's second")
    client.post(reverse(CHANGELIST), {"action": "publish_now", "_selected_action": [draft.pk]})
    assert Article.objects.get(pk=draft.pk).state == "published"

    # Another author's submission: not listed, not changed, not published.
    abes = write(abe, section, "Abe's piece", status="pending_review")
    assert abes.pk not in {a.pk for a in client.get(reverse(CHANGELIST)).context["cl"].result_list}
    client.post(
        change_url(abes), form(section, headline="Abe's piece", status="published", **at(clock.now()))
    )
    client.post(reverse(CHANGELIST), {"action": "publish_now", "_selected_action": [abes.pk]})
    abes.refresh_from_db()
    assert abes.status == "pending_review" and public_status(abes) == 404
    with pytest.raises(PermissionDenied):
        services.publish(abes, by=ada)
    assert Article.objects.get(pk=abes.pk).status == "pending_review"

    # Withdrawing their own published article is theirs too.
    services.withdraw(scoop, by=ada)
    assert Article.objects.get(pk=scoop.pk).status == "withdrawn"


# --- Editor ---------------------------------------------------------------------------------


def test_an_editor_sees_what_waits_publishes_any_and_schedules(people, section, monkeypatch):
    cora = people["cora"]
    waiting = [write(cora, section, f"Submission {n}", status="pending_review") for n in range(3)]
    write(cora, section, "Still a draft")
    client = client_for(people["eve"])

    changelist = client.get(reverse(CHANGELIST))
    assert "Pending review (3)" in changelist.content.decode()
    filtered = client.get(reverse(CHANGELIST) + "?state=pending_review")
    assert {a.pk for a in filtered.context["cl"].result_list} == {a.pk for a in waiting}
    assert "Pending review" in filtered.content.decode()

    # Publish one now, send one back, schedule the third for an hour ahead.
    first, second, third = waiting
    assert (
        client.post(
            change_url(first), form(section, headline=first.headline, status="published", **at(clock.now()))
        ).status_code
        == 302
    )
    assert Article.objects.get(pk=first.pk).state == "published"
    services.return_to_draft(second, by=people["eve"])
    assert Article.objects.get(pk=second.pk).status == "draft"
    due = (clock.now() + dt.timedelta(hours=1)).replace(microsecond=0)
    response = client.post(
        change_url(third), form(section, headline=third.headline, status="published", **at(due))
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.state == "scheduled" and third.published_at == due
    scheduled = client.get(reverse(CHANGELIST) + "?state=scheduled")
    assert [a.pk for a in scheduled.context["cl"].result_list] == [third.pk]
    assert "bs-state-scheduled" in scheduled.content.decode()
    assert "bs-state-scheduled" in client.get(change_url(third)).content.decode()  # the form says so
    assert public_status(third) == 404
    assert "Pending review (0)" in client.get(reverse(CHANGELIST)).content.decode()

    # On time it is public, with no one acting.
    later = due + dt.timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    third.refresh_from_db()
    assert third.state == "published" and public_status(third) == 200

    # Sections, pages, tags and authors are theirs; sources, settings and tokens are not.
    for name in ("section", "page", "tag", "author"):
        assert client.get(reverse(f"admin:newsroom_{name}_add")).status_code == 200, name
    for name in (
        "admin:ingest_source_changelist",
        "admin:newsroom_sitesettings_changelist",
        "admin:api_apitoken_add",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_schedule_needs_a_future_time(people, section):
    article = write(people["eve"], section, "Too late")
    with pytest.raises(ValueError, match="future"):
        services.schedule(article, clock.now() - dt.timedelta(minutes=1), by=people["eve"])
    assert Article.objects.get(pk=article.pk).status == "draft"


# --- Operator -------------------------------------------------------------------------------


def test_an_operator_runs_sources_settings_and_tokens_but_not_articles(people, section, make_article):
    otto = people["otto"]
    client = client_for(otto)
    live = make_article()
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse(ADD)).status_code == 403
    assert client.get(change_url(live)).status_code == 403
    assert (
        client.post(change_url(live), form(section, headline="Ops edit", status="withdrawn")).status_code
        == 403
    )
    assert client.post(reverse(ADD), form(section, headline="Ops story")).status_code == 403
    live.refresh_from_db()
    assert (live.headline, live.status) != ("Ops edit", "withdrawn")
    assert not Article.objects.filter(headline="Ops story").exists()
    with pytest.raises(PermissionDenied):
        services.withdraw(live, by=otto)

    assert client.get(reverse("admin:ingest_source_changelist")).status_code == 200
    assert client.get(reverse("admin:ingest_source_add")).status_code == 200
    assert client.get(reverse("admin:newsroom_sitesettings_changelist")).status_code in (200, 302)
    # A token acts as its user: an operator makes tokens for themselves only, never for an
    # editor (or the superuser), which would hand them the right to publish.
    add_token = client.get(reverse("admin:api_apitoken_add"))
    assert add_token.status_code == 200
    users = list(add_token.context["adminform"].form.fields["user"].queryset)
    assert users == [otto]
    response = client.post(reverse("admin:api_apitoken_add"), {"user": people["eve"].pk, "name": "borrowed"})
    assert response.status_code == 200 and "not one of the available choices" in response.content.decode()
    for name in ("section", "tag", "author", "page"):
        assert client.get(reverse(f"admin:newsroom_{name}_add")).status_code == 403, name


def test_previews_follow_the_roles(people, section):
    cache.clear()
    mine = write(people["cora"], section, "Cora's draft", status="pending_review")
    theirs = write(people["cole"], section, "Cole's draft")
    embargoed = services.schedule(
        write(people["eve"], section, "Embargoed"), clock.now() + dt.timedelta(hours=2), by=people["eve"]
    )
    cora, otto, eve = (client_for(people[name]) for name in ("cora", "otto", "eve"))
    assert cora.get(mine.get_absolute_url()).status_code == 200
    assert cora.get(theirs.get_absolute_url()).status_code == 404
    assert cora.get(embargoed.get_absolute_url()).status_code == 404
    assert otto.get(embargoed.get_absolute_url()).status_code == 404
    for article in (mine, theirs, embargoed):
        assert eve.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("name", ["cora", "ada"])
def test_writers_can_file_with_the_author_and_tag_autocompletes(people, author, name):
    Tag.objects.create(name="Harbour", slug="harbour")
    client = client_for(people[name])
    for field, term, expected in (("tags", "harb", "Harbour"), ("author", "mara", "Mara Quill")):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "newsroom", "model_name": "article", "field_name": field, "term": term},
        )
        assert response.status_code == 200, (name, field)
        assert [r["text"] for r in response.json()["results"]] == [expected]
    # Reading is all: the structure's forms are the editor's.
    assert client.get(reverse("admin:newsroom_tag_add")).status_code == 403


# --- the image library -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "browse", "upload", "delete"),
    [
        ("cora", 200, 403, False),  # a Contributor picks from the library
        ("ada", 200, 200, False),  # an Author also uploads
        ("eve", 200, 200, True),  # an Editor also deletes
        ("otto", 403, 403, False),  # an Operator has no part in it
    ],
)
def test_the_image_library_by_role(people, name, browse, upload, delete):
    client = client_for(people[name])
    assert client.get(reverse("admin:media_image_changelist")).status_code == browse
    autocomplete = reverse("admin:autocomplete") + (
        "?app_label=newsroom&model_name=article&field_name=lead_media&term="
    )
    assert client.get(autocomplete).status_code == browse
    assert client.get(reverse("admin:media_image_add")).status_code == upload
    assert people[name].has_perm("media.delete_image") is delete


@pytest.mark.parametrize(
    ("name", "issues", "subscribers"),
    [("cora", 403, 403), ("ada", 403, 403), ("eve", 200, 403), ("otto", 403, 200)],
)
def test_newsletters_by_role(people, name, issues, subscribers):
    # Editors send issues and alerts; Operators answer subscribers' privacy requests.
    client = client_for(people[name])
    assert client.get(reverse("admin:audience_issue_changelist")).status_code == issues
    assert client.get(reverse("admin:audience_issue_alert")).status_code == issues
    assert client.get(reverse("admin:audience_subscriber_changelist")).status_code == subscribers
