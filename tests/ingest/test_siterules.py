"""Per-site extraction rules: the operator's selectors first, the automatic extractor when they
break (ingest/siterules.py), edited and tried in the admin, and re-applied to past stories."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest import commands
from broadsheet.ingest.errors import ExtractError, NothingToReextract, SourceError
from broadsheet.ingest.extract import ExtractionRules
from broadsheet.ingest.models import Entry, Source
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.ingest.reextract import reextract_source
from broadsheet.ingest.siterules import extract_by_rules, rules_as_lines, rules_from_lines
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article

from .conftest import LoopbackServer, Route

# Three different stories, so the pipeline's duplicate check keeps each of them.
STORIES = [
    [
        "The harbour board voted on Tuesday to extend the north quay by forty metres, a project "
        "that has been argued over at every meeting since the storms of last winter took part of "
        "the old wall into the sea and left the fishing fleet crowded at the southern berths.",
        "Members said the work would begin in the spring and take about eighteen months. The board "
        "will borrow most of the money, and the rest will come from berth fees, which rise by a "
        "tenth next year for boats longer than twelve metres.",
    ],
    [
        "The county library opened its new reading room on Saturday after two years of building "
        "work, with shelves for twelve thousand books, a corner for children's story hours and a "
        "long table by the windows that the librarians say was the most requested feature.",
        "Visitors queued before the doors opened. The head librarian thanked the volunteers who "
        "moved the old collection box by box, and said the mobile library van would keep its "
        "village rounds on Tuesdays and Thursdays as before.",
    ],
    [
        "Rail passengers between the two valley towns face a month of replacement buses from next "
        "week while engineers rebuild a bridge that was found to be cracked during a routine "
        "inspection in the autumn, the operator announced on Wednesday morning.",
        "Buses will leave from the station forecourts every half hour and take roughly twenty "
        "minutes longer than the train. Season tickets will be honoured, and the operator said "
        "it would publish a full timetable on its website by Friday.",
    ],
]
PROMO = "Subscribe to the Harbor Gazette newsletter for the week's best reads, free every Friday."


def story_page(title: str, *, promo: bool = True, container: str = "story-body", story: int = 0) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in STORIES[story])
    extra = f'<div class="promo"><p>{PROMO}</p></div>' if promo else ""
    return (
        f"<html><head><title>{title}</title></head><body>"
        f'<nav class="menu"><a href="/">Home</a></nav>'
        f'<div class="teaser"><p>Read more: tides this week.</p></div>'
        f'<article><h1>{title}</h1><div class="{container}">{body}{extra}</div></article>'
        f"<footer>Harbor Gazette, 1 Quay Street</footer></body></html>"
    ).encode()


# --- the rules themselves -------------------------------------------------------------------
def test_rules_from_lines_reads_one_selector_per_line_and_commas():
    rules = rules_from_lines("article .story-body\n\n", ".promo, .share\n  aside  ")
    assert rules == ExtractionRules(keep=("article .story-body",), drop=(".promo", ".share", "aside"))
    assert rules_as_lines(rules) == ("article .story-body", ".promo\n.share\naside")
    assert rules.as_json() == {"keep": ["article .story-body"], "drop": [".promo", ".share", "aside"]}
    assert ExtractionRules().as_json() == {}


@pytest.mark.parametrize("bad", ["div:nth-child(2)", "a ~ b", "::before", "p:hover"])
def test_a_selector_the_pipeline_cannot_use_is_refused_by_name(bad):
    with pytest.raises(ExtractError, match="selector"):
        rules_from_lines(drop=bad)


def test_working_rules_are_used():
    ruled = extract_by_rules(
        story_page("Quay to grow"),
        "https://example.org/quay",
        rules=rules_from_lines(".story-body", ".promo"),
    )
    assert ruled.used_rules and ruled.problem == ""
    assert "north quay by forty metres" in ruled.extracted.body_html
    assert "newsletter" not in ruled.extracted.body_html


def test_a_keep_selector_that_matches_nothing_falls_back_to_the_automatic_extractor():
    page = story_page("Quay to grow", container="article-text")  # the publisher's redesign
    ruled = extract_by_rules(page, "https://example.org/quay", rules=rules_from_lines(".story-body"))
    assert not ruled.used_rules
    assert ruled.problem == "keep selector .story-body matched nothing"
    assert "north quay by forty metres" in ruled.extracted.body_html


def test_rules_that_catch_a_teaser_fall_back_to_the_automatic_extractor():
    ruled = extract_by_rules(
        story_page("Quay to grow"), "https://example.org/q", rules=rules_from_lines(".teaser")
    )
    assert not ruled.used_rules
    assert ruled.problem.startswith("the rules left only ")
    assert "north quay by forty metres" in ruled.extracted.body_html


def test_no_rules_is_no_problem():
    ruled = extract_by_rules(story_page("Quay"), "https://example.org/q", rules=ExtractionRules())
    assert (ruled.used_rules, ruled.problem) == (False, "")


# --- in the pipeline ------------------------------------------------------------------------
@pytest.fixture
def fetcher(allow_loopback):
    with Fetcher(FetchOptions(total_timeout=5)) as client:
        yield client


def feed(server: LoopbackServer, slugs: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {slug}</title><link>{server.url('/story/' + slug)}</link>"
        f"<guid>{slug}</guid><description>Summary of {slug}.</description>"
        f"<pubDate>Tue, 04 Mar 2025 0{i}:00:00 GMT</pubDate></item>"
        for i, slug in enumerate(slugs)
    )
    return f"<rss version='2.0'><channel><title>Gazette</title><link>{server.base}/</link>{items}</channel></rss>".encode()


def serve(server: LoopbackServer, slugs: list[str], **page: object) -> None:
    server.routes["/feed.xml"] = Route(200, feed(server, slugs), {"Content-Type": "application/rss+xml"})
    for number, slug in enumerate(slugs):
        html = story_page(f"Story {slug}", story=number, **page)  # type: ignore[arg-type]
        server.routes[f"/story/{slug}"] = Route(200, html, {"Content-Type": "text/html; charset=utf-8"})


def full_source(server: LoopbackServer, section, **rules: str) -> Source:
    return Source.objects.create(
        feed_url=server.url("/feed.xml"),
        name="Harbor Gazette",
        section=section,
        mode=Source.Mode.FULL,
        extraction_rules=rules_from_lines(**rules).as_json(),
    )


@pytest.mark.django_db
def test_a_broken_rule_costs_no_story_and_is_recorded_on_the_source(server, fetcher, section):
    serve(server, ["one"], container="article-text")
    source = full_source(server, section, keep=".story-body")
    report = ingest_source(source, fetcher)
    assert (report.new, report.errors) == (1, 0)
    assert "north quay by forty metres" in Article.objects.get().body
    source.refresh_from_db()
    assert source.rules_problem == f"keep selector .story-body matched nothing on {server.url('/story/one')}"


@pytest.mark.django_db
def test_rules_that_work_again_clear_the_problem(server, fetcher, section):
    serve(server, ["two"])
    source = full_source(server, section, keep=".story-body", drop=".promo")
    Source.objects.filter(pk=source.pk).update(rules_problem="keep selector .x matched nothing on …")
    source.refresh_from_db()
    ingest_source(source, fetcher)
    source.refresh_from_db()
    assert source.rules_problem == ""
    assert "newsletter" not in Article.objects.get().body


# --- re-extraction --------------------------------------------------------------------------
@pytest.mark.django_db
def test_reextract_rebuilds_past_stories_with_the_new_rules(server, fetcher, section):
    serve(server, ["a", "b", "c"])
    source = full_source(server, section)
    ingest_source(source, fetcher)
    assert Article.objects.filter(body__contains="newsletter").count() == 3

    # An editor rewrote story b since: it is kept as they left it. Story c's page is gone.
    edited = Article.objects.get(headline="Story b")
    Article.objects.filter(pk=edited.pk).update(
        body="<p>Rewritten by the desk.</p>", updated_at=edited.updated_at + dt.timedelta(hours=2)
    )
    server.routes["/story/c"] = Route(404, b"gone")

    Source.objects.filter(pk=source.pk).update(extraction_rules={"drop": [".promo"]})
    source.refresh_from_db()
    report = reextract_source(source, fetcher)
    assert (report.checked, report.changed, report.kept_edited, report.failed) == (3, 1, 1, 1)
    assert "HTTP 404" in report.problems[0]
    assert "newsletter" not in Article.objects.get(headline="Story a").body
    assert Article.objects.get(headline="Story b").body == "<p>Rewritten by the desk.</p>"
    assert "newsletter" in Article.objects.get(headline="Story c").body  # kept, not lost

    again = reextract_source(source, fetcher)  # idempotent: nothing left to change
    assert (again.changed, again.unchanged) == (0, 1)


@pytest.mark.django_db
def test_reextract_keeps_a_story_a_person_edited_moments_after_the_import(server, fetcher, section):
    # Saved by an editor within the same second as the import: the times cannot tell, the
    # revision's user does.
    serve(server, ["a", "b"])
    source = full_source(server, section)
    ingest_source(source, fetcher)
    editor = get_user_model().objects.create_superuser("desk", "desk@example.org", "pw-for-the-test")
    edited = Article.objects.get(headline="Story b")
    edited.body = "<p>Fixed by the desk at once.</p>"
    services.save_article(edited, by=editor)
    Entry.objects.filter(article=edited).update(updated_at=edited.updated_at)

    Source.objects.filter(pk=source.pk).update(extraction_rules={"drop": [".promo"]})
    source.refresh_from_db()
    report = reextract_source(source, fetcher)
    assert (report.checked, report.changed, report.kept_edited) == (2, 1, 1)
    assert Article.objects.get(headline="Story b").body == "<p>Fixed by the desk at once.</p>"


@pytest.mark.django_db
def test_reextract_refuses_an_excerpt_source(server, section):
    source = Source.objects.create(feed_url=server.url("/feed.xml"), section=section)
    with pytest.raises(NothingToReextract, match="excerpt mode"), Fetcher() as fetcher:
        reextract_source(source, fetcher)


@pytest.mark.django_db
def test_cli_reextract(server, section, allow_loopback, capsys):
    serve(server, ["cli"])
    source = full_source(server, section)
    with Fetcher(FetchOptions(total_timeout=5)) as fetcher:
        ingest_source(source, fetcher)
    Source.objects.filter(pk=source.pk).update(extraction_rules={"drop": [".promo"]})
    call_command("sources", "reextract", str(source.pk), "--limit", "5")
    assert "1 checked: 1 changed" in capsys.readouterr().out
    assert "newsletter" not in Article.objects.get().body
    with pytest.raises(CommandError, match="no source with id 999"):
        call_command("sources", "reextract", "999")
    with pytest.raises(CommandError, match="positive integer"):
        call_command("sources", "reextract", str(source.pk), "--limit", "0")


def test_commands_reextract_names_an_unknown_source(db):
    with pytest.raises(SourceError, match="no source with id 4242"):
        commands.reextract(4242, limit=1)


# --- the admin ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_admin_edits_rules_as_lines_and_refuses_a_bad_selector(admin_client, section):
    source = Source.objects.create(
        feed_url="https://example.org/feed.xml", section=section, extraction_rules={"keep": ["article"]}
    )
    url = f"/admin/ingest/source/{source.pk}/change/"
    page = admin_client.get(url)
    assert page.context["adminform"].form.initial["keep"] == "article"
    assert "Preview rules" in page.content.decode()

    form = dict(page.context["adminform"].form.initial)
    data = {
        k: ("" if v is None else v.pk if hasattr(v, "pk") else v)
        for k, v in form.items()
        if k in {"feed_url", "name", "home_url", "mode", "check_interval", "keep", "drop"}
    }
    data.update(section=section.pk, enabled="on", publish_directly="on", image_policy="link")
    data["next_check_at_0"], data["next_check_at_1"] = "2025-01-01", "00:00:00"

    refused = admin_client.post(url, {**data, "drop": ".ad\ndiv:nth-child(2)"})
    assert refused.status_code == 200
    assert "div:nth-child(2)" in str(refused.context["adminform"].form.errors["drop"])
    source.refresh_from_db()
    assert source.extraction_rules == {"keep": ["article"]}

    saved = admin_client.post(url, {**data, "keep": ".story-body", "drop": ".ad\n.promo"})
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.extraction_rules == {"keep": [".story-body"], "drop": [".ad", ".promo"]}


@pytest.mark.django_db
def test_preview_runs_the_pipeline_step_and_saves_rules_for_its_source(
    admin_client, server, fetcher, section
):
    serve(server, ["p"], container="article-text")
    source = full_source(server, section)
    ingest_source(source, fetcher)
    preview = f"/admin/ingest/source/preview/?source={source.pk}"

    opened = admin_client.get(preview)
    assert opened.context["form"].initial["url"] == server.url("/story/p")

    tried = admin_client.post(preview, {"url": server.url("/story/p"), "keep": ".story-body", "drop": ""})
    assert tried.context["result"]["problem"] == "keep selector .story-body matched nothing"
    assert "north quay by forty metres" in tried.context["result"]["body"]
    assert "Rules set aside" in tried.content.decode()

    worked = admin_client.post(
        preview, {"url": server.url("/story/p"), "keep": ".article-text", "drop": ".promo"}
    )
    assert worked.context["result"]["used_rules"] and "newsletter" not in worked.context["result"]["body"]

    bad = admin_client.post(preview, {"url": server.url("/story/p"), "keep": "p:hover", "drop": ""})
    assert (
        bad.status_code == 200
        and bad.context["result"] is None
        and "p:hover" in str(bad.context["form"].errors)
    )

    # Save and re-extract (the test settings run tasks at once).
    saved = admin_client.post(
        preview,
        {"url": server.url("/story/p"), "keep": ".article-text", "drop": ".promo", "save": "reextract"},
    )
    assert saved.status_code == 302 and saved["Location"] == f"/admin/ingest/source/{source.pk}/change/"
    source.refresh_from_db()
    assert source.extraction_rules == {"keep": [".article-text"], "drop": [".promo"]}
    assert "newsletter" not in Article.objects.get().body


@pytest.mark.django_db
def test_preview_of_an_unknown_source_is_404_and_saving_needs_change_permission(
    client, django_user_model, section
):
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(viewer)
    source = Source.objects.create(feed_url="https://example.org/f.xml", section=section)
    assert client.get("/admin/ingest/source/preview/?source=999").status_code == 404
    opened = client.get(f"/admin/ingest/source/preview/?source={source.pk}")
    assert opened.status_code == 200 and not opened.context["may_save"]
    refused = client.post(
        f"/admin/ingest/source/preview/?source={source.pk}",
        {"url": "https://example.org/x", "keep": "article", "drop": "", "save": "rules"},
    )
    assert refused.status_code == 403
    source.refresh_from_db()
    assert source.extraction_rules == {}


@pytest.mark.django_db
def test_admin_action_reextracts_full_sources_and_skips_excerpt_ones(admin_client, server, fetcher, section):
    serve(server, ["x"])
    full = full_source(server, section)
    ingest_source(full, fetcher)
    Source.objects.filter(pk=full.pk).update(extraction_rules={"drop": [".promo"]})
    excerpt = Source.objects.create(feed_url="https://example.org/e.xml", section=section)
    response = admin_client.post(
        "/admin/ingest/source/",
        {"action": "reextract_past_stories", "_selected_action": [full.pk, excerpt.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any("of 1 source(s)" in m for m in shown) and any("1 excerpt-mode" in m for m in shown)
    assert "newsletter" not in Article.objects.get().body
    assert Entry.objects.count() == 1
