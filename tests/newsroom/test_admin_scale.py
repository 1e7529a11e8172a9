"""The article admin built for a million rows: bounded counts, a fixed number of queries, a
published-date range instead of date_hierarchy, and search through trigram indexes
(newsroom/textsearch.py). The timings themselves are bench/admin.py's."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.newsroom import services, textsearch
from broadsheet.newsroom.models import Article

pytestmark = pytest.mark.django_db

URL = "admin:newsroom_article_changelist"


def _listed(response: Any) -> list[str]:
    return sorted(article.headline for article in response.context["cl"].result_list)


def _get(client: Any, query: str = "") -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(URL) + query)
    assert response.status_code == 200, (query, response.status_code)
    return response, [q["sql"] for q in ctx.captured_queries]


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)), timezone.get_current_timezone())


PAGES = (
    "",
    "?p=2",
    "?q=harbor",
    "?q=ferry+council",
    "?q=zz",
    "?status__exact=draft",
    "?state=scheduled",
    "?state=published",
    "?published_from=2020-01-01&published_to=2030-12-31",
)


def test_no_changelist_query_counts_the_whole_table(admin_client, make_article, section, author):
    for _ in range(60):  # more than one page of 50
        make_article()
    for query in (*PAGES, f"?section__id__exact={section.pk}", f"?author__id__exact={author.pk}"):
        _, sqls = _get(admin_client, query)
        counts = [sql for sql in sqls if re.search(r"\bCOUNT\(", sql, re.I) and '"newsroom_article"' in sql]
        assert counts, (query, "the paginator still counts, boundedly")
        assert all(re.search(r"\bLIMIT\b", sql, re.I) for sql in counts), (query, counts)
        # date_hierarchy's year list was a DISTINCT over every row; nothing may bring it back.
        assert not [sql for sql in sqls if "DISTINCT" in sql.upper()], query


def test_changelist_query_count_does_not_grow_with_articles(admin_client, make_article):
    def counts() -> list[int]:
        return [len(_get(admin_client, query)[1]) for query in PAGES]

    for _ in range(3):
        make_article(tags=["Docks"])
    few = counts()
    for _ in range(57):
        make_article(tags=["Docks", "Ferries"])
    assert counts() == few


def test_published_range_filter(admin_client, make_article):
    today = timezone.localdate()
    old_day = today - dt.timedelta(days=40)
    make_article(headline="Today early", published_at=_local(today, 0))
    make_article(headline="Forty days ago", published_at=_local(old_day, 23))
    make_article(headline="Forty-one days ago", published_at=_local(old_day - dt.timedelta(days=1), 12))

    one_day = f"?published_from={old_day}&published_to={old_day}"
    assert _listed(_get(admin_client, one_day)[0]) == ["Forty days ago"]
    assert _listed(_get(admin_client, f"?published_from={old_day}")[0]) == ["Forty days ago", "Today early"]
    assert _listed(_get(admin_client, f"?published_to={old_day}")[0]) == [
        "Forty days ago",
        "Forty-one days ago",
    ]

    response, _ = _get(admin_client, "?published_from=2020-01-01&published_to=2020-01-31&q=forty")
    assert _listed(response) == []
    html = response.content.decode()
    # The range form keeps the other parameters (here the search) and shows the chosen days.
    assert 'name="q" value="forty"' in html and 'name="published_from" value="2020-01-01"' in html
    assert "Past 7 days" in html

    # A quick range is a link with both bounds.
    week = f"?published_from={today - dt.timedelta(days=7)}&published_to={today}"
    assert _listed(_get(admin_client, week)[0]) == ["Today early"]

    bad = admin_client.get(reverse(URL) + "?published_from=last+week")
    assert bad.status_code == 302 and bad["Location"].endswith("?e=1")


def test_search_finds_by_headline_dek_and_slug_through_the_index(admin_client, make_article):
    make_article(headline="Harbour lights return", dek="The lamps are back.")
    make_article(headline="Council budget vote", dek="A HARBOUR levy is proposed.")
    make_article(headline="Ferry timetable", slug="ferry-timetable-harbourside")
    make_article(headline="Quiet night", publish=False)  # drafts are found too

    response, sqls = _get(admin_client, "?q=harbour")
    assert _listed(response) == ["Council budget vote", "Ferry timetable", "Harbour lights return"]
    assert _listed(_get(admin_client, "?q=harbour+lamps")[0]) == ["Harbour lights return"]
    assert _listed(_get(admin_client, '?q="lights return"')[0]) == ["Harbour lights return"]
    assert _listed(_get(admin_client, "?q=quiet")[0]) == ["Quiet night"]
    # Under three characters: no trigram to look up, so a plain icontains.
    assert _listed(_get(admin_client, "?q=ght+re")[0]) == ["Harbour lights return"]
    if connection.vendor == "sqlite":
        assert any(f"{textsearch.FTS_TABLE} MATCH" in sql for sql in sqls), sqls
    else:
        _assert_trigram_plan()


def _assert_trigram_plan() -> None:
    """PostgreSQL: the admin's own icontains SQL can use the three GIN indexes. The test table
    is tiny, so plain scans are switched off to ask whether the trigram indexes fit at all
    (at 1M rows the planner picks them itself: bench/admin.py)."""
    queryset = textsearch.search(Article.objects.order_by("-published_at"), "harbour")
    sql, params = queryset.query.sql_with_params()
    assert 'UPPER("newsroom_article"."headline"::text) LIKE UPPER(' in sql, sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in textsearch.COLUMNS:
        assert textsearch.pg_index_name(column) in plan, plan


def test_search_follows_edits_and_deletes(admin_client, make_article):
    article = make_article(headline="Pier reopens", dek="Lamps are lit again.")
    article.dek = "New planks laid."
    services.save_article(article)
    assert _listed(_get(admin_client, "?q=lamps")[0]) == []
    assert _listed(_get(admin_client, "?q=planks")[0]) == ["Pier reopens"]
    services.delete_article(article)
    assert _listed(_get(admin_client, "?q=planks")[0]) == []


def test_search_without_the_indexes_still_answers(admin_client, make_article):
    """A database where migration 0009 could not build them (PostgreSQL without pg_trgm)."""
    make_article(headline="Harbour lights return")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in textsearch.sqlite_drop_sql():
                cursor.execute(sql)
        else:
            for column in textsearch.COLUMNS:
                cursor.execute(textsearch.pg_drop_index_sql(column))
    response, sqls = _get(admin_client, "?q=harbour")
    assert _listed(response) == ["Harbour lights return"]
    assert not any("MATCH" in sql for sql in sqls)


def test_list_columns_stay_short(admin_client, make_article):
    long = ("A very long headline " * 12).strip()
    when = timezone.localtime(clock.now() - dt.timedelta(days=1)).replace(hour=14, minute=5)
    make_article(headline=long, source_name="Wire service of the harbour city", published_at=when)
    html = _get(admin_client)[0].content.decode()
    assert f'class="bs-headline" title="{long}"' in html
    short = (
        f"{when.day} {when:%b %H:%M}"
        if when.year == timezone.localdate().year
        else f"{when.day} {when:%b %Y}"
    )
    assert f">{short}</time>" in html


def test_search_with_many_matches_walks_the_date_index(admin_client, make_article, monkeypatch):
    """Past MANY_MATCHES the SQLite query takes its other shape; the answer is the same."""
    for n in range(3):
        make_article(headline=f"Harbour story {n}")
    make_article(headline="Unrelated")
    monkeypatch.setattr(textsearch, "MANY_MATCHES", 2)
    response, sqls = _get(admin_client, "?q=harbour")
    assert _listed(response) == ["Harbour story 0", "Harbour story 1", "Harbour story 2"]
    if connection.vendor == "sqlite":
        assert any('+"newsroom_article"."id" IN' in sql for sql in sqls), sqls


def test_search_counts_less_far_than_the_list(admin_client, make_article, monkeypatch):
    from broadsheet.newsroom.admin.pagination import CappedPaginator, SearchCappedPaginator

    for _ in range(4):
        make_article()
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr(SearchCappedPaginator, "cap", 2)
    assert "More than 3 articles" in _get(admin_client)[0].content.decode()
    assert "More than 2 articles" in _get(admin_client, "?q=harbor")[0].content.decode()


def test_only_the_indexed_date_column_sorts(admin_client, make_article):
    make_article()
    html = _get(admin_client)[0].content.decode()
    sortable = re.findall(r'<th scope="col" class="sortable[^"]*column-(\w+)', html)
    assert sortable == ["published_display"], sortable


@pytest.mark.django_db
def test_a_table_rebuild_that_drops_the_search_triggers_is_repaired_after_migrate(make_article):
    """SQLite rebuilds the article table to alter a column, which drops its triggers."""
    from django.db import connection

    from broadsheet.newsroom import textsearch

    if connection.vendor != "sqlite":
        assert textsearch.repair_sqlite_index() is False
        return
    with connection.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER {textsearch.FTS_TABLE}_{suffix}")
    make_article(headline="Lantern festival moves to the quay")
    assert textsearch.repair_sqlite_index() is True
    assert textsearch.repair_sqlite_index() is False
    found = textsearch.search(Article.objects.all(), "lantern")
    assert list(found.values_list("headline", flat=True)) == ["Lantern festival moves to the quay"]
