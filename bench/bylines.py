"""Author accuracy of ingest's byline step on held-out publisher pages, before and after #13.

    .venv/bin/python bench/bylines.py [--limit N]

trafilatura-eval (pages whose evaldata states an author): the byline ingest would store for a
story whose feed names no author, from the page's metadata (extract.py's stated JSON-LD/meta,
then trafilatura's guesses: the same functions, without the body extraction this does not
need). "before": the page's byline as it was stored and printed; "after": core/bylines.py's
line (page over feed, publisher's name no person). Scores:
- exact: the printed line equals the corpus's author, both normalised the same way
  (case, spaces, "A, B and C" joining, so "A und B" = "A and B");
- people: the same set of people;
- lenient: bench/extraction.py's containment test (one contains the other) on the printed
  line, which after #13 is "<publisher> staff" where the page names only its publisher.
zyte-article-benchmark states no authors: for it, how many lines hold an e-mail address or a
URL, or are the publisher's name.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SHARED = ROOT / ".." / "shared"
DATA = (_SHARED if _SHARED.is_dir() else Path("/tmp/shared")) / "data"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.test")

import django  # noqa: E402

django.setup()

from trafilatura.utils import load_html  # noqa: E402

from broadsheet.core import bylines  # noqa: E402
from broadsheet.ingest.metadata import guessed_metadata, stated_metadata  # noqa: E402


def page_byline(page: bytes, url: str) -> tuple[str, str]:
    """(byline, site name) as extract_article() finds them."""
    tree = load_html(page)
    if tree is None:
        return "", ""
    stated = stated_metadata(tree, url)
    missing = [key for key in ("byline", "site_name") if not stated.get(key)]
    found = {**guessed_metadata(tree, url, missing), **{k: v for k, v in stated.items() if v}}
    return found.get("byline", ""), found.get("site_name", "")


def norm(line: str) -> str:
    return bylines.join_people(split(line)).casefold()


def split(line: str) -> list[str]:
    return [" ".join(p.split()) for p in bylines.split_people(line)]


def after(raw: str, site_name: str) -> str:
    return bylines.choose(page=bylines.from_raw(raw), feed="", not_people=(site_name,))


def trafilatura_eval(limit: int | None) -> dict[str, float]:
    root = DATA / "trafilatura-eval"
    data = json.loads((root / "evaldata.json").read_text())
    items = [(url, item) for url, item in sorted(data.items()) if item.get("author")][:limit]
    scores: dict[str, list[bool]] = {
        f"{when}_{name}": []
        for when in ("before", "after")
        for name in ("exact", "people", "lenient", "found")
    }
    for url, item in items:
        path = root / "html" / f"{item['file']}.gz"
        if not path.is_file():
            continue
        raw, site_name = page_byline(gzip.decompress(path.read_bytes()), url)
        author = item["author"]
        expected = ", ".join(author) if isinstance(author, list) else str(author)
        person = after(raw, site_name)
        printed = person or bylines.staff_line(site_name)
        for when, line in (("before", " ".join(raw.split())), ("after", person)):
            got, want = line.casefold(), " ".join(expected.split()).casefold()
            if when == "after":
                got = printed.casefold()  # the lenient test reads what the page prints
            scores[f"{when}_found"].append(bool(line))
            scores[f"{when}_exact"].append(bool(line) and line.casefold() == norm(expected))
            people = {p.casefold() for p in split(line)} if when == "after" else {got}
            scores[f"{when}_people"].append(bool(line) and people == {p.casefold() for p in split(expected)})
            scores[f"{when}_lenient"].append(bool(got) and (got in want or want in got))
    result: dict[str, float] = {"pages": float(len(scores["before_exact"]))}
    result.update({name: statistics.mean(values) for name, values in scores.items() if values})
    return result


def zyte(limit: int | None) -> dict[str, float]:
    root = DATA / "zyte-article-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text())
    counts = {f"{w}_{k}": 0 for w in ("before", "after") for k in ("found", "email_or_url", "publisher")}
    for page_id, item in sorted(truth.items())[:limit]:
        raw, site_name = page_byline(
            gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()), item["url"]
        )
        for when, line in (("before", raw), ("after", after(raw, site_name))):
            counts[f"{when}_found"] += bool(line)
            counts[f"{when}_email_or_url"] += "@" in line or "http" in line or "www." in line
            counts[f"{when}_publisher"] += (
                bool(line) and bool(site_name) and line.casefold() == site_name.casefold()
            )
    return {"pages": float(len(truth) if limit is None else min(limit, len(truth))), **counts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no data at {DATA}: nothing to score")
        return 0
    for name, scores in (("trafilatura-eval", trafilatura_eval(args.limit)), ("zyte", zyte(args.limit))):
        print(name)
        for key, value in scores.items():
            print(
                f"  {key:22} {value:8.3f}"
                if isinstance(value, float) and value <= 1
                else f"  {key:22} {value:8.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
