"""CPU per uncached request, and the share of it spent inside Django's template engine.

    nice -n 10 .venv/bin/python bench/render_share.py /var/tmp/<copy>-15k [--rounds 5] [--n 40]

Settings broadsheet.settings.prod, full-page cache off, everything else warm (widget lists,
memoised fragments), as on a page-cache miss in a running server. Per page: the median of
`time.process_time()` per request over --rounds rounds of --n requests, then one cProfile'd
round and one sampled round (3 × --n requests). "engine" is the own time of functions in
django/template/ minus its filters (the part a different template engine replaces); "filters"
the own time of django/template/defaultfilters.py and django/utils/{dateformat,html,text,formats}.py
(a port keeps calling those or their likes); "ORM" django/db/, for scale. --cold empties the
fragment memo before each request (a process meeting every card for the first time: the worst
case for template rendering).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import env_for  # noqa: E402

ENGINE_DIR = os.sep + os.path.join("django", "template") + os.sep
ORM_DIR = os.sep + os.path.join("django", "db") + os.sep
FILTER_FILES = (
    os.path.join("django", "template", "defaultfilters.py"),
    os.path.join("django", "utils", "dateformat.py"),
    os.path.join("django", "utils", "html.py"),
    os.path.join("django", "utils", "text.py"),
    os.path.join("django", "utils", "formats.py"),
)


def _kind(filename: str) -> str:
    if any(filename.endswith(f) for f in FILTER_FILES):
        return "filters"
    if ENGINE_DIR in filename:
        return "engine"
    return "orm" if ORM_DIR in filename else "other"


def sampled(work: object) -> dict[str, int]:
    """Samples of the main thread's innermost Python frame every 0.5 ms while `work()` runs
    (cProfile's per-call cost inflates the engine, which is many small calls; sampling does not)."""
    counts = {"engine": 0, "filters": 0, "orm": 0, "other": 0}
    main_id = threading.get_ident()
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            frame = sys._current_frames().get(main_id)
            if frame is not None:
                counts[_kind(frame.f_code.co_filename)] += 1
            time.sleep(0.0005)

    old = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        work()  # type: ignore[operator]
    finally:
        done.set()
        sampler.join()
        sys.setswitchinterval(old)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--pages", default="home,article,section")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the fragment memo before each request (every card rendered)",
    )
    args = parser.parse_args()
    os.environ.update(env_for(args.data_dir, BROADSHEET_PAGE_CACHE="off"))
    os.environ["ALLOWED_HOSTS"] += ",testserver"

    import django

    django.setup()
    from django.test import Client
    from probe import urls as page_urls

    from broadsheet.edge import fragments

    client = Client()
    get = client.get
    if args.cold:

        def get(path: str) -> object:  # type: ignore[misc]
            fragments.memo.clear()
            return client.get(path)

    urls = {name: path for name, path in page_urls().items() if name in args.pages.split(",")}
    for path in urls.values():  # warm: widget lists, fragments, compiled templates
        for _ in range(3):
            assert client.get(path).status_code == 200, path

    cpu: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(args.rounds):
        for name, path in urls.items():
            start = time.process_time()
            for _ in range(args.n):
                get(path)
            cpu[name].append((time.process_time() - start) / args.n * 1000)

    print(
        f"{'page':<10} {'CPU ms/req':>10} {'engine ms':>10} {'engine %':>9} {'filters ms':>10}"
        f" {'sampled engine %':>17} {'filters %':>9} {'ORM %':>6}"
    )
    for name, path in urls.items():
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.n):
            get(path)
        profile.disable()
        stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        engine = filters = total = 0.0
        for (filename, _line, _func), (_cc, _nc, tottime, _ct, _callers) in stats.items():
            total += tottime
            if any(filename.endswith(f) for f in FILTER_FILES):
                filters += tottime
            elif ENGINE_DIR in filename:
                engine += tottime
        counts = sampled(lambda path=path: [get(path) for _ in range(args.n * 3)])
        samples = sum(counts.values())
        median = statistics.median(cpu[name])
        share = engine / total
        print(
            f"{name:<10} {median:>10.2f} {share * median:>10.2f} {share * 100:>8.1f}% "
            f"{filters / total * median:>10.2f} {counts['engine'] / samples * 100:>16.1f}% "
            f"{counts['filters'] / samples * 100:>8.1f}% {counts['orm'] / samples * 100:>5.1f}%   rounds {' '.join(f'{v:.2f}' for v in cpu[name])}"
        )


if __name__ == "__main__":
    main()
