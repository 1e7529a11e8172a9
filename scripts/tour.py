"""The README's tour of the demo: what to click in the first five minutes, stop by stop.

Shared by scripts/screenshots.py, which saves each stop's picture as docs/img/tour-<name>.png,
and tests/e2e/test_tour.py, which checks that each stop shows its feature: the pictures and
the test walk the same path through the same demo site, the one `make run` serves, started by
`demo_site` in a temporary data directory on a loopback port.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page

BROADSHEET = str(Path(sys.executable).with_name("broadsheet"))
WIDTH, HEIGHT = 1366, 900
SETUP_SECONDS = 600
STARTUP_SECONDS = 60
SEARCH_WORDS = "harbour"
READER = ""  # a stop's role when no one is signed in


@dataclass(frozen=True)
class DemoSite:
    url: str
    passwords: dict[str, str]  # username -> password, from the box `init --demo` printed
    data_dir: Path


@dataclass(frozen=True)
class Stop:
    name: str  # the picture is docs/img/tour-<name>.png
    caption: str
    role: str  # the demo account signed in (a username), or READER
    visit: Callable[[Page, str], None]  # brings the page to this stop, given the site's URL
    feature: str  # a selector for what this stop is there to show


def read_box(stdout: str) -> dict[str, str]:
    """username -> password from the framed block that closes `broadsheet init --demo`'s output."""
    passwords = {}
    for line in stdout.splitlines():
        cells = line.strip().strip("|").split()
        if line.startswith("| ") and len(cells) == 3 and cells[0] != "user":
            passwords[cells[0]] = cells[2]
    return passwords


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    # Offline: the demo reads its publishers from files, and nothing else may reach out.
    return env | {"BROADSHEET_DATA_DIR": str(data_dir), "BROADSHEET_ADMIN_USER": "admin"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status) == 200
    except OSError:
        return False


@contextlib.contextmanager
def demo_site(data_dir: Path) -> Iterator[DemoSite]:
    """`broadsheet init --demo` into `data_dir`, then `broadsheet serve` on a free loopback port
    until the block ends (stopped with SIGTERM, as an operator would)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(data_dir)
    env.pop("BROADSHEET_ADMIN_PASSWORD", None)
    setup = subprocess.run(
        [BROADSHEET, "init", "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_SECONDS,
        check=False,
    )
    if setup.returncode != 0:
        raise RuntimeError(f"broadsheet init --demo failed:\n{setup.stdout}\n{setup.stderr}")
    passwords = read_box(setup.stdout)
    port = _free_port()
    log = (data_dir / "serve.log").open("wb")
    server = subprocess.Popen(
        [BROADSHEET, "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(url + "/robots.txt"):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"broadsheet serve did not answer; see {data_dir / 'serve.log'}")
            time.sleep(0.3)
        yield DemoSite(url, passwords, data_dir)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _go(path: str) -> Callable[[Page, str], None]:
    def visit(page: Page, base: str) -> None:
        page.goto(base + path, wait_until="networkidle")

    return visit


def _full_coverage(page: Page, base: str) -> None:
    """The home page's first Top story: its full-coverage page."""
    _go("/")(page, base)
    page.locator(".top-stories__link").first.click()
    page.wait_for_load_state("networkidle")


def _aggregated_story(page: Page, base: str) -> None:
    """The first report from another publisher, with a picture, in the first full coverage."""
    _full_coverage(page, base)
    links = page.eval_on_selector_all(
        ".timeline__item",
        """items => items.filter(i => !i.querySelector(".timeline__source").textContent.includes("Broadsheet"))
                        .map(i => i.querySelector(".timeline__headline a").href)""",
    )
    for link in links:
        page.goto(link, wait_until="networkidle")
        if page.locator(".story__origin").count() and page.locator(".story__figure img").count():
            return
    raise AssertionError(f"no aggregated story with a picture among {links}")


def _latest_issue(page: Page, base: str) -> None:
    _go("/newsletter/archive/")(page, base)
    page.locator(".newsletter-archive a").first.click()
    page.wait_for_load_state("networkidle")


TOUR: tuple[Stop, ...] = (
    Stop(
        "home",
        "The home page: Top stories from several sources, Trending, Popular",
        READER,
        _go("/"),
        ".top-stories",
    ),
    Stop(
        "coverage",
        "A full-coverage page: every report of one event, first report marked",
        READER,
        _full_coverage,
        ".timeline",
    ),
    Stop(
        "aggregated",
        "An aggregated story: the publisher's credit, byline and picture",
        READER,
        _aggregated_story,
        ".story__origin",
    ),
    Stop("search", "Search", READER, _go(f"/search/?q={SEARCH_WORDS}"), ".search-results .search-hit"),
    Stop(
        "dashboard-contributor",
        "The dashboard as a Contributor: own drafts and submissions",
        "contributor",
        _go("/admin/"),
        "#panel-my-drafts",
    ),
    Stop(
        "dashboard-author",
        "The dashboard as an Author: the scheduled story",
        "author",
        _go("/admin/"),
        "#panel-scheduled",
    ),
    Stop(
        "dashboard-editor",
        "The dashboard as an Editor: review queue and charts",
        "editor",
        _go("/admin/"),
        "#panel-views-chart",
    ),
    Stop(
        "dashboard-operator",
        "The dashboard as an Operator: sources and ingest",
        "operator",
        _go("/admin/"),
        "#panel-ingest-chart svg.bs-chart__svg",
    ),
    Stop(
        "library",
        "The media library, with its renditions",
        "editor",
        _go("/admin/media/image/"),
        "img.media-thumb",
    ),
    Stop("newsletter", "The newsletter archive: a sent digest", READER, _latest_issue, ".newsletter-text"),
    Stop("api", "The API's documentation", READER, _go("/api/v1/docs"), ".swagger-ui .info"),
)


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.locator("#site-name").wait_for()


def walk(browser: Browser, site: DemoSite, at_stop: Callable[[Stop, Page], None]) -> None:
    """Visit every stop in order, each role in its own signed-in browser context, and hand the
    page to `at_stop` once the stop's feature is on it."""
    pages: dict[str, Page] = {}
    try:
        for stop in TOUR:
            if stop.role not in pages:
                context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
                pages[stop.role] = context.new_page()
                if stop.role != READER:
                    sign_in(pages[stop.role], site.url, stop.role, site.passwords[stop.role])
            page = pages[stop.role]
            stop.visit(page, site.url)
            feature = page.locator(stop.feature).first
            feature.wait_for()
            # Whole in the picture: the editor's charts sit below the lists.
            box = feature.bounding_box()
            if box is not None and box["y"] + box["height"] > HEIGHT:
                feature.evaluate("el => el.scrollIntoView({block: 'start'})")
            at_stop(stop, page)
    finally:
        for page in pages.values():
            page.context.close()
