"""Ingest throughput: articles per second through the whole pipeline, next to bare trafilatura.

    .venv/bin/python bench/ingest.py [--rounds 2] [--profile FILE]

The 181 pages of zyte-article-benchmark are served from a loopback HTTP server with an RSS
feed listing them. One pipeline round is `ingest_source()` on a full-text source with a fixed
section: fetch the feed, parse, new?, fetch each page, extract, sanitise, dedupe (canonical URL
and SimHash), categorise and publish through newsroom.services into SQLite (WAL, in a fresh
temporary data directory, the production settings module; the publish signal enqueues its
tasks in the database queue as in production, and no worker runs them here). One bare round is
`trafilatura.extract(html)` on the same pages, already in memory. The two alternate, in the
same process, `--rounds` times each; the table shows every round and the ratio of the means.
`--profile FILE` writes a cProfile of the pipeline rounds (read it with `python -m pstats`).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gzip
import http.server
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "zyte-article-benchmark"
sys.path.insert(0, str(ROOT))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_pages() -> list[tuple[str, str, bytes]]:
    """(id, title, html) for every benchmark page, in a stable order."""
    truth = json.loads((DATA / "ground-truth.json").read_text())
    pages = []
    for page_id in sorted(truth):
        html = gzip.decompress((DATA / "html" / f"{page_id}.html.gz").read_bytes())
        title = str(truth[page_id].get("headline") or f"Benchmark page {page_id[:12]}")
        pages.append((page_id, title, html))
    return pages


def feed_xml(base: str, round_no: int, pages: list[tuple[str, str, bytes]]) -> bytes:
    """An RSS 2.0 feed of the pages; every round has its own URLs and GUIDs (so all are new)."""
    now = dt.datetime.now(dt.UTC)
    items = []
    for n, (page_id, title, _html) in enumerate(pages):
        items.append(
            "<item>"
            f"<title>{escape(title)} ({round_no})</title>"
            f"<link>{base}/r{round_no}/p/{page_id}.html</link>"
            f'<guid isPermaLink="false">r{round_no}-{page_id}</guid>'
            f"<pubDate>{format_datetime(now - dt.timedelta(minutes=n))}</pubDate>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Zyte benchmark round {round_no}</title><link>{base}/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


class PageServer:
    """Loopback server: /r<round>/feed.xml and /r<round>/p/<id>.html."""

    def __init__(self, pages: list[tuple[str, str, bytes]]) -> None:
        by_id = {page_id: html for page_id, _title, html in pages}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = self.path.strip("/").split("/")
                body, kind = b"", "text/plain"
                if len(parts) == 2 and parts[1] == "feed.xml" and parts[0].startswith("r"):
                    body, kind = feed_xml(server.base, int(parts[0][1:]), pages), "application/rss+xml"
                elif len(parts) == 3 and parts[1] == "p":
                    body, kind = by_id.get(parts[2].removesuffix(".html"), b""), "text/html; charset=utf-8"
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def setup_django(data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "broadsheet.settings.dev"
    os.environ["BROADSHEET_DATA_DIR"] = str(data_dir)
    os.environ["BROADSHEET_ALLOW_PRIVATE_NETWORKS"] = "1"
    os.environ.setdefault("LOG_LEVEL", "ERROR")  # ingest logs a line per stored story
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    from broadsheet.demo.defaults import ensure_defaults

    call_command("migrate", interactive=False, verbosity=0)
    ensure_defaults()


def pipeline_round(base: str, round_no: int, profiler: cProfile.Profile | None) -> tuple[float, dict]:
    from broadsheet.ingest.fetch import Fetcher
    from broadsheet.ingest.models import Source
    from broadsheet.ingest.pipeline import ingest_source
    from broadsheet.newsroom.models import Article, Section

    # Earlier rounds' articles leave the near-duplicate window, so this round stores every page
    # anew (the same work as the first round) instead of recording duplicates.
    Article.objects.update(created_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    source = Source.objects.create(
        feed_url=f"{base}/r{round_no}/feed.xml",
        name=f"Round {round_no}",
        mode=Source.Mode.FULL,
        section=Section.objects.get(slug="technology"),
    )
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    with Fetcher() as fetcher:
        report = ingest_source(source, fetcher)
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    return seconds, report.as_dict()


def bare_round(pages: list[tuple[str, str, bytes]]) -> tuple[float, int]:
    import trafilatura

    started = time.perf_counter()
    found = sum(1 for _id, _title, html in pages if trafilatura.extract(html))
    return time.perf_counter() - started, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each, alternating (default 2)")
    parser.add_argument("--profile", help="write a cProfile of the pipeline rounds here")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no data at {DATA}: nothing to measure")
        return 0
    pages = load_pages()
    profiler = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-") as tmp:
        setup_django(Path(tmp))
        rows = []
        with PageServer(pages) as server:
            for round_no in range(1, args.rounds + 1):
                seconds, report = pipeline_round(server.base, round_no, profiler)
                stored = int(report["new"]) + int(report["duplicates"])
                if report["errors"] or not report["ok"]:
                    print(f"round {round_no}: {report['errors']} errors: {report['messages'][:3]}")
                rows.append(("pipeline", round_no, len(pages), stored, seconds))
                seconds, found = bare_round(pages)
                rows.append(("bare trafilatura", round_no, len(pages), found, seconds))
            from broadsheet.newsroom.models import Article

            published = Article.objects.filter(status="published").count()
    if profiler is not None:
        profiler.dump_stats(args.profile)

    print(f"CPU: {cpu_model()}, nproc {os.cpu_count()}, Python {platform.python_version()}")
    print(f"{'measurement':18} {'round':>5} {'pages':>6} {'stored/found':>13} {'seconds':>8} {'pages/s':>8}")
    for name, round_no, count, done, seconds in rows:
        print(f"{name:18} {round_no:>5} {count:>6} {done:>13} {seconds:8.2f} {count / seconds:8.1f}")
    pipe = statistics.mean(c / s for n, _r, c, _d, s in rows if n == "pipeline")
    bare = statistics.mean(c / s for n, _r, c, _d, s in rows if n != "pipeline")
    print(f"mean pipeline {pipe:.1f} pages/s, bare trafilatura {bare:.1f} pages/s: ratio {pipe / bare:.2f}")
    print(f"articles published in the database: {published}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
