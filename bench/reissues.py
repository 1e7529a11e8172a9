"""Near-duplicate re-issues, measured: pairs merged and false merges on real text, and the
lookup's cost at a million fingerprints.

    .venv/bin/python bench/reissues.py quality
    .venv/bin/python bench/reissues.py cost --size 1000000 [--lookups 200]

quality: a scratch SQLite database holds, as stored stories (an Article row each and its
TextFingerprint, written by dedupe.remember_text as publish does), every text of the held-out
sets: the 181 zyte-article-benchmark article bodies, the 7,600 AG News test items (title and
description) and the trafilatura-eval pages (extracted with trafilatura's defaults). Then:
- re-issues: each Zyte body comes back re-issued with a small real-world edit (a corrected
  figure, an added sentence, a changed headline line, a new time stamp line, a figure and a
  time stamp) and dedupe.find_near_duplicate must name its original. Pairs whose own 4-shingle
  Jaccard is at least 0.97 must merge; the others (edits too big for a short story) must not;
- false merges: every stored text asks for a near-duplicate other than itself; any answer
  pairs two different items of the sets, which the checker prints for reading;
- "before": the same re-issue pairs under the previous rule (SimHash over 3-shingles,
  Hamming distance <= 3, no Jaccard check), in memory, for comparison.

cost: SIZE random fingerprint rows (with short texts) bulk-loaded into the TextFingerprint
table of a scratch database, then LOOKUPS lookups of random fingerprints and of stored ones
with 0-11 bits flipped; prints the median and p95 time and the candidates read per lookup.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")
DATA = ROOT.parent / "shared" / "data"
if not DATA.is_dir():
    DATA = Path("/work/shared/data")
CACHE = Path(tempfile.gettempdir()) / "bs-reissues-trafilatura.json"


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def zyte_bodies() -> list[str]:
    truth = json.loads((DATA / "zyte-article-benchmark" / "ground-truth.json").read_text())
    return [item["articleBody"] for item in truth.values() if item.get("articleBody")]


def ag_news() -> list[str]:
    with (DATA / "ag-news-test" / "test.csv").open(newline="") as handle:
        return [f"{title}. {description}" for _label, title, description in csv.reader(handle)]


def trafilatura_pages() -> list[str]:
    if CACHE.exists():
        return list(json.loads(CACHE.read_text()))
    import trafilatura

    texts = []
    for path in sorted((DATA / "trafilatura-eval" / "html").glob("*.html.gz")):
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        text = trafilatura.extract(html)
        if text:
            texts.append(text)
    CACHE.write_text(json.dumps(texts))
    return texts


FIGURE = re.compile(r"\b\d[\d,.]*\b")


def corrected_figure(text: str) -> str:
    match = FIGURE.search(text)
    if match is None:  # no figure: a corrected word instead
        return text.replace(" the ", " this ", 1)
    digits = match.group().rstrip(".,")
    return text[: match.start()] + digits + "1" + text[match.start() + len(digits) :]


def reissues(body: str) -> dict[str, str]:
    """The body re-issued with each small edit (the first line is the headline, as pages
    extracted whole often start with it)."""
    headline = " ".join(body.split()[:9])
    original = f"{headline}\n{body}"
    return {
        "original": original,
        "corrected figure": f"{headline}\n{corrected_figure(body)}",
        "added sentence": f"{headline}\n{body}\nThis story has been updated with a statement from the company.",
        "changed headline": f"UPDATED: {headline} as officials respond\n{body}",
        "time stamp": f"{headline}\nUpdated 3 December 2026, 14:32 GMT\n{body}",
        "figure and time stamp": f"{headline}\nUpdated 14:32 GMT\n{corrected_figure(body)}",
    }


def old_simhash(text: str) -> int | None:
    """The previous fingerprint: 3-shingles, 40 words at least (dedupe.py before #13)."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < 40:
        return None
    grams = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
    votes = [0] * 64
    for gram in grams:
        value = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            votes[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if votes[bit] > 0)


def _store(texts: list[tuple[str, str]]) -> list[int]:
    """One stored story per text (bulk: a scratch database), with its fingerprint row."""
    from broadsheet.ingest.dedupe import remember_text, simhash
    from broadsheet.newsroom.models import Article, Section

    section = Section.objects.get_or_create(slug="news", defaults={"name": "News"})[0]
    articles = Article.objects.bulk_create(
        Article(headline=f"{kind} {i}", slug=f"{kind}-{i}", section=section, body="")
        for i, (kind, _text) in enumerate(texts)
    )
    for article, (_kind, text) in zip(articles, texts, strict=True):
        remember_text(article.pk, simhash(text), text)
    return [int(a.pk) for a in articles]


def quality() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        _setup(Path(scratch) / "reissues.sqlite3")
        from broadsheet.ingest.dedupe import (
            NEAR_DUPLICATE_DISTANCE,
            REISSUE_JACCARD,
            _band_query,
            find_near_duplicate,
            hamming,
            jaccard,
            shingles,
            simhash,
        )
        from broadsheet.ingest.models import TextFingerprint

        bodies = zyte_bodies()
        variants = [reissues(body) for body in bodies]
        corpus = [("zyte", v["original"]) for v in variants]
        corpus += [("ag", text) for text in ag_news()]
        corpus += [("trafilatura", text) for text in trafilatura_pages()]
        started = time.perf_counter()
        ids = _store(corpus)
        print(f"stored {len(ids)} texts in {time.perf_counter() - started:.1f}s:", end=" ")
        for kind in ("zyte", "ag", "trafilatura"):
            texts = [t for k, t in corpus if k == kind]
            printed = sum(simhash(t) is not None for t in texts)
            print(f"{kind} {len(texts)} ({printed} long enough for a fingerprint)", end="; ")
        print()

        print("\nre-issues of the Zyte bodies (must merge: Jaccard >= 0.97 with the original)")
        print(
            f"{'edit':24} {'pairs':>5} {'J>=0.97':>7} {'merged':>6} {'missed':>6} {'J<0.97 merged':>13}"
            f" {'before: merged':>14}"
        )
        totals = [0, 0, 0, 0, 0, 0]
        distances: list[int] = []
        for edit in list(variants[0])[1:]:
            pairs = must = merged = missed = wrongly = before = 0
            for article_id, v in zip(ids, variants, strict=False):
                original, copy = v["original"], v[edit]
                if simhash(copy) is None:
                    continue
                pairs += 1
                similar = jaccard(shingles(original), shingles(copy)) >= REISSUE_JACCARD
                found = find_near_duplicate(simhash(copy), copy)
                if similar:
                    must += 1
                    distances.append(hamming(simhash(original) or 0, simhash(copy) or 0))
                    merged += found == article_id
                    missed += found != article_id
                    a, b = old_simhash(original), old_simhash(copy)
                    before += a is not None and b is not None and ((a ^ b).bit_count() <= 3)
                else:
                    wrongly += found is not None
            for i, n in enumerate((pairs, must, merged, missed, wrongly, before)):
                totals[i] += n
            print(f"{edit:24} {pairs:5} {must:7} {merged:6} {missed:6} {wrongly:13} {before:14}")
        print(
            f"{'all':24} {totals[0]:5} {totals[1]:7} {totals[2]:6} {totals[3]:6} {totals[4]:13} {totals[5]:14}"
        )
        print(
            f"SimHash distance of the pairs that must merge: max {max(distances)}, "
            f"median {statistics.median(distances)}"
        )

        print("\nfalse merges: each stored text asks for a near-duplicate other than itself")
        by_kind: dict[str, int] = {}
        simhash_only = 0  # pairs SimHash alone (within the distance) would merge, Jaccard < 0.97
        position = {article_id: i for i, article_id in enumerate(ids)}
        for article_id, (kind, text) in zip(ids, corpus, strict=True):
            value = simhash(text)
            if value is not None:
                near = TextFingerprint.objects.filter(_band_query(value)).values_list("article_id", "simhash")
                for other_id, other in near:
                    if other_id > article_id and hamming(value, other) <= NEAR_DUPLICATE_DISTANCE:
                        other_text = corpus[position[other_id]][1]
                        simhash_only += jaccard(shingles(text), shingles(other_text)) < REISSUE_JACCARD
            found = find_near_duplicate(value, text, exclude_id=article_id)
            if found is not None:
                other = corpus[ids.index(found)]
                by_kind[kind] = by_kind.get(kind, 0) + 1
                print(
                    f"  {kind} #{ids.index(article_id)} ~ {other[0]} #{ids.index(found)}: "
                    f"J={jaccard(shingles(text), shingles(other[1])):.3f}\n    {text[:90]!r}\n    {other[1][:90]!r}"
                )
        print(f"texts merged with another item: {sum(by_kind.values())} {by_kind or ''}")
        print(
            f"pairs of different texts within {NEAR_DUPLICATE_DISTANCE} bits (SimHash alone would merge "
            f"them; the Jaccard check refuses): {simhash_only}"
        )


def cost(size: int, lookups: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        _setup(Path(scratch) / "cost.sqlite3")
        from django.db import connection

        from broadsheet.ingest import dedupe

        rng = random.Random(13)
        text = dedupe.pack_text("filler text for the row")
        started = time.perf_counter()
        stored = []
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")  # rows without articles: the lookup only
            batch = []
            for article_id in range(1, size + 1):
                value = rng.getrandbits(64) - (1 << 63)
                if article_id % (size // lookups or 1) == 0:
                    stored.append(value)
                batch.append((article_id, value, *dedupe.bands(value), text))
                if len(batch) == 20000 or article_id == size:
                    cursor.executemany(
                        "INSERT INTO ingest_textfingerprint (article_id, simhash, band0, band1, band2, band3, text)"
                        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        batch,
                    )
                    batch = []
            cursor.execute("ANALYZE")
        print(f"{size} fingerprints loaded in {time.perf_counter() - started:.0f}s")
        times, candidates = [], []
        probes = [rng.getrandbits(64) - (1 << 63) for _ in range(lookups)]
        for value in stored[:lookups]:
            for bit in rng.sample(range(64), rng.randint(0, 11)):
                value ^= 1 << bit
            probes.append(value - (1 << 64) if value >= 1 << 63 else value)
        for value in probes:
            query = dedupe.TextFingerprint.objects.filter(dedupe._band_query(value))
            candidates.append(len(query.values_list("article_id", "simhash")))
            start = time.perf_counter()
            dedupe.find_near_duplicate(value, "")
            times.append(time.perf_counter() - start)
        times.sort()
        print(
            f"{len(probes)} lookups (find_near_duplicate): median {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms; rows read from the band index per "
            f"lookup: median {statistics.median(candidates)}, max {max(candidates)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("quality")
    cost_parser = actions.add_parser("cost")
    cost_parser.add_argument("--size", type=int, default=1_000_000)
    cost_parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    if args.action == "quality":
        quality()
    else:
        cost(args.size, args.lookups)


if __name__ == "__main__":
    main()
