"""Cached article page under wrk: `broadsheet serve` against nginx serving the same bytes.

    nice -n 10 .venv/bin/python bench/hit_wrk.py /var/tmp/<copy of a corpus> \
        [--base /path/to/other/checkout] [--rounds 3] [--duration 10s] [--port 8371]

Starts this checkout's `broadsheet serve` (settings as bench/run.py's env_for(), page cache
on, no task worker), with --base a second one running that checkout's code
(PYTHONPATH=<base>) on the next port, nginx on the port after that serving the article's
bytes from a file, and granian (as `serve` starts it: 2 workers, its threads) running a
trivial WSGI app that returns those bytes: the ceiling for any Python app on this server.
Then, round by round, `wrk -t2 -c16` on each in turn and the ratio to nginx of the same
round. Ports 8371-8374 by default.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, PYTHON, ROOT, env_for, nginx_static, wait_http, wrk


@contextmanager
def server(data_dir: Path, port: int, code: Path | None) -> Iterator[None]:
    env = env_for(data_dir, BROADSHEET_PAGE_CACHE="on")
    if code is not None:
        env.update(PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1")
    log = open(f"/tmp/broadsheet-hit-{port}.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(BIN / "broadsheet"), "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/robots.txt", timeout=300)
        yield
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


TRIVIAL_APP = """
from pathlib import Path
BODY = Path(__file__).with_name("article.html").read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]
def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
"""


@contextmanager
def trivial(body: bytes, port: int) -> Iterator[str]:
    root = Path(f"/tmp/broadsheet-hit-trivial-{port}")
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "article.html").write_bytes(body)
    (root / "trivial_app.py").write_text(TRIVIAL_APP)
    # Exactly as `broadsheet serve` starts granian (2 workers, its threads and limits).
    threads = min(8, 2 * (os.cpu_count() or 1) + 1)
    script = f"import json; from broadsheet.runtime.processes import web_command as c; print(json.dumps(c('127.0.0.1', {port}, 2, {threads})))"
    command = subprocess.run([PYTHON, "-c", script], check=True, capture_output=True, text=True).stdout
    argv = [*json.loads(command)[:-1], f"{root}/trivial_app.py:application"]
    process = subprocess.Popen(argv, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/article.html"
        wait_http(url)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--base", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--port", type=int, default=8371)
    args = parser.parse_args()
    env = env_for(args.data_dir)
    urls = json.loads(
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "probe.py"), "urls"], env=env, check=True, capture_output=True
        ).stdout
    )
    path = urls["article"]
    with ExitStack() as stack:
        targets: dict[str, str] = {}
        if args.base is not None:
            stack.enter_context(server(args.data_dir, args.port + 1, args.base))
            targets["base"] = f"http://127.0.0.1:{args.port + 1}{path}"
        stack.enter_context(server(args.data_dir, args.port, None))
        targets["this"] = f"http://127.0.0.1:{args.port}{path}"
        for url in targets.values():
            for _ in range(3):  # a miss, then hits in every worker
                urllib.request.urlopen(url).read()
        body = urllib.request.urlopen(targets["this"]).read()
        targets["trivial"] = stack.enter_context(trivial(body, args.port + 3))
        targets["nginx"] = stack.enter_context(nginx_static(body, args.port + 2))
        print(f"article {path}, {len(body)} bytes; load {os.getloadavg()}", flush=True)
        for round_ in range(1, args.rounds + 1):
            got = {name: wrk(url, args.duration) for name, url in targets.items()}
            ratios = ", ".join(
                f"{name} {100 * got[name]['rps'] / got['nginx']['rps']:.0f}%"
                for name in targets
                if name != "nginx"
            )
            print(f"round {round_}: {json.dumps(got)}", flush=True)
            print(f"round {round_}: of nginx: {ratios}; load {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
