"""Side-by-side benchmark: Broadsheet (uncached and cached), WordPress and nginx, in one run.

    .venv/bin/python bench/run.py [--size 15k|1m] [--duration 15s] [--no-wordpress] [--rebuild]

For the corpus size it builds (once; reused after) a data directory under --data-root with
`broadsheet init` and `broadsheet demo --articles N`, starts two `broadsheet serve` with the
production settings on loopback (one with BROADSHEET_PAGE_CACHE=off), stands up the WordPress
peer from ../shared/bench/wordpress (copied to /tmp/wp; classic theme) and an nginx serving one
of our rendered article pages from disk, then runs `wrk -t2 -c16 -dD --latency` on each page,
interleaved: WordPress, Broadsheet uncached (also with one client, for the page's own latency
without queueing), Broadsheet cached, nginx, page by page. Then search
latency in-process, queries per page, and worker memory. Prints the tables and appends them
to bench/RESULTS.md. Every server it starts is stopped at the end (WordPress with ./stop.sh).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
RESULTS = ROOT / "bench" / "RESULTS.md"
WP_SOURCE = ROOT / ".." / "shared" / "bench" / "wordpress"
WP_DIR = Path("/tmp/wp")
WP_BASE = "http://127.0.0.1:8081"
SIZES = {"15k": 15_800, "1m": 1_000_000}
PORT_CACHED, PORT_UNCACHED, PORT_NGINX = 8210, 8211, 8212
THREADS, CONNECTIONS = 2, 16

# WordPress's equivalents of our pages (its bench.sh uses the same article and category).
WP_PAGES = {
    "home": "/",
    "article": "/2024/01/washington-bestseller-weighs-after-quiet-voters/",
    "section": "/category/politics/",
    "section_deep": "/category/politics/page/50/",
    "search": "/?s=china",
    "search_rare": "/?s=palimpsest",
    "search_phrase": "/?s=%22port+alder%22",
    "feed": "/feed/",
    "sitemap": "/wp-sitemap.xml",
}
# Pages with a ≥10x uncached target against WordPress.
TEN_X = ("home", "article", "section")


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings.prod",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to https, no HSTS (prod.py reads both).
        BROADSHEET_SSL_REDIRECT="off",
        BROADSHEET_HSTS_SECONDS="0",
        BROADSHEET_DATA_DIR=str(data_dir),
        BROADSHEET_ADMIN_PASSWORD="bench-only-admin-password-4821",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_corpus(data_dir: Path, articles: int, rebuild: bool) -> dict[str, object]:
    marker = data_dir / "bench-corpus.json"
    if marker.exists() and not rebuild:
        info = json.loads(marker.read_text())
        subprocess.run(
            [str(BIN / "broadsheet"), "init"], env=env_for(data_dir), check=True, capture_output=True
        )
        info["reused"] = True
        return info
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    log(f"building a {articles:,}-article corpus in {data_dir}")
    started = time.monotonic()
    subprocess.run([str(BIN / "broadsheet"), "init"], env=env_for(data_dir), check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "broadsheet"), "demo", "--articles", str(articles)], env=env_for(data_dir), check=True
    )
    info = {"articles": articles, "seconds": round(time.monotonic() - started, 1), "bytes": du(data_dir)}
    marker.write_text(json.dumps(info))
    return info


def wait_http(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


@contextmanager
def broadsheet_server(data_dir: Path, port: int, cached: bool) -> Iterator[subprocess.Popen[bytes]]:
    env = env_for(data_dir, BROADSHEET_PAGE_CACHE="on" if cached else "off")
    # The cached server runs the task worker (its memory is measured); one is enough.
    argv = [str(BIN / "broadsheet"), "serve", "--port", str(port), *([] if cached else ["--no-worker"])]
    logfile = open(f"/tmp/broadsheet-bench-{port}.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        argv, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        # At start-up a worker may first build its search replica: minutes at a million articles.
        wait_http(f"http://127.0.0.1:{port}/robots.txt", timeout=900)
        yield process
    finally:
        process.send_signal(signal.SIGINT)  # the supervisor forwards it once to its children
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        logfile.close()


@contextmanager
def nginx_static(body: bytes, port: int = PORT_NGINX) -> Iterator[str]:
    """nginx serving `body` as a file on `port`: the ceiling for a cached page."""
    root = Path(f"/tmp/broadsheet-bench-nginx-{port}")
    shutil.rmtree(root, ignore_errors=True)
    (root / "www").mkdir(parents=True)
    (root / "www" / "article.html").write_bytes(body)
    conf = root / "nginx.conf"
    conf.write_text(
        f"""worker_processes auto;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    sendfile on; tcp_nopush on; keepalive_timeout 65; access_log off;
    client_body_temp_path {root}; proxy_temp_path {root}; fastcgi_temp_path {root};
    uwsgi_temp_path {root}; scgi_temp_path {root};
    server {{ listen 127.0.0.1:{port}; root {root}/www; }}
}}
"""
    )
    os.chmod(root, 0o755)
    os.chmod(root / "www", 0o755)
    subprocess.run(["nginx", "-c", str(conf), "-p", str(root)], check=True)
    try:
        url = f"http://127.0.0.1:{port}/article.html"
        wait_http(url)
        yield url
    finally:
        pid = int((root / "nginx.pid").read_text())
        os.kill(pid, signal.SIGQUIT)
        for _ in range(60):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)


def cpu_busy(seconds: float = 1.0) -> float:
    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 100.0 * (1 - (idle1 - idle0) / max(total1 - total0, 1))


def wait_quiet(max_busy: float = 25.0, patience: float = 10.0) -> float:
    """Wait (bounded) until the machine is fairly idle; returns the busy % seen last."""
    deadline = time.monotonic() + patience
    busy = cpu_busy()
    while busy > max_busy and time.monotonic() < deadline:
        busy = cpu_busy()
    return busy


def wait_low_load(limit: float, patience: float) -> str:
    """Before a measured run: poll the 1-minute load average (bounded) until it is under `limit`."""
    deadline = time.monotonic() + patience
    load = float(Path("/proc/loadavg").read_text().split()[0])
    while load >= limit and time.monotonic() < deadline:
        time.sleep(10)
        load = float(Path("/proc/loadavg").read_text().split()[0])
    return f"{load:.2f}"


def _ms(text: str) -> float:
    value = float(re.sub(r"[a-z]+$", "", text))
    if text.endswith("us"):
        return value / 1000
    if text.endswith("ms"):
        return value
    if text.endswith("m"):  # wrk prints minutes as e.g. 1.00m
        return value * 60000
    return value * 1000  # seconds


def wrk(
    url: str,
    duration: str,
    headers: tuple[str, ...] = (),
    threads: int = THREADS,
    connections: int = CONNECTIONS,
) -> dict[str, float]:
    busy_before = wait_quiet()
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--timeout", "10s", "--latency"]
    for header in headers:
        argv += ["-H", header]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors, "busy_before": round(busy_before)}


def wordpress_up() -> bool:
    if not WP_DIR.exists():
        shutil.copytree(WP_SOURCE, WP_DIR)
    subprocess.run(["./setup.sh"], cwd=WP_DIR, check=True, capture_output=True)
    # The classic theme, the faster of the two (its README: compare against this).
    subprocess.run(
        ["runuser", "-u", "www-data", "--", "php", "install.php", "twentytwentyone"],
        cwd=WP_DIR,
        check=True,
        capture_output=True,
    )
    for path in WP_PAGES.values():
        for _ in range(3):
            urllib.request.urlopen(WP_BASE + path, timeout=30).read()
    return True


def wordpress_down() -> None:
    subprocess.run(["./stop.sh"], cwd=WP_DIR, check=False)


def probe(data_dir: Path, *args: str) -> str:
    return subprocess.run(
        [PYTHON, str(ROOT / "bench" / "probe.py"), *args],
        env=env_for(data_dir),
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def descendants(pid: int) -> list[tuple[int, str]]:
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = Path(f"/proc/{parent}/task/{parent}/children")
        for child in children.read_text().split() if children.exists() else []:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            found.append((int(child), cmd))
            frontier.append(int(child))
    return found


def memory(server_pid: int) -> dict[str, float]:
    procs = descendants(server_pid)
    granian = [pid for pid, cmd in procs if "granian" in cmd]
    # granian's main process forks the web workers: they are its children.
    workers = [pid for pid, _ in descendants(granian[0])] if granian else []
    task = [pid for pid, cmd in procs if "db_worker" in cmd]
    return {
        "web_worker_mb": max((rss_mb(p) for p in workers), default=0.0),
        "task_worker_mb": max((rss_mb(p) for p in task), default=0.0),
    }


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "load": Path("/proc/loadavg").read_text().split(" ")[0]}


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}×" if a and b else "–"


def table(results: dict[str, object], size: str) -> str:
    pages: dict[str, str] = results["urls"]  # type: ignore[assignment]
    bs_u: dict[str, dict[str, float]] = results["uncached"]  # type: ignore[assignment]
    bs_c: dict[str, dict[str, float]] = results["cached"]  # type: ignore[assignment]
    wp: dict[str, dict[str, float]] = results["wordpress"]  # type: ignore[assignment]
    nginx: dict[str, float] = results["nginx"]  # type: ignore[assignment]
    by_page: dict[str, dict[str, float]] = results.get("nginx_by_page") or {}  # type: ignore[assignment]
    qpp: dict[str, int] = results["queries"]  # type: ignore[assignment]
    one: dict[str, dict[str, float]] = results.get("uncached_one_client") or {}  # type: ignore[assignment]
    lines = [
        "| page | WP req/s | WP p50/p99 ms | BS uncached req/s | p50/p99 ms | uncached, 1 client p50/p99 ms "
        "| BS cached req/s | p50/p99 ms | uncached ÷ WP | cached ÷ WP | cached ÷ nginx | queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, path in pages.items():
        w, u, c = wp.get(name), bs_u.get(name), bs_c.get(name)
        lines.append(
            f"| {name} | {w['rps']:.1f} | {w['p50']:.0f} / {w['p99']:.0f} | " if w else f"| {name} | – | – | "
        )
        alone = one.get(name)
        lines[-1] += (
            f"{u['rps']:.0f} | {u['p50']:.1f} / {u['p99']:.1f} | "
            + (f"{alone['p50']:.1f} / {alone['p99']:.1f} | " if alone else "– | ")
            + f"{c['rps']:.0f} | {c['p50']:.1f} / {c['p99']:.1f} | "
            f"{ratio(u['rps'], w and w['rps'])} | {ratio(c['rps'], w and w['rps'])} | "
            f"{100 * c['rps'] / by_page.get(name, nginx)['rps']:.0f}% | {qpp.get(path, '–')} |"
        )
    lines.append(
        f"| nginx static, our article page (median of the runs after each page; "
        f"cached ÷ nginx uses the run right after that page) | | | | | | {nginx['rps']:.0f} | "
        f"{nginx['p50']:.1f} / {nginx['p99']:.1f} | | | 100% | |"
    )
    return "\n".join(lines)


def run(
    size: str, duration: str, data_root: Path, with_wordpress: bool, rebuild: bool, pages: list[str]
) -> dict[str, object]:
    data_dir = data_root / size
    corpus = build_corpus(data_dir, SIZES[size], rebuild)
    urls: dict[str, str] = json.loads(probe(data_dir, "urls"))
    if pages:
        urls = {name: path for name, path in urls.items() if name in pages}
    log(f"corpus {corpus}; pages {urls}")
    results: dict[str, object] = {"size": size, "corpus": corpus, "urls": urls, "machine_start": machine()}
    wp: dict[str, dict[str, float]] = {}
    uncached: dict[str, dict[str, float]] = {}
    cached: dict[str, dict[str, float]] = {}
    static: dict[str, dict[str, float]] = {}
    alone: dict[str, dict[str, float]] = {}
    results["nginx_by_page"] = static
    results["uncached_one_client"] = alone
    try:
        if with_wordpress:
            log("WordPress: setup.sh, classic theme")
            wordpress_up()
        with (
            broadsheet_server(data_dir, PORT_UNCACHED, cached=False) as _,
            broadsheet_server(data_dir, PORT_CACHED, cached=True) as server,
        ):
            article_body = urllib.request.urlopen(f"http://127.0.0.1:{PORT_CACHED}{urls['article']}").read()
            with nginx_static(article_body) as static_url:
                for name, path in urls.items():
                    if with_wordpress and name in WP_PAGES:
                        wp[name] = wrk(WP_BASE + WP_PAGES[name], duration)
                        log(f"{name:14} WordPress   {wp[name]}")
                    for _ in range(3):  # warm: widget caches, search reader, connections
                        urllib.request.urlopen(f"http://127.0.0.1:{PORT_UNCACHED}{path}").read()
                        urllib.request.urlopen(f"http://127.0.0.1:{PORT_CACHED}{path}").read()
                    uncached[name] = wrk(f"http://127.0.0.1:{PORT_UNCACHED}{path}", duration)
                    log(f"{name:14} BS uncached {uncached[name]}")
                    # One reader at a time: the page's own latency, without queueing behind 15 others.
                    alone[name] = wrk(
                        f"http://127.0.0.1:{PORT_UNCACHED}{path}", duration, threads=1, connections=1
                    )
                    log(f"{name:14} BS uncached, one client {alone[name]}")
                    cached[name] = wrk(f"http://127.0.0.1:{PORT_CACHED}{path}", duration)
                    log(f"{name:14} BS cached   {cached[name]}")
                    # The ceiling, measured right after each cached run: the load drifts.
                    static[name] = wrk(static_url, duration)
                    log(f"{name:14} nginx       {static[name]}")
                results["nginx"] = sorted(static.values(), key=lambda r: r["rps"])[len(static) // 2]
            results["memory"] = memory(server.pid)
    finally:
        if with_wordpress:
            wordpress_down()
    results.update(wordpress=wp, uncached=uncached, cached=cached)
    results["search"] = json.loads(probe(data_dir, "search", "1000"))
    results["queries"] = json.loads(probe(data_dir, "queries", *urls.values()))
    results["machine_end"] = machine()
    return results


def report(results: dict[str, object], command: str) -> str:
    corpus: dict[str, object] = results["corpus"]  # type: ignore[assignment]
    search: dict[str, float] = results["search"]  # type: ignore[assignment]
    mem: dict[str, float] = results["memory"]  # type: ignore[assignment]
    start: dict[str, str] = results["machine_start"]  # type: ignore[assignment]
    end: dict[str, str] = results["machine_end"]  # type: ignore[assignment]
    build = f"{corpus['articles']:,} articles, built in {corpus['seconds']}s, {int(corpus['bytes']) / 2**20:,.0f} MB on disk"  # type: ignore[call-overload]
    return "\n".join(
        [
            f"### {results['size']}: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            "",
            f'`{command}` — nproc {start["nproc"]}, CPU "{start["cpu"]}", load average {start["load"]} at the start, '
            f"{end['load']} at the end. Corpus: {build}. wrk -t{THREADS} -c{CONNECTIONS} --latency per page, "
            "interleaved WordPress (twentytwentyone, no page cache) → Broadsheet uncached → cached.",
            "",
            table(results, str(results["size"])),
            "",
            f"Search alone (`search.query`, 1,000 mixed queries, in-process): p50 {search['p50']:.1f} ms, "
            f"p95 {search['p95']:.1f} ms, p99 {search['p99']:.1f} ms. "
            f"Memory after the run: web worker {mem['web_worker_mb']:.0f} MB RSS, task worker {mem['task_worker_mb']:.0f} MB RSS.",
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="15k")
    parser.add_argument("--duration", default="15s")
    parser.add_argument("--data-root", type=Path, default=Path("/var/tmp/broadsheet-bench"))
    parser.add_argument("--no-wordpress", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the corpus even if one exists")
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--wait-load", type=float, default=1.5, help="wait for a 1-min load under this")
    parser.add_argument("--wait-seconds", type=float, default=600, help="how long to wait for it at most")
    args = parser.parse_args()
    log(f"waiting (at most {args.wait_seconds:.0f}s) for load < {args.wait_load}")
    log(f"load average now {wait_low_load(args.wait_load, args.wait_seconds)}")
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    pages = [p for p in args.pages.split(",") if p]
    results = run(args.size, args.duration, args.data_root, not args.no_wordpress, args.rebuild, pages)
    command = "bench/run.py " + " ".join(sys.argv[1:])
    text = report(results, command.strip())
    print(text)
    raw = args.data_root / f"results-{args.size}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    raw.write_text(json.dumps(results, indent=1))
    if not args.no_write:
        with RESULTS.open("a") as out:
            out.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
