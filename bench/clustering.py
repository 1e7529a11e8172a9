"""Story clustering and related lists, measured: quality on the labelled fixtures and the cost
of adding one article.

    .venv/bin/python bench/clustering.py quality            # precision/recall per threshold
    .venv/bin/python bench/clustering.py related            # related lists against the topics
    .venv/bin/python bench/clustering.py cost --sizes 10000 1000000 [--adds 50] [--keep DIR]

quality: publishes tests/fixtures/discovery/events.jsonl (original fictional reports, labelled
by event) into a scratch SQLite database and clusters them online, oldest first, at several
similarity thresholds; prints pairwise precision, recall and F1 for each, and the story count.

related: clusters and indexes the same reports, computes every related list and scores them
against tests/fixtures/discovery/topics.json (events that share a topic, not an event): the
share of lists that lead with the same topic, same-topic precision in the first k entries (k:
how many such articles exist, at most six), and entries from the article's own story (0).

cost: for each archive size N (one process per size), a scratch SQLite database gets N
synthetic articles spread over five years (text from broadsheet.demo.corpus) and archive-sized
story tables (one story per two archive articles, memberships included, all older than the
window), bulk-loaded with raw SQL; then a window of WINDOW_ARTICLES clustered articles in the
last 72 hours; then it times `stories.assign` (merge pass included) for --adds new articles.
The window is the same at every size, so a flat cost says the archive does not matter; the
candidate count printed is what a window of that many stories costs. --keep reuses a loaded
archive between runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def quality(thresholds: list[float]) -> None:
    from broadsheet.discovery import stories
    from broadsheet.discovery.models import Story, StoryMembership
    from tests.discovery.fixtures import pairwise, publish_events

    labels = publish_events()
    order = list(labels)  # publish order: oldest first
    print(f"{len(labels)} reports of {len(set(labels.values()))} events")
    print(f"{'threshold':>9}  {'precision':>9}  {'recall':>6}  {'F1':>5}  stories")
    for threshold in thresholds:
        Story.objects.all().delete()
        for article_id in order:
            stories.assign(article_id, threshold=threshold)
        predicted = dict(StoryMembership.objects.values_list("article_id", "story_id"))
        precision, recall = pairwise(labels, predicted)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            f"{threshold:>9.2f}  {precision:>9.3f}  {recall:>6.3f}  {f1:>5.3f}  {Story.objects.count()}"
            + ("  <- default" if abs(threshold - stories.THRESHOLD) < 1e-9 else "")
        )


def related_lists() -> None:
    from broadsheet.discovery import related, stories
    from broadsheet.discovery.models import RelatedArticle
    from broadsheet.search.index import rebuild
    from tests.discovery.fixtures import create_events, read_topics, related_quality

    labels = create_events()
    for article_id in labels:
        stories.assign(article_id)
    rebuild()
    for article_id in labels:
        related.compute(article_id)
    lists = {
        pk: list(
            RelatedArticle.objects.filter(article_id=pk).order_by("rank").values_list("related_id", flat=True)
        )
        for pk in labels
    }
    q = related_quality(labels, lists, read_topics(), related.RELATED_LIMIT)
    print(f"{len(labels)} reports; {q.articles} of them have another event of the same topic")
    print(f"lists leading with the same topic: {q.first_right}/{q.articles} = {q.first_rate:.3f}")
    print(f"same-topic precision in the first k: {q.hits}/{q.slots} = {q.precision:.3f}")
    print(f"entries from the article's own story: {q.same_story}")


WINDOW_ARTICLES = 600
# Rows per executemany call while loading the scratch archive.
LOAD_BATCH = 20_000
# Archive stories carry centroids and member vectors of realistic size (120 and 60 terms), so
# the story tables weigh what a clustered archive's would; their terms never occur in new text.
ARCHIVE_CENTROID = {f"archiveterm{i:03d}": round(1.0 / (i + 1), 6) for i in range(120)}
ARCHIVE_TERMS = {f"archiveterm{i:03d}": round(1.0 / (i + 1), 6) for i in range(60)}


def cost(size: int, adds: int) -> None:
    from broadsheet.core import clock
    from broadsheet.discovery import stories
    from broadsheet.discovery.models import Story, StoryMembership
    from broadsheet.newsroom.models import Article

    started = time.perf_counter()
    now = clock.now()
    window_start = now - stories.WINDOW
    if not Article.objects.exists():
        _load_archive(size, now - stories.WINDOW - dt.timedelta(days=1))
    # A previous run's window (the archive's stories stay): its articles go back to the archive.
    Article.objects.filter(published_at__gte=window_start).update(
        published_at=window_start - dt.timedelta(days=1)
    )
    Story.objects.filter(last_published_at__gte=window_start - stories.WINDOW).delete()
    print(
        f"archive {Article.objects.count():,} articles, {Story.objects.count():,} stories "
        f"(prepared in {time.perf_counter() - started:.0f}s)",
        flush=True,
    )
    rng = random.Random(3)
    top = Article.objects.order_by("-pk").values_list("pk", flat=True)[0]
    old = rng.sample(range(1, top + 1), WINDOW_ARTICLES + adds)  # ids are dense in a scratch archive
    # Window articles: archive articles republished at random times in the last 72 hours.
    for pk in old:
        Article.objects.filter(pk=pk).update(
            published_at=now - dt.timedelta(seconds=rng.randint(60, 71 * 3600))
        )
    StoryMembership.objects.filter(article_id__in=old).delete()
    window, timed = old[:WINDOW_ARTICLES], old[WINDOW_ARTICLES:]
    for pk in window:
        stories.assign(pk)
    candidates = len(stories.window_stories(now))
    timings, cpu = [], []
    for pk in timed:
        Article.objects.filter(pk=pk).update(published_at=now)
        t0, c0 = time.perf_counter(), time.process_time()
        stories.assign(pk)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    timings.sort()
    # CPU time too: on a shared machine, wall time also counts waiting for a core.
    print(
        f"N={size:>9,}  window stories {candidates:>4}  add one article: median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms (CPU median {statistics.median(cpu):.1f} ms) "
        f"over {len(timings)} adds",
        flush=True,
    )


def _load_archive(size: int, newest: dt.datetime) -> None:
    """Write `size` published articles (tags included; view roll-ups left out, the add path never
    reads them) with one story per two of them, as a fully clustered archive would have.

    The scratch SQLite file only: raw executemany in one transaction, no journal, no fsync, no
    signals, no ORM objects per row. Every index the migrations made stays in place and is
    maintained as rows arrive, then ANALYZE runs, as after any bulk load. About 12 minutes for
    a million articles on the benchmark machine, where bulk_create took an hour."""
    from django.db import connection, transaction
    from django.utils.text import slugify

    from broadsheet.core import clock
    from broadsheet.demo.corpus import SECTION_WEIGHTS, YEARS, _Composer, generate_corpus
    from broadsheet.newsroom.models import Article, Author, Section, Tag

    assert connection.vendor == "sqlite", "the archive loader writes SQLite only"
    generate_corpus(1, seed=7)  # sections, authors, tags and lead images, through the usual path
    Article.objects.all().delete()
    sections = dict(Section.objects.filter(slug__in=SECTION_WEIGHTS).values_list("slug", "pk"))
    section_slugs = list(sections)
    weights = [SECTION_WEIGHTS[s] for s in section_slugs]
    author_ids = list(Author.objects.values_list("pk", flat=True))
    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    composer = _Composer(rng)
    span = YEARS * 365 * 86400
    stamp = str(clock.now().replace(tzinfo=None))
    columns = (
        "id, headline, slug, dek, body, section_id, author_id, byline, status, published_at, created_at, "
        "updated_at, language, is_sticky, lead_image, lead_image_url, lead_image_alt, lead_image_caption, "
        "lead_image_credit, source_name, source_home_url"
    )
    insert = f"INSERT INTO newsroom_article ({columns}) VALUES ({', '.join(['%s'] * 21)})"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-2000000")  # 2 GB: index pages stay in memory
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(1, size + 1, LOAD_BATCH):
            rows, tags = [], []
            for pk in range(start, min(start + LOAD_BATCH, size + 1)):
                section = rng.choices(section_slugs, weights)[0]
                headline, dek, body = composer.article(section)
                published = newest - dt.timedelta(seconds=rng.randint(0, span))
                rows.append(
                    (pk, headline, f"{slugify(headline)[:180]}-{pk}", dek, body, sections[section],
                     rng.choice(author_ids), "", "published", str(published.replace(tzinfo=None)),
                     stamp, stamp, "en", False, "", "", "", "", "", "", "")
                )  # fmt: skip
                tags.extend((pk, tag) for tag in rng.sample(tag_ids, rng.randint(2, 4)))
            cursor.executemany(insert, rows)
            cursor.executemany("INSERT INTO newsroom_article_tags (article_id, tag_id) VALUES (%s, %s)", tags)
        # Story k holds articles 2k-1 and 2k, which the dense ids make a join-free SELECT.
        cursor.execute(
            "INSERT INTO discovery_story (id, headline, slug, first_published_at, last_published_at, "
            "article_count, source_count, centroid, updated_at) SELECT id, headline, 'archive-story', "
            "published_at, published_at, 2, 1, %s, %s FROM newsroom_article WHERE id %% 2 = 1",
            [json.dumps(ARCHIVE_CENTROID), stamp],
        )
        cursor.execute(
            "INSERT INTO discovery_storymembership (story_id, article_id, published_at, similarity, terms) "
            "SELECT id - 1 + id %% 2, id, published_at, 1.0, %s FROM newsroom_article",
            [json.dumps(ARCHIVE_TERMS)],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA journal_mode=WAL")  # as the site runs, for the timed part
        cursor.execute("PRAGMA synchronous=NORMAL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--thresholds", type=float, nargs="*", default=[0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6])
    sub.add_parser("related")
    c = sub.add_parser("cost")
    c.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    c.add_argument("--adds", type=int, default=50)
    c.add_argument("--keep", type=Path, help="directory for the scratch databases (reused between runs)")
    args = parser.parse_args()
    scratch = args.keep if getattr(args, "keep", None) else Path(tempfile.mkdtemp(prefix="bench-clustering-"))
    scratch.mkdir(parents=True, exist_ok=True)
    if args.what == "quality":
        _setup(scratch / "quality.sqlite3")
        quality(args.thresholds)
        return
    if args.what == "related":
        _setup(scratch / "related.sqlite3")
        related_lists()
        return
    try:
        if len(args.sizes) > 1:
            # One process per size: Django binds its database once per process.
            for size in args.sizes:
                command = [sys.executable, __file__, "cost", "--sizes", str(size), "--adds", str(args.adds)]
                subprocess.run([*command, "--keep", str(scratch)], check=True)
        else:
            _setup(scratch / f"cost-{args.sizes[0]}.sqlite3")
            cost(args.sizes[0], args.adds)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)  # a million-article archive is 7 GB


if __name__ == "__main__":
    main()
