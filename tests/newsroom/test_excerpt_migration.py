"""Migration 0019: excerpt stories stored with a "Read the full story at …" paragraph lose it,
range by range, and nothing else is touched."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from broadsheet.ingest.pipeline import excerpt_body
from broadsheet.newsroom.models import Article

pytestmark = pytest.mark.django_db

migration = importlib.import_module("broadsheet.newsroom.migrations.0020_excerpt_bodies_without_read_more")

SUMMARY = "<p>The council approved the ferry budget.</p>"
CALL = '<p><strong><a href="https://news.example/a">Read the full story at Harbour Post</a></strong></p>'


class Editor:
    connection = connection


def test_old_excerpt_bodies_lose_the_call_and_nothing_else_changes(make_article, monkeypatch):
    monkeypatch.setattr(migration, "RANGE", 2)  # several ranges, some with nothing to do
    monkeypatch.setattr(migration, "WRITE_BATCH", 1)  # several UPDATEs a range (PostgreSQL)
    old = [
        make_article(
            body=SUMMARY + CALL, canonical_url=f"https://news.example/{i}", source_name="Harbour Post"
        )
        for i in range(5)
    ]
    new = make_article(body=excerpt_body(SUMMARY), canonical_url="https://news.example/new")
    # Our own journalism may quote the words; only aggregated bodies are touched.
    own = make_article(body='<p>Read the full story at our sister paper: <a href="/x">here</a>.</p>')
    stamps = dict(Article.objects.values_list("pk", "updated_at"))
    bodies = dict(Article.objects.values_list("pk", "body"))

    migration.strip_calls(apps, Editor())

    assert {a.pk: a.body for a in Article.objects.filter(pk__in=[a.pk for a in old])} == {
        a.pk: SUMMARY for a in old
    }
    assert Article.objects.get(pk=new.pk).body == bodies[new.pk] == SUMMARY
    assert Article.objects.get(pk=own.pk).body == bodies[own.pk]
    assert dict(Article.objects.values_list("pk", "updated_at")) == stamps  # no page looks edited
    migration.strip_calls(apps, Editor())  # again: nothing left to do
    assert not Article.objects.filter(body__contains=migration.MARKER, canonical_url__isnull=False).exists()


def test_an_empty_table_is_nothing_to_do():
    migration.strip_calls(apps, Editor())
