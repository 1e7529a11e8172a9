"""Ingest throughput: articles per second through the whole pipeline, next to bare trafilatura.

    .venv/bin/python bench/ingest.py [--rounds 2] [--profile FILE]

The 181 pages of zyte-article-benchmark are served by a loopback HTTP server (a separate
process, as a publisher's server would be: its CPU is not the pipeline's) with an RSS feed
listing them. One pipeline round is `ingest_source()` on a full-text source with a fixed
section: fetch the feed, parse, new? (one lookup for the feed), fetch each page, extract,
sanitise, dedupe (canonical URL and SimHash), categorise and publish through newsroom.services
into SQLite (WAL, in a fresh temporary data directory, the dev settings module; the publish
signal enqueues its tasks in the database queue as in production, and no worker runs them).

Bare trafilatura runs on the same pages, already in memory (no fetch, no database), twice:
- "same job": what the pipeline needs from trafilatura, in one public call:
  `trafilatura.extract(html, url=..., output_format="html", with_metadata=True,
  include_comments=False, include_images=True, include_links=True, include_formatting=True,
  favor_precision=True)`: the body as HTML with links, images and formatting, and the
  metadata (title, author, date, description, image, site name), with the pipeline's options.
  The target (pipeline >= 90% of bare) is measured against this one.
- "defaults": `trafilatura.extract(html)`: plain text, no metadata, balanced mode. Less work
  than the pipeline needs; shown for reference.

First an untimed warm-up: the pipeline on the first WARMUP_PAGES pages (Django, the database),
both bare measurements on every page (what the libraries load lazily: trafilatura's and
htmldate's caches, dateparser's locales, jusText's stoplists, which the pipeline uses too).
Then the three alternate, in the same process, `--rounds` times each. For each round: wall
seconds and the CPU seconds of this process (all its threads; the page server is another
process). The ratio of the means is given both ways: by wall clock (pages/s, the figure the
issue asks for; the pipeline also waits for its fetches, bare trafilatura has nothing to wait
for) and by CPU (pages per CPU-second). Both run on one thread, so the two compare at equal
CPU: one core each, nothing run in parallel. On a loaded machine the CPU ratio is the steadier
of the two (waiting for a core shows in wall time, not in CPU time).
`--profile FILE` writes a cProfile of the pipeline rounds (read it with `python -m pstats`);
the profiler slows the pipeline rounds only, so read ratios from a run without it.
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
import subprocess
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
WARMUP_PAGES = 10  # round 0: the pipeline's untimed warm-up on this many pages
SAME_JOB = {
    "output_format": "html",
    "with_metadata": True,
    "include_comments": False,
    "include_images": True,
    "include_links": True,
    "include_formatting": True,
    "favor_precision": True,
}


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
    for n, (page_id, title, _html) in enumerate(pages[:WARMUP_PAGES] if round_no == 0 else pages):
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
            disable_nagle_algorithm = True  # TCP_NODELAY, as web servers set on keep-alive

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


def serve(pages: list[tuple[str, str, bytes]]) -> None:
    """--serve: run the page server until stdin closes, its base URL on the first line out."""
    with PageServer(pages) as server:
        print(server.base, flush=True)
        sys.stdin.read()


class ServerProcess:
    """The page server in a child process (its CPU is the publisher's, not the pipeline's)."""

    def __enter__(self) -> ServerProcess:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.base = self.process.stdout.readline().strip()
        if not self.base.startswith("http://"):
            raise RuntimeError("the page server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


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


def pipeline_round(base: str, round_no: int, profiler: cProfile.Profile | None) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds, report) of one ingest_source() run."""
    from broadsheet.core.fetch import Fetcher
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
    started, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    with Fetcher() as fetcher:
        report = ingest_source(source, fetcher)
    if profiler is not None:
        profiler.disable()
    return time.perf_counter() - started, time.process_time() - cpu, report.as_dict()


def bare_round(pages: list[tuple[str, str, bytes]], base: str, options: dict) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, pages with a result) of trafilatura.extract on every page."""
    import trafilatura

    started, cpu = time.perf_counter(), time.process_time()
    found = sum(
        1
        for page_id, _title, html in pages
        if trafilatura.extract(html, url=f"{base}/p/{page_id}.html", **options)
    )
    return time.perf_counter() - started, time.process_time() - cpu, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each, alternating (default 2)")
    parser.add_argument("--profile", help="write a cProfile of the pipeline rounds here")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no data at {DATA}: nothing to measure")
        return 0
    pages = load_pages()
    if args.serve:
        serve(pages)
        return 0
    profiler = cProfile.Profile() if args.profile else None
    bare = {"bare, same job": SAME_JOB, "bare, defaults": {}}
    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-") as tmp:
        setup_django(Path(tmp))
        rows = []
        with ServerProcess() as server:
            pipeline_round(server.base, 0, None)
            for options in bare.values():
                bare_round(pages, f"{server.base}/r0", options)
            for round_no in range(1, args.rounds + 1):
                seconds, cpu, report = pipeline_round(server.base, round_no, profiler)
                stored = int(report["new"]) + int(report["duplicates"])
                if report["errors"] or not report["ok"]:
                    print(f"round {round_no}: {report['errors']} errors: {report['messages'][:3]}")
                rows.append(("pipeline", round_no, len(pages), stored, seconds, cpu))
                for name, options in bare.items():
                    seconds, cpu, found = bare_round(pages, f"{server.base}/r{round_no}", options)
                    rows.append((name, round_no, len(pages), found, seconds, cpu))
            from broadsheet.newsroom.models import Article

            published = Article.objects.filter(status="published").count()
    if profiler is not None:
        profiler.dump_stats(args.profile)

    print(f"CPU: {cpu_model()}, nproc {os.cpu_count()}, Python {platform.python_version()}")
    print(f"load average at the end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    header = f"{'measurement':16} {'round':>5} {'pages':>6} {'stored/found':>13} {'wall s':>7} {'CPU s':>7}"
    print(f"{header} {'pages/s':>8} {'pages/CPU-s':>12}")
    for name, round_no, count, done, seconds, cpu in rows:
        print(
            f"{name:16} {round_no:>5} {count:>6} {done:>13} {seconds:7.2f} {cpu:7.2f}"
            f" {count / seconds:8.1f} {count / cpu:12.1f}"
        )

    def means(name: str) -> tuple[float, float]:
        mine = [row for row in rows if row[0] == name]
        return statistics.mean(r[2] / r[4] for r in mine), statistics.mean(r[2] / r[5] for r in mine)

    pipe_wall, pipe_cpu = means("pipeline")
    print(f"mean pipeline {pipe_wall:.1f} pages/s, {pipe_cpu:.1f} pages/CPU-s")
    for name in bare:
        wall, cpu = means(name)
        print(
            f"mean {name} {wall:.1f} pages/s, {cpu:.1f} pages/CPU-s:"
            f" ratio {pipe_wall / wall:.2f} by wall clock, {pipe_cpu / cpu:.2f} by CPU"
        )
    print(f"articles published in the database: {published}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
