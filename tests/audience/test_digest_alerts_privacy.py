"""The daily digest (ranking, once a day, at its time), the editors' admin (preview, intro,
test send, console notice), breaking-news alerts (once per published article), the archive,
and export/erase of one address in the admin and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from broadsheet.audience import alerts, digest, sending
from broadsheet.audience.models import Delivery, Issue, PendingSignup, Subscriber, Subscription
from broadsheet.cli import run_command
from broadsheet.core import clock, email_url
from broadsheet.newsroom.models import Article, Section

from .test_sending import make_subscribers

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate(clock.now())


@pytest.fixture
def todays(make_article):
    """Three stories of the last 24 hours, one sticky, and one older than that."""
    now = clock.now()
    older = make_article(headline="Older story", published_at=now - dt.timedelta(hours=10))
    sticky = make_article(headline="Sticky story", published_at=now - dt.timedelta(hours=12), is_sticky=True)
    newest = make_article(headline="Newest story", published_at=now - dt.timedelta(seconds=1))
    make_article(headline="Yesterday's story", published_at=now - dt.timedelta(hours=25))
    return sticky, newest, older


def test_the_digest_ranks_sticky_first_then_newest_over_the_last_day(todays):
    sticky, newest, older = todays
    issue = digest.build("daily", _today())
    assert issue is not None
    assert issue.article_ids == [sticky.pk, newest.pk, older.pk]
    assert "Yesterday" not in issue.text
    assert digest.build("daily", _today()).pk == issue.pk  # once a day


def test_a_section_digest_takes_only_that_section(todays, make_article):
    sports = Section.objects.create(name="Sports", slug="sports")
    match = make_article(
        headline="Cup final", section=sports, published_at=clock.now() - dt.timedelta(seconds=2)
    )
    issue = digest.build("section:sports", _today())
    assert issue is not None and issue.article_ids == [match.pk]
    Section.objects.create(name="Arts", slug="arts")
    assert digest.build("section:arts", _today()) is None


def oldest_first(articles, since, until):
    """A ranker a project might plug in: it gets the candidates (newest first) and the window."""
    assert until - since == digest.WINDOW
    return list(reversed(articles))


def test_a_ranker_hook_can_reorder(todays, settings):
    settings.BROADSHEET_DIGEST_RANKER = f"{__name__}.oldest_first"
    sticky, newest, older = todays
    assert digest.build("daily", _today()).article_ids == [older.pk, newest.pk, sticky.pk]


def test_the_periodic_hook_waits_for_the_digest_time_then_sends_once(make_article, smtp, settings):
    # Yesterday (site time), so every time used here is in the past.
    tz = timezone.get_default_timezone()
    morning = dt.datetime.combine(_today() - dt.timedelta(days=1), dt.time(6, 30), tzinfo=tz)
    overnight = make_article(headline="Overnight story", published_at=morning - dt.timedelta(hours=3))
    make_article(headline="After the digest", published_at=morning + dt.timedelta(hours=1))
    settings.BROADSHEET_DIGEST_TIME = "06:30"
    make_subscribers(2)
    Subscription.objects.create(subscriber=Subscriber.objects.first(), list_key="breaking")
    assert digest.build_due(morning - dt.timedelta(minutes=1)) == []
    assert Issue.objects.count() == 0
    [issue] = digest.build_due(morning + dt.timedelta(minutes=1))
    issue.refresh_from_db()
    assert issue.list_key == "daily" and issue.status == Issue.Status.SENT  # the task ran inline
    assert issue.article_ids == [overnight.pk]
    assert len(smtp.accepted) == 2
    # Not twice the same day; never for "breaking".
    assert digest.build_due(morning + dt.timedelta(hours=3)) == []


def test_cli_send_daily_sends_now_and_refuses_unknown_lists(todays, smtp, capsys):
    make_subscribers(3)
    assert run_command("newsletter", ["send", "daily"]) == 0
    assert "3 sent" in capsys.readouterr().out
    assert len(smtp.accepted) == 3
    for bad in ("breaking", "weekly", "section:nowhere"):
        with pytest.raises(CommandError):
            call_command("newsletter", "send", bad)


def test_the_archive_lists_sent_issues_only(client, todays, smtp):
    make_subscribers(1)
    sent = digest.build("daily", _today())
    sending.start(sent)
    sending.send(sent)
    draft = Issue.objects.create(
        list_key="daily", subject="Unsent draft", day=_today() - dt.timedelta(days=1)
    )
    page = client.get("/newsletter/archive/").content.decode()
    assert sent.subject in page and "Unsent draft" not in page
    issue_page = client.get(f"/newsletter/archive/{sent.pk}/")
    assert issue_page.status_code == 200 and b"Sticky story" in issue_page.content
    assert b"%%UNSUBSCRIBE" not in issue_page.content
    assert client.get(f"/newsletter/archive/{draft.pk}/").status_code == 404


def test_editors_preview_edit_the_intro_and_send_a_test(admin_client, admin_user, todays, smtp):
    admin_user.email = "editor@example.org"
    admin_user.save()
    issue = digest.build("daily", _today())
    preview = admin_client.get(f"/admin/audience/issue/{issue.pk}/preview/")
    assert preview.status_code == 200 and b"Sticky story" in preview.content
    change = admin_client.post(
        f"/admin/audience/issue/{issue.pk}/change/",
        {"subject": issue.subject, "intro": "Good morning, Port Alder."},
    )
    assert change.status_code == 302
    issue.refresh_from_db()
    assert "Good morning, Port Alder." in issue.html and "Good morning, Port Alder." in issue.text
    admin_client.post("/admin/audience/issue/", {"action": "send_test", "_selected_action": [issue.pk]})
    [test] = smtp.accepted
    assert test["To"] == "editor@example.org" and str(test["Subject"]).startswith("[TEST]")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and not Delivery.objects.exists()


def test_the_admin_says_when_mail_goes_to_the_console(admin_client, settings):
    settings.EMAIL_BACKEND = email_url.CONSOLE_BACKEND
    assert b"E-mail goes to the console" in admin_client.get("/admin/audience/issue/").content
    settings.EMAIL_BACKEND = email_url.SMTP_BACKEND
    assert b"E-mail goes to the console" not in admin_client.get("/admin/audience/issue/").content


def test_an_alert_goes_to_the_breaking_list_once_per_published_article(admin_client, make_article, smtp):
    article = make_article(headline="Bridge closed")
    draft = make_article(headline="Not out yet", publish=False)
    readers = make_subscribers(2, list_key="breaking")
    make_subscribers_daily_only = Subscriber.objects.create(
        email="daily@example.org", confirmed_at=clock.now()
    )
    Subscription.objects.create(subscriber=make_subscribers_daily_only, list_key="daily")

    response = admin_client.post("/admin/audience/issue/alert/", {"article": article.pk})
    assert response.status_code == 302
    assert sorted(smtp.recipients()) == sorted(r.email for r in readers)
    assert str(smtp.accepted[0]["Subject"]) == "Breaking: Bridge closed"
    # The form no longer offers it, and the service refuses a second alert or a draft.
    again = admin_client.post("/admin/audience/issue/alert/", {"article": article.pk})
    assert again.status_code == 200 and len(smtp.accepted) == 2
    with pytest.raises(alerts.AlertRefused):
        alerts.send_alert(article)
    with pytest.raises(alerts.AlertRefused):
        alerts.send_alert(Article.objects.get(pk=draft.pk))
    assert Issue.objects.filter(list_key="breaking").count() == 1


def _reader_with_history(smtp) -> Subscriber:
    [reader] = make_subscribers(1)
    PendingSignup.objects.create(
        email=reader.email, lists=["breaking"], expires_at=clock.now() + dt.timedelta(hours=1)
    )
    issue = Issue.objects.create(
        list_key="daily", subject="Monday", text="Hi %%UNSUBSCRIBE_URL%%", html="<p>Hi</p>"
    )
    sending.start(issue)
    sending.send(issue)
    return reader


def test_cli_export_and_erase_one_address(smtp, capsys):
    reader = _reader_with_history(smtp)
    assert run_command("newsletter", ["export", reader.email.upper()]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["subscriber"]["lists"] == ["daily"]
    assert data["deliveries"][0]["state"] == "sent"
    assert data["pending_signups"][0]["lists"] == ["breaking"]
    assert run_command("newsletter", ["erase", reader.email]) == 0
    # The subscriber, their subscription and delivery, and the pending request.
    assert "Erased 4 record(s)" in capsys.readouterr().out
    assert (
        not Subscriber.objects.exists()
        and not PendingSignup.objects.exists()
        and not Delivery.objects.exists()
    )
    run_command("newsletter", ["export", reader.email])
    empty = json.loads(capsys.readouterr().out)
    assert empty["subscriber"] is None and empty["deliveries"] == [] == empty["pending_signups"]


def test_admin_export_and_erase(admin_client, smtp):
    reader = _reader_with_history(smtp)
    exported = admin_client.post(
        "/admin/audience/subscriber/", {"action": "export_data", "_selected_action": [reader.pk]}
    )
    assert exported["Content-Type"] == "application/json"
    assert json.loads(exported.content)[0]["email"] == reader.email
    admin_client.post(
        "/admin/audience/subscriber/", {"action": "erase_data", "_selected_action": [reader.pk]}
    )
    assert not Subscriber.objects.exists() and not PendingSignup.objects.exists()
