"""Index updates travel as tasks: the receiver only enqueues an id, the worker does the writing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from broadsheet.search import query

pytestmark = pytest.mark.django_db(transaction=True)


def test_publish_only_enqueues_a_task_by_id(make_article, settings, search_dir) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    article = make_article(headline="Lighthouse keeper retires")
    queued = DBTaskResult.objects.filter(task_path="broadsheet.search.tasks.update_article")
    assert [row.args_kwargs["args"] for row in queued] == [[article.pk]]
    # Nothing was written in the request: the index does not even exist until the worker runs.
    assert not search_dir.exists()
    assert query.query("lighthouse").total == 0

    call_command("db_worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert [h.article_id for h in query.query("lighthouse").hits] == [article.pk]


def test_reindex_command(make_article, search_dir) -> None:
    make_article(headline="Lighthouse keeper retires")
    out = io.StringIO()
    call_command("search", "reindex", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("Search: indexed 1 articles in ")
