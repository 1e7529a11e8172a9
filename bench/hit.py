"""CPU per page-cache hit, in process, through the WSGI application `broadsheet serve` runs.

    BROADSHEET_DATA_DIR=/var/tmp/<copy> .venv/bin/python bench/hit.py [--rounds 5] [--hits 20000]

Settings as bench/run.py's env_for() (prod, plain HTTP on loopback); the pages are
bench/probe.py's. Each page is requested once (a miss that fills the cache), then `--hits`
times per round; the figure is time.process_time() per hit in µs, best and median of the
rounds. Requests carry no Accept-Encoding, as wrk's do. Run it from another checkout's
directory with PYTHONPATH=<that checkout> to measure that code in the same sitting.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.update(
    DJANGO_SETTINGS_MODULE="broadsheet.settings.prod",
    SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
    ALLOWED_HOSTS="127.0.0.1,localhost",
    BROADSHEET_SSL_REDIRECT="off",
    BROADSHEET_HSTS_SECONDS="0",
    LOG_LEVEL="WARNING",
)
if "BROADSHEET_DATA_DIR" not in os.environ:
    sys.exit("set BROADSHEET_DATA_DIR to a copy of a bench corpus")


def environ(path: str) -> dict[str, Any]:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "wrk",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }


def request(app: Any, path: str) -> tuple[str, dict[str, str], int]:
    seen: list[Any] = []
    body = b"".join(app(environ(path), lambda status, headers, exc_info=None: seen.append((status, headers))))
    status, headers = seen[0]
    return status, dict(headers), len(body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--hits", type=int, default=20000)
    parser.add_argument("--pages", default="home,article,section")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import probe  # bench/probe.py: the same pages bench/run.py measures

    from broadsheet.wsgi import application

    urls = {name: path for name, path in probe.urls().items() if name in args.pages.split(",")}
    results = {}
    for name, path in urls.items():
        request(application, path)
        status, headers, size = request(application, path)
        assert headers.get("X-Cache") == "HIT", (name, status, headers)
        rounds = []
        for _ in range(args.rounds):
            start = time.process_time()
            for _ in range(args.hits):
                request(application, path)
            rounds.append(1e6 * (time.process_time() - start) / args.hits)
        results[name] = {"best_us": round(min(rounds), 1), "median_us": round(statistics.median(rounds), 1)}
        print(
            f"{name:8} {path[:60]:60} {size:7} B  best {min(rounds):6.1f} µs  median {statistics.median(rounds):6.1f} µs"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
