"""Revisions: every write through services records one; the admin lists, compares and restores."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from broadsheet.newsroom import compare, revisions, roles, services
from broadsheet.newsroom.models import Article, Section, Tag


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
    client = Client()
    client.force_login(user)
    return client


def history(article: Article) -> list[tuple[str, str]]:
    """(user name or "", comment) of each revision, oldest first."""
    return [
        (v.revision.user.username if v.revision.user else "", v.revision.comment)
        for v in reversed(list(revisions.versions(article)))
    ]


def test_every_write_through_services_records_a_revision_with_user_and_action(people, section):
    eve = people["eve"]
    tag = Tag.objects.create(name="Ferries", slug="ferries")
    article = services.save_article(
        Article(headline="Ferry fares rise", section=section, body="<p>One.</p>"), tags=[tag.pk], by=eve
    )
    article.body = "<p>Two.</p>"
    services.save_article(article, by=eve)
    services.publish(article, by=eve)
    services.withdraw(article, by=eve)
    services.return_to_draft(article, by=eve)
    services.submit_for_review(article, by=eve)
    assert history(article) == [
        ("eve", "Created"),
        ("eve", "Edited"),
        ("eve", "Published"),
        ("eve", "Withdrawn"),
        ("eve", "Returned to draft"),
        ("eve", "Submitted for review"),
    ]
    first = list(revisions.versions(article))[-1].field_dict
    assert first["body"] == "<p>One.</p>" and first["tags"] == [tag.pk]
    assert "created_by_id" not in first and "fingerprint" not in first


def test_writes_made_for_no_one_record_too_but_not_the_feed_pipelines(db, section):
    own = services.save_article(Article(headline="Council budget", section=section))
    assert history(own) == [("", "Created")]
    feed = services.save_article(
        Article(headline="Wire story", section=section, canonical_url="https://wire.example/a")
    )
    assert history(feed) == []


def test_the_first_edit_of_an_article_without_history_keeps_what_was_stored(people, section):
    feed = services.save_article(
        Article(
            headline="Wire story", section=section, body="<p>As sent.</p>", canonical_url="https://w.example/"
        )
    )
    feed.body = "<p>Edited by us.</p>"
    services.save_article(feed, by=people["eve"])
    assert history(feed) == [("", "As stored before this edit"), ("eve", "Edited")]
    assert list(revisions.versions(feed))[-1].field_dict["body"] == "<p>As sent.</p>"


def test_restore_puts_back_content_but_never_status_or_time(people, section, make_article):
    eve = people["eve"]
    old_tag, new_tag = Tag.objects.create(name="Old", slug="old"), Tag.objects.create(name="New", slug="new")
    article = make_article(headline="First headline", dek="First dek", body="<p>First body.</p>")
    article.tags.set([old_tag])
    article = Article.objects.get(pk=article.pk)
    services.save_article(article, tags=[old_tag.pk], by=eve)
    first = revisions.versions(article).first()
    article.headline, article.dek, article.body = "Second headline", "Second dek", "<p>Second body.</p>"
    services.save_article(article, tags=[new_tag.pk], by=eve)
    services.withdraw(article, by=eve)

    services.restore_revision(article, first, by=eve)
    article = Article.objects.get(pk=article.pk)
    assert (article.headline, article.dek, article.body) == (
        "First headline",
        "First dek",
        "<p>First body.</p>",
    )
    assert list(article.tags.values_list("slug", flat=True)) == ["old"]
    assert article.status == Article.Status.WITHDRAWN
    assert history(article)[-1][1].startswith("Restored revision of ")


def test_the_admin_lists_compares_and_restores(people, section):
    eve = people["eve"]
    article = services.save_article(
        Article(headline="Bridge opens", section=section, body="<p>A.</p>"), by=eve
    )
    article.headline, article.body = "Bridge opens at last", "<p>B.</p>"
    services.save_article(article, by=eve)
    older, newer = sorted(revisions.versions(article), key=lambda v: v.pk)
    client = client_for(eve)

    change = client.get(reverse("admin:newsroom_article_change", args=[article.pk]))
    assert reverse("admin:newsroom_article_revisions", args=[article.pk]) in change.content.decode()
    listing = client.get(reverse("admin:newsroom_article_revisions", args=[article.pk]))
    assert listing.status_code == 200
    assert [r["comment"] for r in listing.context["revisions"]] == ["Edited", "Created"]

    url = reverse("admin:newsroom_article_revisions_compare", args=[article.pk])
    page = client.get(url, {"version": [newer.pk, older.pk]})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Bridge opens<ins> at last</ins>" in html
    assert "<del>A</del>" in html and "<ins>B</ins>" in html
    assert 'style="' not in html and "<script>" not in html

    restore = reverse("admin:newsroom_article_revisions_restore", args=[article.pk, older.pk])
    assert client.get(restore).status_code == 405
    assert client.post(restore).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Bridge opens" and article.body == "<p>A.</p>"


def test_compare_needs_two_revisions_of_this_article(people, section):
    eve = people["eve"]
    one = services.save_article(Article(headline="One", section=section), by=eve)
    two = services.save_article(Article(headline="Two", section=section), by=eve)
    url = reverse("admin:newsroom_article_revisions_compare", args=[one.pk])
    mine, theirs = revisions.versions(one).first(), revisions.versions(two).first()
    client = client_for(eve)
    for query in ({}, {"version": [mine.pk]}, {"version": [mine.pk, theirs.pk]}, {"version": ["x", "y"]}):
        answer = client.get(url, query)
        assert answer.status_code == 302, query
        assert answer.url == reverse("admin:newsroom_article_revisions", args=[one.pk])


def test_compare_escapes_markup_in_every_field(people, section):
    eve = people["eve"]
    article = services.save_article(Article(headline="<b>Plain</b>", section=section, dek="a"), by=eve)
    article.headline, article.dek = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
    article.body = "<p>&lt;script&gt;alert(2)&lt;/script&gt;</p>"
    services.save_article(article, by=eve)
    versions = [v.pk for v in revisions.versions(article)]
    html = (
        client_for(eve)
        .get(reverse("admin:newsroom_article_revisions_compare", args=[article.pk]), {"version": versions})
        .content.decode()
    )
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Plain" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html


def test_a_contributor_cannot_restore_onto_a_published_article(people, section):
    cora, eve = people["cora"], people["eve"]
    article = services.save_article(Article(headline="Cora's draft", section=section), by=cora)
    article.headline = "Cora's draft, edited"
    services.save_article(article, by=cora)
    first = list(revisions.versions(article))[-1]
    services.publish(article, by=eve)
    before = Version.objects.count()

    answer = client_for(cora).post(
        reverse("admin:newsroom_article_revisions_restore", args=[article.pk, first.pk])
    )
    assert answer.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Cora's draft, edited" and Version.objects.count() == before
    with pytest.raises(Exception, match="may not change a published"):
        services.restore_revision(article, first, by=cora)
    assert Version.objects.count() == before
    # She can still read her article's history, without Restore buttons.
    listing = client_for(cora).get(reverse("admin:newsroom_article_revisions", args=[article.pk]))
    assert listing.status_code == 200 and listing.context["may_restore"] is False


def test_someone_who_may_not_see_the_article_gets_no_revisions(people, section):
    article = services.save_article(Article(headline="Eve's", section=section), by=people["eve"])
    version = revisions.versions(article).first()
    cora = client_for(people["cora"])
    assert cora.get(reverse("admin:newsroom_article_revisions", args=[article.pk])).status_code == 404
    restore = reverse("admin:newsroom_article_revisions_restore", args=[article.pk, version.pk])
    assert cora.post(restore).status_code == 404
    assert revisions.versions(article).count() == 1


@pytest.mark.parametrize(
    ("before", "after", "left", "right"),
    [
        ("a b c", "a x c", "a <del>b</del> c", "a <ins>x</ins> c"),
        ("same", "same", "same", "same"),
        ("<i>", "<b>", "&lt;<del>i</del>&gt;", "&lt;<ins>b</ins>&gt;"),
        ("", "new", "", "<ins>new</ins>"),
    ],
)
def test_text_is_compared_word_by_word_and_escaped(before, after, left, right):
    side = compare.text(before, after)
    assert (str(side.before), str(side.after)) == (left, right)
    assert side.changed == (before != after)


def test_bodies_are_compared_paragraph_by_paragraph():
    side = compare.body(
        "<p>Kept.</p><p>Old words here.</p><p>Gone.</p>", "<p>Kept.</p><p>New words here.</p>"
    )
    assert str(side.before) == (
        '<p>Kept.</p><p class="bs-diff-changed"><del>Old</del> words here.</p><p><del>Gone.</del></p>'
    )
    assert str(side.after) == '<p>Kept.</p><p class="bs-diff-changed"><ins>New</ins> words here.</p>'
    assert compare.paragraphs('<p>A<br>b <img alt="Map"></p><ul><li>x</li></ul>') == ["A b [image: Map]", "x"]


def test_a_section_deleted_since_is_named_as_such(people, section):
    other = Section.objects.create(name="Gone", slug="gone")
    eve = people["eve"]
    article = services.save_article(Article(headline="Moved", section=other), by=eve)
    article.section = section
    services.save_article(article, by=eve)
    gone_pk = other.pk
    other.delete()
    versions = [v.pk for v in revisions.versions(article)]
    html = (
        client_for(eve)
        .get(reverse("admin:newsroom_article_revisions_compare", args=[article.pk]), {"version": versions})
        .content.decode()
    )
    assert f"<del>(deleted, #{gone_pk})</del>" in html and "<ins>Business</ins>" in html
