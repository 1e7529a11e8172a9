"""Searching: articles reach the index through publish(), leave it on withdraw, rank and filter."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article
from broadsheet.search import backend, query
from broadsheet.search.errors import SearchUnavailable
from broadsheet.search.index import rebuild
from broadsheet.search.query import SearchResults

pytestmark = pytest.mark.django_db(transaction=True)


def ids(results: SearchResults) -> list[int]:
    return [hit.article_id for hit in results.hits]


def test_published_article_is_found_with_highlights(make_article) -> None:
    article = make_article(
        headline="Lighthouse keeper retires", body="<p>After forty years at the lighthouse.</p>"
    )
    results = query.query("lighthouse")
    assert results.total == 1
    (hit,) = results.hits
    assert hit.article_id == article.pk
    assert hit.headline_html == "<mark>Lighthouse</mark> keeper retires"
    assert "<mark>lighthouse</mark>" in hit.snippet_html
    assert hit.url == article.get_absolute_url()
    assert (hit.section_slug, hit.section_name) == ("business", "Business")
    assert hit.published_at == article.published_at


def test_draft_is_not_indexed(make_article) -> None:
    make_article(headline="Lighthouse draft", publish=False)
    assert query.query("lighthouse").total == 0


def test_withdrawn_article_leaves_the_index(make_article) -> None:
    article = make_article(headline="Lighthouse keeper retires")
    services.withdraw(article)
    # total counts index documents: 0 means the document is gone, not merely filtered out.
    assert query.query("lighthouse").total == 0


def test_deleted_article_leaves_the_index(make_article) -> None:
    article = make_article(headline="Lighthouse keeper retires")
    services.delete_article(article)
    assert query.query("lighthouse").total == 0


def test_edited_headline_is_found_and_the_old_one_is_not(make_article) -> None:
    article = make_article(headline="Lighthouse keeper retires", body="<p>A story.</p>", dek="")
    article.headline = "Harbormaster steps down"
    services.save_article(article)
    assert ids(query.query("harbormaster")) == [article.pk]
    assert query.query("lighthouse").total == 0


def test_hit_withdrawn_behind_the_index_back_is_not_shown(make_article) -> None:
    article = make_article(headline="Lighthouse keeper retires")
    # No signal, no task: the index still has it, the database check hides it.
    Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
    assert query.query("lighthouse").hits == []


def test_a_page_of_hits_is_one_query_without_the_body(make_article, ago) -> None:
    older = make_article(headline="Lighthouse keeper retires", dek="", published_at=ago(days=3))
    newer = make_article(
        headline="Council meets", body="<p>The lighthouse again.</p>", published_at=ago(hours=1)
    )
    with CaptureQueriesContext(connection) as captured:
        results = query.query("lighthouse")
    # The ranking's order, not the database's (newest first).
    assert ids(results) == [older.pk, newer.pk]
    assert [hit.url for hit in results.hits] == [older.get_absolute_url(), newer.get_absolute_url()]
    (only,) = captured.captured_queries
    # Only what a hit shows: not the body, the byline or the author.
    assert '"body"' not in only["sql"]
    assert '"byline"' not in only["sql"]
    assert "newsroom_author" not in only["sql"]
    # By primary key alone, so no planner can prefer a scan of the published rows.
    where = only["sql"].split("WHERE", 1)[1]
    assert "status" not in where
    assert "published_at" not in where


@pytest.mark.parametrize("change", ["draft", "scheduled", "deleted"])
def test_hit_no_longer_public_behind_the_index_back_is_not_shown(make_article, change) -> None:
    kept = make_article(headline="Lighthouse museum")
    gone = make_article(headline="Lighthouse keeper retires")
    # No signal, no task: the index still has it, the database check hides it.
    if change == "deleted":
        Article.objects.filter(pk=gone.pk).delete()
    elif change == "draft":
        Article.objects.filter(pk=gone.pk).update(status=Article.Status.DRAFT)
    else:
        Article.objects.filter(pk=gone.pk).update(published_at=clock.now() + dt.timedelta(days=1))
    assert ids(query.query("lighthouse")) == [kept.pk]


def test_a_lone_word_ranks_as_it_does_inside_a_larger_query(make_article, ago) -> None:
    # One clause is searched as it is; beside an exclusion it sits in a boolean query.
    make_article(headline="Lighthouse to be restored", dek="", body="<p>The council agreed.</p>")
    make_article(headline="Council meets", dek="", body="<p>The lighthouse, the lighthouse.</p>")
    make_article(
        headline="Ferry news", dek="A lighthouse nearby.", body="<p>Boats.</p>", published_at=ago(days=90)
    )
    alone = query.query("lighthouse")
    beside = query.query("lighthouse -zyzzogeton")
    assert alone.total == beside.total == 3
    assert ids(alone) == ids(beside)
    assert [hit.score for hit in alone.hits] == pytest.approx([hit.score for hit in beside.hits])


def test_scheduled_article_is_found_once_due_without_reindexing(make_article, monkeypatch) -> None:
    due = clock.now() + dt.timedelta(hours=2)
    article = make_article(headline="Lighthouse reopens", published_at=due)
    make_article(headline="Lighthouse museum", published_at=clock.now() - dt.timedelta(days=1))
    results = query.query("lighthouse")
    # It is in the index (indexed at publish time) but the range filter leaves it out.
    assert article.pk not in ids(results)
    assert results.total == 1

    # Three hours later, with nothing reindexed, the same index answers differently.
    later = clock.now() + dt.timedelta(hours=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    results = query.query("lighthouse")
    assert article.pk in ids(results)
    assert results.total == 2


def test_headline_match_outranks_body_only_match(make_article, ago) -> None:
    body_only = make_article(
        headline="Council meets on Tuesday",
        dek="",
        body="<p>The lighthouse was discussed.</p>",
        published_at=ago(hours=1),
    )
    in_headline = make_article(
        headline="Lighthouse to be restored",
        dek="",
        body="<p>The council agreed.</p>",
        published_at=ago(days=2),
    )
    assert ids(query.query("lighthouse")) == [in_headline.pk, body_only.pk]


def test_recency_favours_the_newer_of_equal_matches(make_article, ago) -> None:
    old = make_article(headline="Lighthouse keeper retires", published_at=ago(days=400))
    new = make_article(headline="Lighthouse keeper retires", published_at=ago(hours=2))
    middle = make_article(headline="Lighthouse keeper retires", published_at=ago(days=20))
    results = query.query("lighthouse keeper")
    assert ids(results) == [new.pk, middle.pk, old.pk]
    assert results.hits[0].score > results.hits[1].score > results.hits[2].score


def test_recency_weight_decays_to_a_floor() -> None:
    assert query.recency_weight(dt.timedelta(0)) == pytest.approx(1.0)
    assert query.recency_weight(dt.timedelta(days=30)) == pytest.approx(0.75)
    assert query.recency_weight(dt.timedelta(days=10_000)) == pytest.approx(query.RECENCY_FLOOR)
    assert query.recency_weight(dt.timedelta(days=-1)) == pytest.approx(1.0)


def test_last_word_is_a_prefix(make_article) -> None:
    article = make_article(headline="Election night in the harbor district", body="<p>Votes.</p>")
    assert ids(query.query("elect")) == [article.pk]
    assert ids(query.query("harb")) == [article.pk]
    assert ids(query.query("distr")) == [article.pk]
    # Only the last word is completed; a starred word anywhere is too.
    assert query.query("distr night").total == 0
    assert ids(query.query("distr* night")) == [article.pk]
    assert "<mark>harbor</mark>" in query.query("harb").hits[0].headline_html


def test_all_words_must_match(make_article) -> None:
    both = make_article(headline="Ferry fares rise", body="<p>The harbor ferry costs more.</p>")
    make_article(headline="Ferry timetable changes", body="<p>Boats leave earlier.</p>")
    assert ids(query.query("ferry fares")) == [both.pk]


def test_excluded_word(make_article) -> None:
    make_article(headline="Ferry fares rise", body="<p>Tolls too.</p>")
    keep = make_article(headline="Ferry timetable changes", body="<p>Boats leave earlier.</p>")
    assert ids(query.query("ferry -tolls")) == [keep.pk]


def test_phrase_query(make_article) -> None:
    phrase = make_article(headline="Harbor council votes", dek="", body="<p>Nothing else.</p>")
    make_article(headline="Council of the harbor meets", dek="", body="<p>Votes later.</p>")
    assert ids(query.query('"harbor council"')) == [phrase.pk]
    assert query.query("harbor council").total == 2


def test_section_filter(make_article, sport) -> None:
    business = make_article(headline="Stadium bond approved")
    on_sport = make_article(headline="Stadium opens its gates", section=sport)
    assert sorted(ids(query.query("stadium"))) == sorted([business.pk, on_sport.pk])
    assert ids(query.query("stadium", section="sport")) == [on_sport.pk]
    assert ids(query.query("stadium", section="business")) == [business.pk]
    assert query.query("stadium", section="nope").total == 0


def test_pages_partition_the_results(make_article, ago) -> None:
    articles = [make_article(headline=f"Lighthouse report {i}", published_at=ago(days=i)) for i in range(23)]
    seen: list[int] = []
    for page in (1, 2, 3):
        results = query.query("lighthouse", page=page, per_page=10)
        assert results.total == 23
        assert results.has_next is (page < 3)
        seen.extend(ids(results))
    assert sorted(seen) == sorted(a.pk for a in articles)
    assert query.query("lighthouse", page=4, per_page=10).hits == []


def test_pages_past_the_rerank_window_continue_in_bm25_order(make_article, ago, monkeypatch) -> None:
    monkeypatch.setattr(query, "RERANK_WINDOW", 4)
    articles = [make_article(headline=f"Lighthouse report {i}", published_at=ago(days=i)) for i in range(9)]
    pages = [ids(query.query("lighthouse", page=page, per_page=2)) for page in range(1, 6)]
    flat = [pk for page in pages for pk in page]
    assert [len(p) for p in pages] == [2, 2, 2, 2, 1]
    assert sorted(flat) == sorted(a.pk for a in articles)


def test_headline_with_markup_is_escaped(make_article) -> None:
    make_article(
        headline="<script>alert('x')</script> Lighthouse & harbor", body="<p>Lighthouse <b>news</b>.</p>"
    )
    (hit,) = query.query("lighthouse").hits
    assert "<script>" not in hit.headline_html
    assert (
        hit.headline_html
        == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>Lighthouse</mark> &amp; harbor"
    )
    assert "<b>" not in hit.snippet_html


def test_body_snippet_falls_back_to_the_dek(make_article) -> None:
    make_article(headline="Lighthouse keeper retires", dek="Forty years & counting.", body="<p>Nothing.</p>")
    (hit,) = query.query("lighthouse").hits
    assert hit.snippet_html == "Forty years &amp; counting."


def test_unicode_highlight_uses_byte_offsets(make_article) -> None:
    make_article(headline="Café culture", dek="", body="<p>Ünïcode prefix then électricité costs.</p>")
    (hit,) = query.query("électricité").hits
    assert "<mark>électricité</mark>" in hit.snippet_html


HOSTILE = [
    '"',
    '"lighthouse',
    'lighthouse"',
    '"lighthouse keeper"',
    '""""',
    "AND",
    "lighthouse AND OR NOT",
    "NOT lighthouse",
    "lighthouse NEAR keeper",
    "*",
    "lighthouse*",
    "**l*",
    "(",
    "(lighthouse",
    "lighthouse)",
    "body:lighthouse",
    "id:1",
    "published_at:[0 TO 9]",
    "🚢 lighthouse 🌊",
    "-",
    "-lighthouse",
    "+lighthouse",
    "lighthouse^10",
    "lighthouse~2",
    "\\lighthouse\\",
    "\\",
    "light\x00house",
    "\x00",
    "lighthouse " * 200,
    "x" * 2000,
    "",
    "   \t\n ",
    "a_b_c foo_bar",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "{ } [ ] ! ? / @ # $ % & = ;",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_any_query_string_gives_results_or_an_empty_page(make_article, text: str) -> None:
    make_article(headline="Lighthouse keeper retires", body="<p>After forty years at the lighthouse.</p>")
    results = query.query(text)
    assert isinstance(results, SearchResults)
    assert results.total >= len(results.hits) >= 0


def test_empty_query_runs_no_search(make_article, monkeypatch) -> None:
    make_article(headline="Lighthouse keeper retires")

    def fail(path):
        raise AssertionError("searched")

    monkeypatch.setattr(backend.readers, "view", fail)
    for text in ("", "  ", "🚢", "-lighthouse"):
        results = query.query(text)
        assert (results.total, results.hits, results.has_next) == (0, [], False)


def test_missing_index_gives_empty_results(db, search_dir) -> None:
    assert not search_dir.exists()
    assert query.query("lighthouse").total == 0
    search_dir.mkdir()
    assert query.query("lighthouse").total == 0


def test_corrupt_index_raises_search_unavailable(make_article, search_dir) -> None:
    make_article(headline="Lighthouse keeper retires")
    (search_dir / "meta.json").write_text("{not json")
    with pytest.raises(SearchUnavailable):
        query.query("lighthouse")


def test_rebuild_restores_the_index_from_the_database(make_article, search_dir, ago) -> None:
    kept = [make_article(headline=f"Lighthouse report {i}") for i in range(3)]
    scheduled = make_article(headline="Lighthouse future", published_at=clock.now() + dt.timedelta(days=1))
    make_article(headline="Lighthouse draft", publish=False)
    shutil.rmtree(search_dir)
    assert query.query("lighthouse").total == 0

    reported: list[int] = []
    assert rebuild(progress=reported.append) == 4  # the three public ones and the scheduled one
    assert reported[-1] == 4
    results = query.query("lighthouse")
    assert sorted(ids(results)) == sorted(a.pk for a in kept)
    assert scheduled.pk not in ids(results)


def test_rebuild_replaces_a_corrupt_index(make_article, search_dir) -> None:
    article = make_article(headline="Lighthouse keeper retires")
    (search_dir / "meta.json").write_text("{not json")
    assert rebuild() == 1
    assert ids(query.query("lighthouse")) == [article.pk]


def test_rebuild_drops_documents_no_longer_public(make_article) -> None:
    article = make_article(headline="Lighthouse keeper retires")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
    assert rebuild() == 0
    assert query.query("lighthouse").total == 0


def test_readers_see_each_commit(make_article) -> None:
    first = make_article(headline="Lighthouse one")
    assert ids(query.query("lighthouse")) == [first.pk]
    second = make_article(headline="Lighthouse two")
    assert sorted(ids(query.query("lighthouse"))) == sorted([first.pk, second.pk])
