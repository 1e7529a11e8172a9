"""Regenerate the README tour's pictures: docs/img/tour-<stop>.png, 1366 px wide.

    .venv/bin/python scripts/screenshots.py [--out docs/img]

Starts the demo site as `make run` would (`broadsheet init --demo`, `broadsheet serve`) in a
temporary data directory on a loopback port, walks scripts/tour.py's stops in Debian's
Chromium (the browser tests' driver and flags), saves what each stop shows, and stops the site.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.tour import Stop, demo_site, walk  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="where the PNGs go")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    def shoot(stop: Stop, page: Page) -> None:
        path = args.out / f"tour-{stop.name}.png"
        page.screenshot(path=str(path))
        print(f"{path}  ({stop.caption})")

    with tempfile.TemporaryDirectory(prefix="broadsheet-tour-") as temp, demo_site(Path(temp)) as site:
        print(f"Demo site at {site.url}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                walk(browser, site, shoot)
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
