"""The newsroom admin: changelist, bulk actions, saving through services, singletons, uploads."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.admin import actions as admin_actions
from broadsheet.newsroom.admin.pagination import CappedPaginator
from broadsheet.newsroom.models import Article, Page, Section, SiteSettings, Tag
from broadsheet.newsroom.signals import published

pytestmark = pytest.mark.django_db

ARTICLE_CHANGELIST = "admin:newsroom_article_changelist"
ARTICLE_ADD = "admin:newsroom_article_add"


@pytest.fixture
def signals() -> Iterator[list[dict[str, Any]]]:
    """Every `published` signal sent while the test runs."""
    seen: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        seen.append(kwargs)

    published.connect(receiver)
    yield seen
    published.disconnect(receiver)


def _split(moment: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {"published_at_0": local.date().isoformat(), "published_at_1": local.strftime("%H:%M:%S")}


def _article_form(section: Section, **overrides: Any) -> dict[str, Any]:
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


def _png(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("lead.png", buffer.getvalue(), content_type="image/png")


def _listed(response: Any) -> list[str]:
    return [article.headline for article in response.context["cl"].result_list]


# --- the changelist ------------------------------------------------------------------------


def test_changelist_filters_search_and_states(admin_client, make_article, section, author):
    make_article(headline="Ferry plan passes")
    make_article(headline="Ferry timetable due", published_at=clock.now() + dt.timedelta(days=2))
    make_article(headline="Draft tide table", publish=False)
    gone = make_article(headline="Withdrawn pier story")
    gone.status = Article.Status.WITHDRAWN
    gone.save()
    url = reverse(ARTICLE_CHANGELIST)

    response = admin_client.get(url)
    assert response.status_code == 200
    assert len(_listed(response)) == 4
    content = response.content.decode()
    assert "bs-state-scheduled" in content and "Scheduled" in content
    assert "newsroom/admin.css" in content

    expectations = {
        "?state=scheduled": ["Ferry timetable due"],
        "?state=published": ["Ferry plan passes"],
        "?state=draft": ["Draft tide table"],
        "?state=withdrawn": ["Withdrawn pier story"],
        "?status__exact=published": ["Ferry plan passes", "Ferry timetable due"],
        "?q=ferry": ["Ferry plan passes", "Ferry timetable due"],
        "?q=ferry&state=published": ["Ferry plan passes"],
        f"?section__id__exact={section.pk}&author__id__exact={author.pk}": None,
        f"?published_to={timezone.localdate() - dt.timedelta(days=400)}": [],
    }
    for query, headlines in expectations.items():
        response = admin_client.get(url + query)
        assert response.status_code == 200, query
        if headlines is not None:
            assert sorted(_listed(response)) == sorted(headlines), query


def test_changelist_never_counts_the_whole_table(admin_client, make_article):
    for _ in range(3):
        make_article()
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse(ARTICLE_CHANGELIST) + "?q=harbor&status__exact=published")
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the paginator should still count, just boundedly"
    assert all("LIMIT" in sql.upper() for sql in counts), counts


def test_capped_paginator_stops_counting(make_article, monkeypatch):
    for _ in range(5):
        make_article()

    class Small(CappedPaginator):
        cap = 3

    paginator = Small(Article.objects.all(), 2)
    assert paginator.count == 3 and paginator.is_capped and paginator.num_pages == 2
    roomy = CappedPaginator(Article.objects.all(), 2)
    assert roomy.count == 5 and not roomy.is_capped


def test_changelist_says_more_than_when_capped(admin_client, make_article, monkeypatch):
    for _ in range(4):
        make_article()
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    response = admin_client.get(reverse(ARTICLE_CHANGELIST))
    assert response.status_code == 200
    assert "More than 2 articles" in response.content.decode()


def test_preview_link_for_drafts_and_view_on_site_for_public(admin_client, make_article):
    draft = make_article(headline="Quiet draft", publish=False)
    live = make_article(headline="Loud story")

    listing = admin_client.get(reverse(ARTICLE_CHANGELIST)).content.decode()
    assert f'href="{draft.get_absolute_url()}" target="_blank"' in listing
    assert f'href="{live.get_absolute_url()}" target="_blank"' not in listing

    draft_page = admin_client.get(reverse("admin:newsroom_article_change", args=[draft.pk])).content.decode()
    assert "bs-preview-link" in draft_page and draft.get_absolute_url() in draft_page
    live_page = admin_client.get(reverse("admin:newsroom_article_change", args=[live.pk])).content.decode()
    assert "bs-preview-link" not in live_page
    assert f'href="{live.get_absolute_url()}" class="viewsitelink"' in live_page


# --- bulk actions --------------------------------------------------------------------------


def test_publish_now_action_publishes_each_through_services(
    admin_client, make_article, signals, django_capture_on_commit_callbacks
):
    drafts = [make_article(publish=False) for _ in range(2)]
    scheduled = make_article(published_at=clock.now() + dt.timedelta(days=1))
    live = make_article()
    selected = [a.pk for a in [*drafts, scheduled, live]]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(ARTICLE_CHANGELIST),
            {"action": "publish_now", "_selected_action": selected},
            follow=True,
        )

    assert response.status_code == 200
    assert "3 articles published." in response.content.decode()
    for article in Article.objects.filter(pk__in=selected):
        assert article.state == "published", article.headline
    # The scheduled one was already "published" in status: bringing it forward is an update.
    assert sorted((s["article_id"], s["action"]) for s in signals) == sorted(
        [(drafts[0].pk, "published"), (drafts[1].pk, "published"), (scheduled.pk, "updated")]
    )
    assert live.pk not in {s["article_id"] for s in signals}


def test_withdraw_action_withdraws_and_announces(
    admin_client, make_article, signals, django_capture_on_commit_callbacks
):
    first, second = make_article(), make_article()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(ARTICLE_CHANGELIST),
            {"action": "withdraw", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )
    assert "2 articles withdrawn." in response.content.decode()
    assert set(Article.objects.values_list("status", flat=True)) == {"withdrawn"}
    assert sorted((s["article_id"], s["action"]) for s in signals) == sorted(
        [(first.pk, "withdrawn"), (second.pk, "withdrawn")]
    )
    # Where they were listed goes with the signal, so their pages can be purged.
    assert {s["before"].slug for s in signals} == {first.slug, second.slug}
    assert [s["after"] for s in signals] == [None, None]


def test_bulk_action_refuses_too_many(admin_client, make_article, monkeypatch):
    drafts = [make_article(publish=False) for _ in range(2)]
    monkeypatch.setattr(admin_actions, "MAX_BULK_ARTICLES", 1)
    response = admin_client.post(
        reverse(ARTICLE_CHANGELIST),
        {"action": "publish_now", "_selected_action": [a.pk for a in drafts]},
        follow=True,
    )
    assert "nothing was changed" in response.content.decode()
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}


# --- the change form -----------------------------------------------------------------------


def test_add_form_sanitises_slugs_tags_and_schedules_with_one_signal(
    admin_client, section, author, signals, django_capture_on_commit_callbacks
):
    docks = Tag.objects.create(name="Docks", slug="docks")
    night = Tag.objects.create(name="Night", slug="night")
    data = _article_form(
        section,
        body='<p onclick="steal()">Lit again.<script>alert(1)</script></p>',
        author=author.pk,
        tags=[docks.pk, night.pk],
        status="published",
        **_split(clock.now() + dt.timedelta(days=3)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse(ARTICLE_ADD), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    article = Article.objects.get()
    assert article.body == "<p>Lit again.</p>"
    assert article.slug == "harbour-lights-return"
    assert set(article.tags.values_list("slug", flat=True)) == {"docks", "night"}
    assert article.state == "scheduled"
    # One announcement, and it already knows the tags.
    assert [s["action"] for s in signals] == ["published"]
    assert set(signals[0]["after"].tags) == {"docks", "night"}

    listing = admin_client.get(reverse(ARTICLE_CHANGELIST) + "?state=scheduled")
    assert _listed(listing) == ["Harbour lights return"]
    assert "bs-state-scheduled" in listing.content.decode()


def test_change_form_edit_announces_once_as_update(
    admin_client, make_article, section, signals, django_capture_on_commit_callbacks
):
    article = make_article(headline="Ferry plan passes")
    data = _article_form(section, headline="Ferry plan passes at last", slug=article.slug, status="published")
    data.update(_split(article.published_at))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:newsroom_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Ferry plan passes at last"
    assert [s["action"] for s in signals] == ["updated"]


def test_published_without_date_goes_out_now(admin_client, section):
    before = clock.now()
    response = admin_client.post(reverse(ARTICLE_ADD), _article_form(section, status="published"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.published_at is not None and article.published_at >= before.replace(microsecond=0)
    assert article.state == "published"


@pytest.mark.parametrize("slug", ["admin", "feed", "search"])
def test_reserved_article_slug_is_rejected(admin_client, section, slug):
    response = admin_client.post(reverse(ARTICLE_ADD), _article_form(section, slug=slug))
    assert response.status_code == 200
    assert "reserved" in str(response.context["adminform"].form.errors["slug"])
    assert not Article.objects.exists()


def test_lead_image_upload_records_size_and_clearing_forgets_it(admin_client, section):
    response = admin_client.post(reverse(ARTICLE_ADD), _article_form(section, lead_image=_png(7, 3)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert (article.lead_image_width, article.lead_image_height) == (7, 3)
    assert article.lead_image.storage.exists(article.lead_image.name)

    data = _article_form(section, slug=article.slug, **{"lead_image-clear": "on"})
    response = admin_client.post(reverse("admin:newsroom_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.lead_image
    assert (article.lead_image_width, article.lead_image_height) == (None, None)


def test_editor_script_and_styles_are_in_the_change_form_media(admin_client, make_article):
    article = make_article()
    for url in (reverse(ARTICLE_ADD), reverse("admin:newsroom_article_change", args=[article.pk])):
        content = admin_client.get(url).content.decode()
        assert '<script src="/static/newsroom/editor.js" defer></script>' in content
        assert "/static/newsroom/editor.css" in content
        assert 'data-richtext="1"' in content
    page_form = admin_client.get(reverse("admin:newsroom_page_add")).content.decode()
    assert "/static/newsroom/editor.js" in page_form


def test_author_and_tag_autocomplete_answer(admin_client, author):
    Tag.objects.create(name="Harbour", slug="harbour")
    for field, term, expected in (("tags", "harb", "Harbour"), ("author", "mara", "Mara Quill")):
        response = admin_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "newsroom", "model_name": "article", "field_name": field, "term": term},
        )
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == [expected]


def test_delete_goes_through_services(
    admin_client, make_article, signals, django_capture_on_commit_callbacks
):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:newsroom_article_delete", args=[article.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert [(s["article_id"], s["action"]) for s in signals] == [(article.pk, "deleted")]


# --- structure: sections, pages, site settings, view counts ---------------------------------


def test_page_body_is_sanitised_and_slug_rules_hold(admin_client, section):
    data = {
        "title": "About us",
        "slug": "about",
        "body": '<h2>Who</h2><p>Us.<script>alert(1)</script><img src="javascript:x" onerror="y()"></p>',
        "form": "",
        "in_contact_menu": "on",
        "order": 0,
    }
    response = admin_client.post(reverse("admin:newsroom_page_add"), data)
    assert response.status_code == 302
    page = Page.objects.get()
    assert "script" not in page.body and "onerror" not in page.body and "javascript" not in page.body
    assert page.body.startswith("<h2>Who</h2><p>Us.")

    for slug, message in (("admin", "reserved"), (section.slug, "section already uses")):
        response = admin_client.post(reverse("admin:newsroom_page_add"), {**data, "slug": slug})
        assert response.status_code == 200
        assert message in str(response.context["adminform"].form.errors["slug"])


def test_section_slug_may_not_shadow_a_page_and_list_is_editable(admin_client, section):
    Page.objects.create(title="About", slug="about")
    response = admin_client.post(
        reverse("admin:newsroom_section_add"), {"name": "About", "slug": "about", "order": 1, "in_menu": "on"}
    )
    assert response.status_code == 200
    assert "page already uses" in str(response.context["adminform"].form.errors["slug"])

    listing = admin_client.get(reverse("admin:newsroom_section_changelist")).content.decode()
    assert 'name="form-0-order"' in listing and 'name="form-0-in_menu"' in listing


def test_site_settings_is_a_singleton(admin_client):
    changelist = reverse("admin:newsroom_sitesettings_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:newsroom_sitesettings_add")

    row = SiteSettings.load()
    response = admin_client.get(changelist)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:newsroom_sitesettings_change", args=[row.pk])
    assert admin_client.get(reverse("admin:newsroom_sitesettings_add")).status_code == 403
    assert admin_client.get(reverse("admin:newsroom_sitesettings_delete", args=[row.pk])).status_code == 403

    response = admin_client.post(
        reverse("admin:newsroom_sitesettings_change", args=[row.pk]),
        {"site_name": "The Harbour Herald", "tagline": "", "x_url": "https://x.example/herald"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.site_name == "The Harbour Herald"
    assert SiteSettings.objects.count() == 1


def test_admin_site_is_titled_for_the_newsroom(admin_client):
    content = admin_client.get(reverse("admin:index")).content.decode()
    assert "Broadsheet newsroom" in content


# --- the publish permission ----------------------------------------------------------------


@pytest.fixture
def contributor_client(db) -> Client:
    """Staff who may add and change articles but not publish them: drafts only."""
    user = get_user_model().objects.create_user("stringer", password="pw-stringer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="newsroom", codename__in=["add_article", "change_article", "view_article"]
        )
    )
    client = Client()
    client.force_login(user)
    return client


def test_without_publish_permission_the_admin_writes_drafts_only(contributor_client, make_article, section):
    draft, live = make_article(publish=False), make_article()
    changelist = contributor_client.get(reverse(ARTICLE_CHANGELIST))
    assert changelist.status_code == 200
    action_form = changelist.context["action_form"]  # None when no action is left at all
    choices = [value for value, _ in action_form.fields["action"].choices] if action_form else []
    assert "publish_now" not in choices and "withdraw" not in choices

    # The bulk actions refuse, and nothing changes.
    for action in ("publish_now", "withdraw"):
        contributor_client.post(
            reverse(ARTICLE_CHANGELIST), {"action": action, "_selected_action": [draft.pk, live.pk]}
        )
    assert dict(Article.objects.values_list("pk", "status")) == {draft.pk: "draft", live.pk: "published"}

    # A new article cannot be filed as published; a draft can.
    add_url = reverse("admin:newsroom_article_add")
    refused = contributor_client.post(add_url, _article_form(section, headline="Not yet", status="published"))
    assert refused.status_code == 200 and "not one of the available choices" in refused.content.decode()
    assert not Article.objects.filter(headline="Not yet").exists()
    accepted = contributor_client.post(add_url, _article_form(section, headline="Filed as a draft"))
    assert accepted.status_code == 302
    assert Article.objects.get(headline="Filed as a draft").status == "draft"

    # A published article is read-only to them.
    change_url = reverse("admin:newsroom_article_change", args=[live.pk])
    response = contributor_client.post(
        change_url, _article_form(section, headline="Rewritten", status="withdrawn")
    )
    assert response.status_code == 403
    live.refresh_from_db()
    assert (live.headline, live.status) != ("Rewritten", "withdrawn")


def test_with_publish_permission_the_actions_are_offered(db, make_article):
    user = get_user_model().objects.create_user("deskeditor", password="pw-desk", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="newsroom",
            codename__in=["add_article", "change_article", "view_article", "publish_article"],
        )
    )
    client = Client()
    client.force_login(user)
    draft = make_article(publish=False)
    response = client.post(
        reverse(ARTICLE_CHANGELIST), {"action": "publish_now", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"


# --- bodies too complex to sanitise -----------------------------------------------------------

# 40,000 nested <b class=…>: nh3 spent 38 s of CPU on it before the form refused it.
NESTED_BOMB = "".join(f'<b class="c{i}">' for i in range(40_000)) + "deep"


def test_article_body_too_complex_to_sanitise_is_a_form_error(admin_client, section):
    started = time.process_time()
    response = admin_client.post(reverse(ARTICLE_ADD), _article_form(section, body=NESTED_BOMB))
    assert time.process_time() - started < 5
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["body"]
    assert "nested too deeply to clean safely" in str(errors["body"])
    assert "formatting elements unclosed" in str(errors["body"])  # which limit, to act on
    assert not Article.objects.exists()


def test_page_body_too_complex_to_sanitise_is_a_form_error(admin_client):
    data = {"title": "About us", "slug": "about", "body": "<div>" * 20_000 + "x", "form": "", "order": 0}
    started = time.process_time()
    response = admin_client.post(reverse("admin:newsroom_page_add"), data)
    assert time.process_time() - started < 5
    assert response.status_code == 200
    assert "nested too deeply to clean safely" in str(response.context["adminform"].form.errors["body"])
    assert not Page.objects.exists()


def test_a_stored_body_over_the_limits_does_not_block_other_edits(admin_client, section):
    # Markup the limits allow can come out of the sanitiser bigger than they allow (20,501
    # elements here); editing the headline sends that body back unchanged, and it is not
    # checked (or sanitised) again.
    leaked = "<p>Text.</p>" + "</p>" * 20_500  # each stray </p> comes out as <p></p>
    article = services.save_article(Article(headline="Leaky", slug="leaky", body=leaked, section=section))
    stored = Article.objects.get(pk=article.pk).body
    data = _article_form(section, headline="Leaky, retitled", slug="leaky", body=stored)
    response = admin_client.post(reverse("admin:newsroom_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(pk=article.pk).headline == "Leaky, retitled"

    data["body"] = stored + "<p>More.</p>"  # a changed body is checked as ever
    response = admin_client.post(reverse("admin:newsroom_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "nested too deeply to clean safely" in str(response.context["adminform"].form.errors["body"])
