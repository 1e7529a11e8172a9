"""The demo's people, desk, history and readers (demo/life.py), on a few stories of the test's own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from broadsheet.audience.models import Delivery, Issue, Subscriber, Subscription
from broadsheet.core import clock
from broadsheet.demo import history
from broadsheet.demo.accounts import DEMO_ACCOUNTS, Credential, credentials_box, ensure_accounts
from broadsheet.demo.audience import SUBSCRIBERS, last_digest_day
from broadsheet.demo.defaults import ensure_defaults
from broadsheet.demo.desk import DESK, SCHEDULED_IN
from broadsheet.demo.life import bring_to_life
from broadsheet.ingest.models import FetchLog, Source
from broadsheet.newsroom.models import Article
from broadsheet.newsroom.roles import AUTHOR, CONTRIBUTOR, ensure_roles
from broadsheet.readership.models import ArticleViews, HourlyViews
from broadsheet.readership.popular import compute_popular
from broadsheet.readership.trending import compute_trending

pytestmark = pytest.mark.django_db

# Ages of the test's published stories: some inside the last digest's day, some weeks old.
ROLE_USER = {role: name for name, role in DEMO_ACCOUNTS}
AGES_HOURS = (2, 9, 20, 30, 44, 60, 200, 500, 900)


@pytest.fixture
def newsroom(make_article):
    ensure_defaults()
    ensure_roles()
    now = clock.now()
    return [make_article(published_at=now - dt.timedelta(hours=h)) for h in AGES_HOURS]


@pytest.fixture
def wire_sources():
    demo = Source.objects.create(feed_url="https://harbourwire.example/feed.xml", name="Harbour Wire")
    real = Source.objects.create(feed_url="https://news.invalid/feed.xml", name="Someone else")
    return demo, real


def test_accounts_one_per_role_with_a_password_shown_once(db):
    ensure_roles()
    created = ensure_accounts()
    assert [(c.username, c.role) for c in created] == list(DEMO_ACCOUNTS)
    users = get_user_model().objects.filter(username__in=[c.username for c in created])
    for credential in created:
        user = users.get(username=credential.username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [credential.role]
        # Only the hash is stored; the password works.
        assert credential.password not in user.password and user.check_password(credential.password)
    assert len({c.password for c in created}) == len(created)
    assert ensure_accounts() == []


def test_credentials_box_frames_every_account():
    rows = [Credential("admin", "Administrator", "pw-admin"), Credential("editor", "Editor", "pw-editor")]
    box = credentials_box(rows, "http://127.0.0.1:8000/admin/")
    assert box[0] == box[-1] and set(box[0]) == {"+", "-"}
    assert len({len(line) for line in box}) == 1
    text = "\n".join(box)
    assert "http://127.0.0.1:8000/admin/" in text
    assert all(f"{r.username}" in text and r.password in text for r in rows)


def test_bring_to_life_fills_the_desk_history_and_archive(newsroom, wire_sources):
    now = clock.now()
    result = bring_to_life(now)
    assert len(result.credentials) == len(DEMO_ACCOUNTS)
    assert result.desk == len(DESK)

    # The desk: drafts, one submission and one scheduled story, each by its demo account.
    by_state = {a.state: a for a in Article.objects.filter(created_by__isnull=False)}
    assert by_state["pending_review"].created_by.username == ROLE_USER[CONTRIBUTOR]
    scheduled = by_state["scheduled"]
    assert scheduled.created_by.username == ROLE_USER[AUTHOR]
    assert scheduled.published_at == now + SCHEDULED_IN and not scheduled.is_public
    assert Article.objects.filter(status=Article.Status.DRAFT, created_by__isnull=False).count() == 3
    assert all(a.lead_media_id for a in by_state.values())

    # A month of daily reads, today's hourly reads: Popular and Trending both rank stories.
    days = set(ArticleViews.objects.values_list("day", flat=True))
    today = timezone.localdate(now)
    assert min(days) == today - dt.timedelta(days=history.HISTORY_DAYS - 1) and max(days) == today
    assert HourlyViews.objects.filter(hour__gte=now - dt.timedelta(hours=24)).exists()
    assert all(item["views"] > 0 for item in compute_popular())
    trending = compute_trending()
    assert len(trending) >= 5
    # The surge goes to the newest stories: Trending leads with one of them, not the week's best.
    newest = Article.objects.published().order_by("-published_at")[: history.SURGING]
    assert trending[0]["id"] in {a.pk for a in newest}

    # Past polls for the demo's .example feeds only, over the days before today.
    demo, real = wire_sources
    assert not FetchLog.objects.filter(source=real).exists()
    polls = FetchLog.objects.filter(source=demo)
    assert polls.count() == (history.HISTORY_DAYS - 1) * history.POLLS_PER_DAY
    assert polls.filter(new__gt=0).exists() and polls.filter(duplicates__gt=0).exists()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    assert not polls.filter(started_at__gte=start_of_today).exists()

    # Readers: confirmed subscribers, and one digest sent, to nobody's inbox.
    assert Subscriber.objects.count() == len(SUBSCRIBERS)
    assert Subscription.objects.filter(list_key="daily").count() == len(SUBSCRIBERS)
    issue = Issue.objects.get()
    assert issue.status == Issue.Status.SENT and issue.article_ids
    # Some story is in every 24 hours before the last digest time (AGES_HOURS): that digest.
    assert issue.day == last_digest_day(now)[0] and issue.sent_at == last_digest_day(now)[1] < now
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    assert mail.outbox == []

    again = bring_to_life(now)
    assert again.credentials == [] and again.desk == 0 and again.audience.issue is None
    assert again.history.daily_rows == again.history.hourly_rows == again.history.poll_rows == 0
    assert Issue.objects.count() == 1 and Subscriber.objects.count() == len(SUBSCRIBERS)


def test_archive_shows_the_demo_digest(newsroom, client):
    bring_to_life()
    issue = Issue.objects.get()
    archive = client.get("/newsletter/archive/")
    assert archive.status_code == 200 and issue.subject in archive.content.decode()
    page = client.get(f"/newsletter/archive/{issue.pk}/")
    assert page.status_code == 200
    first = Article.objects.get(pk=issue.article_ids[0])
    assert first.headline in page.content.decode()
