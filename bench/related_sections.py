"""Related stories against real text: do they come from the article's own section?

    .venv/bin/python bench/related_sections.py [--per-class 250] [--misfiled 0.2]

AG News' test set (/work/shared/data/ag-news-test: news headlines and first sentences, four
labelled classes: World, Sports, Business, Sci/Tech) is published into a scratch SQLite
database, one section per class, then clustered into stories and indexed as the site does;
each article's related candidates are gathered once (more-like-this plus story centroids,
discovery.related.gather) and ranked at several section bonuses (discovery.related.rank).

precision@6: the share of related entries whose *labelled class* is the article's. It is
measured twice: with every article filed in its class's section, and with a share of them
(--misfiled) filed in another section at random, as an imperfect categoriser files feeds. The
second says whether the section prior overrides the text when the section is wrong.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")

DATA = Path("/work/shared/data/ag-news-test/test.csv")
CLASSES = ["World", "Sports", "Business", "Sci/Tech"]
BONUSES = [0.0, 0.2, 0.35, 0.5, 0.75, 1.0]
LIMIT = 6


def _setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def read(per_class: int) -> list[tuple[int, str, str]]:
    """(class index, title, description): the first `per_class` rows of each class."""
    taken = {n: 0 for n in range(len(CLASSES))}
    rows = []
    with DATA.open(encoding="utf-8") as lines:
        for label, title, description in csv.reader(lines):
            n = int(label) - 1
            if taken[n] < per_class:
                taken[n] += 1
                rows.append((n, title, description.replace("\\", " ")))
    return rows


def load(
    rows: list[tuple[int, str, str]], misfiled: float, seed: int
) -> tuple[dict[int, int], dict[int, int]]:
    """Publish the rows; returns ({article: class}, {article: section index it is filed in})."""
    from django.utils.text import slugify

    from broadsheet.core import clock
    from broadsheet.newsroom.models import Article, Section

    rng = random.Random(seed)
    sections = [
        Section.objects.create(name=name, slug=slugify(name), order=n) for n, name in enumerate(CLASSES)
    ]
    now = clock.now()
    truth: dict[int, int] = {}
    filed: dict[int, int] = {}
    for i, (label, title, description) in enumerate(rows):
        section = label
        if rng.random() < misfiled:
            section = rng.choice([n for n in range(len(CLASSES)) if n != label])
        article = Article.objects.create(
            headline=title[:300],
            slug=f"{slugify(title)[:150]}-{i}",
            dek="",
            body=f"<p>{description}</p>",
            section=sections[section],
            status=Article.Status.PUBLISHED,
            published_at=now - dt.timedelta(minutes=len(rows) - i),
        )
        truth[article.pk] = label
        filed[article.pk] = section
    return truth, filed


def measure(per_class: int, misfiled: float, seed: int) -> dict[float, tuple[float, float]]:
    from broadsheet.discovery import related, stories
    from broadsheet.discovery.models import Story, StoryMembership
    from broadsheet.newsroom.models import Article, Section
    from broadsheet.search.index import rebuild

    Story.objects.all().delete()
    StoryMembership.objects.all().delete()
    Article.objects.all().delete()
    Section.objects.all().delete()
    truth, filed = load(read(per_class), misfiled, seed)
    started = time.monotonic()
    for article_id in truth:
        stories.assign(article_id)
    rebuild()
    section_ids = dict(Article.objects.values_list("pk", "section_id"))
    gathered = {pk: related.gather(pk, section_ids[pk]) for pk in truth}
    print(f"  {len(truth)} articles clustered, indexed and gathered in {time.monotonic() - started:.0f} s")
    results = {}
    for bonus in BONUSES:
        hits = slots = same_filed = 0
        for pk, found in gathered.items():
            ranked = [other for other, _score in related.rank(found, LIMIT, section_bonus=bonus)]
            hits += sum(truth[other] == truth[pk] for other in ranked)
            same_filed += sum(filed[other] == filed[pk] for other in ranked)
            slots += len(ranked)
        results[bonus] = (hits / slots if slots else 0.0, same_filed / slots if slots else 0.0)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-class", type=int, default=250)
    parser.add_argument("--misfiled", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    _setup()
    from broadsheet.discovery import related

    for misfiled in (0.0, args.misfiled):
        print(f"AG News test set, {args.per_class} per class, {misfiled:.0%} filed in a wrong section:")
        results = measure(args.per_class, misfiled, args.seed)
        print(f"  {'section bonus':>13}  {'precision@6 (class)':>19}  {'same section':>12}")
        for bonus, (precision, same_section) in results.items():
            mark = "  <- default" if abs(bonus - related.SECTION_BONUS) < 1e-9 else ""
            print(f"  {bonus:>13.2f}  {precision:>19.3f}  {same_section:>12.3f}{mark}")


if __name__ == "__main__":
    main()
