"""Queries per uncached public page, and their SQL, as render_share.py renders the pages.

    nice -n 10 .venv/bin/python bench/page_queries.py /var/tmp/<copy>-15k [--pages home,article,section] [--sql]

Settings broadsheet.settings.prod, page cache off, warm (widget lists, memoised fragments):
the count a page-cache miss costs a running server. --cold empties the fragment memo first.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import env_for  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--pages", default="home,article,section")
    parser.add_argument("--sql", action="store_true", help="print each query's first 150 characters")
    parser.add_argument("--cold", action="store_true", help="empty the fragment memo first")
    args = parser.parse_args()
    os.environ.update(env_for(args.data_dir, BROADSHEET_PAGE_CACHE="off"))
    os.environ["ALLOWED_HOSTS"] += ",testserver"

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from probe import urls as page_urls

    from broadsheet.edge import fragments

    client = Client()
    for name, path in page_urls().items():
        if name not in args.pages.split(","):
            continue
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        if args.cold:
            fragments.memo.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        print(f"{name:<10} {len(queries):>3} queries  {path}")
        if args.sql:
            for query in queries.captured_queries:
                print(f"    {query['sql'][:150]}")


if __name__ == "__main__":
    main()
