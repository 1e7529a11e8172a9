"""Story clustering, measured: quality on the labelled fixtures and the cost of adding one article.

    .venv/bin/python bench/clustering.py quality            # precision/recall per threshold
    .venv/bin/python bench/clustering.py cost --sizes 10000 100000 [--adds 50]

quality: publishes tests/fixtures/discovery/events.jsonl (original fictional reports, labelled
by event) into a scratch SQLite database and clusters them online, oldest first, at several
similarity thresholds; prints pairwise precision, recall and F1 for each, and the story count.

cost: for each archive size N, a scratch database gets N synthetic articles spread over five
years (broadsheet.demo.corpus), archive-sized story tables (one story per two archive articles,
memberships included, all older than the window), then a window of WINDOW_ARTICLES clustered
articles in the last 72 hours; then it times `stories.assign` for --adds new articles. The window
is the same at every size, so a flat cost says the archive does not matter; the candidate count
printed is what a window of that many stories costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
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


WINDOW_ARTICLES = 600


def cost(size: int, adds: int) -> None:
    from broadsheet.core import clock
    from broadsheet.demo.corpus import generate_corpus
    from broadsheet.discovery import stories
    from broadsheet.discovery.models import Story, StoryMembership
    from broadsheet.newsroom.models import Article

    started = time.perf_counter()
    if Article.objects.count() < size:
        generate_corpus(size - Article.objects.count(), seed=7)
    now = clock.now()
    window_start = now - stories.WINDOW
    # The corpus spreads articles over five years: move any in the window out of it, so the
    # window holds exactly the articles this benchmark puts there.
    Article.objects.filter(published_at__gte=window_start).update(
        published_at=window_start - dt.timedelta(days=1)
    )
    # A previous run's window stories (the archive's stay).
    Story.objects.filter(last_published_at__gte=window_start - stories.WINDOW).delete()
    if not Story.objects.exists():
        _archive_stories(now)
    print(
        f"archive {Article.objects.count():,} articles, {Story.objects.count():,} stories "
        f"(prepared in {time.perf_counter() - started:.0f}s)",
        flush=True,
    )
    rng = random.Random(3)
    old = list(Article.objects.order_by("?").values_list("pk", flat=True)[: WINDOW_ARTICLES + adds])
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
    timings = []
    for pk in timed:
        Article.objects.filter(pk=pk).update(published_at=now)
        t0 = time.perf_counter()
        stories.assign(pk)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    print(
        f"N={size:>9,}  window stories {candidates:>4}  add one article: median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms over {len(timings)} adds",
        flush=True,
    )


def _archive_stories(now: dt.datetime) -> None:
    """One story per two archive articles, as a fully clustered archive would have: rows only
    (the cost under test is reading the window, which these must not enter)."""
    from broadsheet.discovery.models import Story, StoryMembership
    from broadsheet.newsroom.models import Article

    batch = 5000
    rows = Article.objects.order_by("pk").values_list("pk", "published_at")
    pending: list[tuple[int, dt.datetime]] = []

    def flush() -> None:
        made = Story.objects.bulk_create(
            [
                Story(
                    headline="archive story",
                    slug="archive-story",
                    first_published_at=pending[i][1],
                    last_published_at=pending[i][1],
                    article_count=2,
                    source_count=1,
                    centroid={"archiv": 0.7, "stori": 0.7},
                )
                for i in range(0, len(pending), 2)
            ]
        )
        StoryMembership.objects.bulk_create(
            [
                StoryMembership(
                    story=made[i // 2], article_id=pk, published_at=published, similarity=1.0, terms={}
                )
                for i, (pk, published) in enumerate(pending)
            ]
        )
        pending.clear()

    for pk, published in rows.iterator(chunk_size=batch):
        pending.append((pk, published))
        if len(pending) >= batch:
            flush()
    if pending:
        flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--thresholds", type=float, nargs="*", default=[0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6])
    c = sub.add_parser("cost")
    c.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    c.add_argument("--adds", type=int, default=50)
    c.add_argument("--keep", type=Path, help="directory for the scratch databases (reused between runs)")
    args = parser.parse_args()
    scratch = args.keep if getattr(args, "keep", None) else Path(tempfile.mkdtemp(prefix="bench-clustering-"))
    scratch.mkdir(parents=True, exist_ok=True)
    if args.what == "quality":
        _setup(scratch / "quality.sqlite3")
        quality(args.thresholds)
        return
    for n, size in enumerate(args.sizes):
        if n:
            print("(one size per process: run again with --sizes for the next)")
            break
        _setup(scratch / f"cost-{size}.sqlite3")
        cost(size, args.adds)


if __name__ == "__main__":
    main()
