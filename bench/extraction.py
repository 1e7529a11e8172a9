"""Extraction quality gate: Broadsheet's extract step scored on real pages, against floors.

    .venv/bin/python bench/extraction.py [--limit N] [--favor precision|balanced|recall]

zyte-article-benchmark: body F1 by the benchmark's own method (4-word shingles, per-page
precision and recall normalised and averaged, F1 of the averages), for our extract step
(body HTML -> text, as stored) and for bare trafilatura on the same pages.
trafilatura-eval: share of must-have snippets found and must-not snippets absent; title,
author and date accuracy where the corpus states them.
Throughput: articles per second through fetch (loopback) + extract + sanitise + fingerprint,
next to bare trafilatura on the same pages in the same run.
Exits 1 when a score falls under its floor in bench/floors.json.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import re
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data"
FLOORS = Path(__file__).with_name("floors.json")
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.test")

import django  # noqa: E402

django.setup()

import trafilatura  # noqa: E402

from broadsheet.core.fetch import Fetcher, FetchOptions  # noqa: E402
from broadsheet.core.sanitize import sanitize_html, strip_tags  # noqa: E402
from broadsheet.ingest.dedupe import simhash  # noqa: E402
from broadsheet.ingest.errors import IngestError  # noqa: E402
from broadsheet.ingest.extract import ExtractOptions, extract_article  # noqa: E402

_WORDS = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _WORDS.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_scores(truth: str, predicted: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) over shingle bags, so long pages weigh no more than short ones."""
    t, p = shingles(truth), shingles(predicted)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def f1_of(scores: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*s) for s in scores if s[0] + s[1] > 0)
    r = statistics.mean(recall(*s) for s in scores if s[0] + s[2] > 0)
    return p, r, 2 * p * r / (p + r)


def our_text(html: bytes, url: str, options: ExtractOptions) -> str:
    try:
        extracted = extract_article(html, url, options=options)
    except IngestError:
        return ""
    return strip_tags(sanitize_html(extracted.body_html, base_url=url))


def bare_text(html: bytes) -> str:
    return trafilatura.extract(html) or ""


def zyte(limit: int | None, options: ExtractOptions) -> dict[str, float]:
    root = DATA / "zyte-article-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text())
    ids = sorted(truth)[:limit]
    pages = {i: gzip.decompress((root / "html" / f"{i}.html.gz").read_bytes()) for i in ids}
    ours, bare = [], []
    for i in ids:
        ours.append(page_scores(truth[i]["articleBody"], our_text(pages[i], truth[i]["url"], options)))
        bare.append(page_scores(truth[i]["articleBody"], bare_text(pages[i])))
    p, r, f = f1_of(ours)
    bp, br, bf = f1_of(bare)
    throughput = pipeline_throughput({truth[i]["url"]: pages[i] for i in ids}, options)
    return {
        "pages": len(ids),
        "zyte_precision": p,
        "zyte_recall": r,
        "zyte_f1": f,
        "bare_precision": bp,
        "bare_recall": br,
        "bare_f1": bf,
        **throughput,
    }


def pipeline_throughput(pages: dict[str, bytes], options: ExtractOptions) -> dict[str, float]:
    """Articles/s: loopback fetch + extract + sanitise + fingerprint, and bare trafilatura."""
    by_path = {f"/p/{n}.html": body for n, body in enumerate(pages.values())}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = by_path.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        started = time.perf_counter()
        with Fetcher(FetchOptions(), allow_private=True) as fetcher:
            for path_ in by_path:
                result = fetcher.fetch(base + path_)
                try:
                    extracted = extract_article(result.content, result.final_url, options=options)
                except IngestError:
                    continue
                sanitize_html(extracted.body_html, base_url=result.final_url)
                simhash(extracted.text)
        ours = len(by_path) / (time.perf_counter() - started)
        started = time.perf_counter()
        for body in by_path.values():
            trafilatura.extract(body)
        bare = len(by_path) / (time.perf_counter() - started)
    finally:
        httpd.shutdown()
        httpd.server_close()
    return {"pipeline_pages_per_s": ours, "bare_pages_per_s": bare}


def _norm(value: str) -> str:
    return " ".join(str(value or "").lower().split())


def trafilatura_eval(limit: int | None, options: ExtractOptions) -> dict[str, float]:
    root = DATA / "trafilatura-eval"
    data = json.loads((root / "evaldata.json").read_text())
    items = sorted(data.items())[:limit]
    with_hits = with_total = without_ok = without_total = 0
    meta: dict[str, list[bool]] = {"title": [], "author": [], "date": []}
    for url, expected in items:
        path = root / "html" / f"{expected['file']}.gz"
        if not path.is_file():
            continue
        html = gzip.decompress(path.read_bytes())
        try:
            extracted = extract_article(html, url, options=options)
            text = _norm(strip_tags(sanitize_html(extracted.body_html, base_url=url)))
        except IngestError:
            extracted, text = None, ""
        for snippet in expected.get("with") or []:
            with_total += 1
            with_hits += _norm(snippet) in text
        for snippet in expected.get("without") or []:
            without_total += 1
            without_ok += _norm(snippet) not in text
        if expected.get("title"):
            meta["title"].append(bool(extracted) and _norm(extracted.title) == _norm(expected["title"]))
        if expected.get("author"):
            got = _norm(extracted.byline) if extracted else ""
            meta["author"].append(
                bool(got) and (got in _norm(expected["author"]) or _norm(expected["author"]) in got)
            )
        if expected.get("date"):
            got_date = extracted.published.date().isoformat() if extracted and extracted.published else ""
            meta["date"].append(got_date == str(expected["date"])[:10])
    return {
        "eval_pages": len(items),
        "eval_with": with_hits / max(1, with_total),
        "eval_without": without_ok / max(1, without_total),
        "eval_title": statistics.mean(meta["title"]) if meta["title"] else 0.0,
        "eval_author": statistics.mean(meta["author"]) if meta["author"] else 0.0,
        "eval_date": statistics.mean(meta["date"]) if meta["date"] else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="score only the first N pages of each set")
    parser.add_argument(
        "--favor", choices=["precision", "balanced", "recall"], default=ExtractOptions().favor
    )
    parser.add_argument("--skip-eval", action="store_true", help="only the Zyte set")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no data at {DATA}: nothing to score")
        return 0
    options = ExtractOptions(favor=args.favor)
    scores = zyte(args.limit, options)
    if not args.skip_eval:
        scores.update(trafilatura_eval(args.limit, options))
    floors = json.loads(FLOORS.read_text()) if FLOORS.is_file() else {}
    failed = []
    print(f"{'metric':24} {'score':>8} {'floor':>8}")
    for name, value in scores.items():
        floor = floors.get(name)
        mark = ""
        if floor is not None and args.limit is None and value < floor:
            failed.append(name)
            mark = "  BELOW FLOOR"
        shown = f"{value:8.3f}" if isinstance(value, float) else f"{value:8d}"
        print(f"{name:24} {shown} {'' if floor is None else f'{floor:8.3f}'}{mark}")
    if failed:
        print(f"below floor: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
