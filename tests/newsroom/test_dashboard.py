"""The admin's home page (newsroom/admin_site.py, core/dashboard.py) and the newsroom's own
panels: what each role sees, and what each panel lists, through the real admin views."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from broadsheet.core import clock
from broadsheet.newsroom import roles, services
from broadsheet.newsroom.models import Article, Section

pytestmark = pytest.mark.django_db

EVERY_PANEL = {
    "my-drafts",
    "review",
    "held",
    "scheduled",
    "inbox",
    "recent",
    "most-read",
    "failing-sources",
    "views-chart",
    "stories-chart",
    "ingest-chart",
}


@pytest.fixture(autouse=True)
def _no_cached_charts() -> None:
    cache.clear()


@pytest.fixture
def people(db) -> dict[str, Any]:
    roles.ensure_roles()
    users = {}
    for name, role in (
        ("cora", roles.CONTRIBUTOR),
        ("cole", roles.CONTRIBUTOR),
        ("ada", roles.AUTHOR),
        ("eve", roles.EDITOR),
        ("otto", roles.OPERATOR),
    ):
        user = get_user_model().objects.create_user(name, password=f"pw-{name}", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        users[name] = user
    users["root"] = get_user_model().objects.create_superuser("root", password="pw-root")
    return users


@pytest.fixture
def harbour(db) -> Section:
    return Section.objects.create(name="Harbour", slug="harbour")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dashboard(user: Any) -> Any:
    response = client_for(user).get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def shown(response: Any) -> dict[str, Any]:
    return {item.panel.name: item.context for item in response.context["panels"]}


def write(user: Any, section: Section, headline: str, **fields: Any) -> Article:
    return services.save_article(Article(headline=headline, section=section, **fields), by=user)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cora", {"my-drafts", "scheduled", "recent"}),
        ("ada", {"my-drafts", "scheduled", "recent"}),
        (
            "eve",
            {
                *("my-drafts", "review", "held", "scheduled", "inbox", "recent", "most-read"),
                *("views-chart", "stories-chart", "ingest-chart"),
            },
        ),
        ("otto", {"failing-sources", "ingest-chart"}),
        ("root", EVERY_PANEL),
    ],
)
def test_each_role_sees_the_panels_for_its_work(people, name, expected):
    assert set(shown(dashboard(people[name]))) == expected


def test_panels_come_in_their_order_charts_last(people):
    names = [item.panel.name for item in dashboard(people["root"]).context["panels"]]
    assert names == [
        "my-drafts",
        "review",
        "held",
        "scheduled",
        "inbox",
        "recent",
        "most-read",
        "failing-sources",
        "views-chart",
        "stories-chart",
        "ingest-chart",
    ]


def test_the_home_page_is_the_dashboard_and_the_tables_are_one_link_away(people):
    content = dashboard(people["eve"]).content.decode()
    assert "<h1>Dashboard</h1>" in content
    assert reverse("admin:tables") in content
    assert 'id="panel-stories-chart"' in content
    tables = client_for(people["eve"]).get(reverse("admin:tables"))
    assert tables.status_code == 200
    listed = {model["object_name"] for app in tables.context["app_list"] for model in app["models"]}
    assert "Article" in listed
    # Internal tables stay the superuser's alone, here as on the stock index.
    assert not listed & {"FetchLog", "Tombstone", "ArticleViews", "User", "Group"}
    root = client_for(people["root"]).get(reverse("admin:tables"))
    assert {"FetchLog", "User"} <= {
        m["object_name"] for app in root.context["app_list"] for m in app["models"]
    }


def test_the_dashboard_needs_a_staff_login(people):
    response = Client().get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_contributor_sees_only_their_own_drafts_and_submissions(people, harbour):
    cora, cole = people["cora"], people["cole"]
    mine = write(cora, harbour, "Cora's draft on the ferry")
    submitted = write(cora, harbour, "Cora's submitted piece")
    services.submit_for_review(submitted, by=cora)
    write(cole, harbour, "Cole's draft on the ferry")
    response = dashboard(cora)
    drafts = shown(response)["my-drafts"]
    assert {a.headline for a in drafts["articles"]} == {mine.headline, submitted.headline}
    assert drafts["total"] == 2
    content = response.content.decode()
    assert "Cole&#x27;s draft" not in content and "Cole's draft" not in content
    assert reverse("admin:newsroom_article_change", args=[mine.pk]) in content


def test_a_contributor_sees_no_sources_and_no_one_elses_schedule(people, harbour):
    eve = people["eve"]
    write(
        eve,
        harbour,
        "Editor's scheduled piece",
        status=Article.Status.PUBLISHED,
        published_at=clock.now() + dt.timedelta(hours=3),
    )
    from broadsheet.ingest.models import Source

    Source.objects.create(feed_url="https://wire.example/feed", name="Failing Wire", error_count=4)
    response = dashboard(people["cora"])
    panels = shown(response)
    assert panels["scheduled"]["articles"] == []
    content = response.content.decode()
    assert "Failing Wire" not in content
    assert "Editor&#x27;s scheduled piece" not in content
    assert "Editor&#x27;s scheduled piece" in dashboard(eve).content.decode()


def test_editor_sees_submissions_waiting_for_review_oldest_first(people, harbour):
    cora, cole = people["cora"], people["cole"]
    first = write(cora, harbour, "First in the queue")
    services.submit_for_review(first, by=cora)
    second = write(cole, harbour, "Second in the queue")
    services.submit_for_review(second, by=cole)
    write(cole, harbour, "Still a draft")
    review = shown(dashboard(people["eve"]))["review"]
    assert [a.headline for a in review["articles"]] == ["First in the queue", "Second in the queue"]
    assert review["total"] == 2
    assert review["more_url"].endswith("?state=pending_review")


def test_scheduled_queue_soonest_first_in_the_site_time_zone(people, harbour, settings):
    eve = people["eve"]
    now = clock.now()
    later = write(
        eve, harbour, "Later", status=Article.Status.PUBLISHED, published_at=now + dt.timedelta(days=2)
    )
    soon = write(
        eve, harbour, "Soon", status=Article.Status.PUBLISHED, published_at=now + dt.timedelta(hours=1)
    )
    write(
        eve, harbour, "Already out", status=Article.Status.PUBLISHED, published_at=now - dt.timedelta(hours=1)
    )
    response = dashboard(eve)
    queue = shown(response)["scheduled"]
    assert [a.pk for a in queue["articles"]] == [soon.pk, later.pk]
    assert queue["time_zone"] == settings.TIME_ZONE
    content = response.content.decode()
    # Shown in New York time, with its abbreviation, not UTC.
    from django.utils import timezone

    local = timezone.localtime(soon.published_at)
    assert local.strftime("%H:%M") + " " + local.tzname() in content  # type: ignore[operator]


def test_an_author_sees_their_own_schedule_only(people, harbour):
    ada, eve = people["ada"], people["eve"]
    own = write(
        ada,
        harbour,
        "Ada's own",
        status=Article.Status.PUBLISHED,
        published_at=clock.now() + dt.timedelta(hours=2),
    )
    write(
        eve,
        harbour,
        "Eve's",
        status=Article.Status.PUBLISHED,
        published_at=clock.now() + dt.timedelta(hours=2),
    )
    assert [a.pk for a in shown(dashboard(ada))["scheduled"]["articles"]] == [own.pk]


def test_recently_published_newest_first_without_scheduled_or_drafts(people, harbour):
    eve = people["eve"]
    now = clock.now()
    old = write(eve, harbour, "Old", status=Article.Status.PUBLISHED, published_at=now - dt.timedelta(days=2))
    new = write(
        eve, harbour, "New", status=Article.Status.PUBLISHED, published_at=now - dt.timedelta(minutes=5)
    )
    write(eve, harbour, "Future", status=Article.Status.PUBLISHED, published_at=now + dt.timedelta(hours=1))
    write(eve, harbour, "Draft")
    assert [a.pk for a in shown(dashboard(eve))["recent"]["articles"]] == [new.pk, old.pk]


def test_lists_stop_at_their_size_and_counts_stop_at_their_cap(people, harbour, monkeypatch):
    from broadsheet.newsroom import panels

    cora = people["cora"]
    for n in range(panels.LIST_SIZE + 3):
        write(cora, harbour, f"Draft {n}")
    drafts = shown(dashboard(cora))["my-drafts"]
    assert len(drafts["articles"]) == panels.LIST_SIZE
    assert (drafts["total"], drafts["more"]) == (panels.LIST_SIZE + 3, False)
    monkeypatch.setattr(panels, "COUNT_CAP", 5)
    assert panels.bounded_count(Article.objects.all(), 5) == (5, True)


def test_stories_chart_counts_own_and_aggregated_per_local_day(people, harbour):
    eve = people["eve"]
    now = clock.now()
    for hours in (1, 2):
        write(
            eve,
            harbour,
            f"Own {hours}",
            status=Article.Status.PUBLISHED,
            published_at=now - dt.timedelta(hours=hours),
        )
    write(
        eve,
        harbour,
        "From the wire",
        status=Article.Status.PUBLISHED,
        published_at=now - dt.timedelta(days=3),
        canonical_url="https://wire.example/a",
        source_name="Wire",
    )
    write(eve, harbour, "Too old", status=Article.Status.PUBLISHED, published_at=now - dt.timedelta(days=45))
    write(eve, harbour, "A draft")
    from broadsheet.core.daywindow import DayWindow
    from broadsheet.newsroom.panels import story_counts

    window = DayWindow.last(30)
    counts = story_counts(window)
    from django.utils import timezone

    by_day_own = dict(zip(window.days, counts["own"], strict=True))
    by_day_theirs = dict(zip(window.days, counts["aggregated"], strict=True))
    own_days = {timezone.localdate(now - dt.timedelta(hours=h)) for h in (1, 2)}
    assert sum(counts["own"]) == 2
    assert sum(by_day_own[day] for day in own_days) == 2
    assert sum(counts["aggregated"]) == 1
    assert by_day_theirs[timezone.localdate(now - dt.timedelta(days=3))] == 1
    html = str(shown(dashboard(eve))["stories-chart"]["chart"])
    assert html.count("bs-chart__bar--1") >= 1 and 'role="img"' in html
