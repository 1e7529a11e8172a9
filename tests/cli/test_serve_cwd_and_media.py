"""`broadsheet serve` wherever it is started, and its uploaded media (issue 16, finding 11).

Both through the real server on a free loopback port: started from a folder holding a stray
`broadsheet/` directory (which used to shadow the installed package, so the web server died
on import), and a request for an uploaded file, which used to come back from granian's static
route without `nosniff` or a Content-Security-Policy.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.serving import Served, serving
from tests.cli.test_cli import run

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
SETTLE_SECONDS = 4  # long enough for a child that fails on import to have died


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("site") / "data"
    init = run(data_dir, "init")
    assert init.returncode == 0, init.stderr
    return data_dir


@pytest.fixture(scope="module")
def served(data_dir: Path) -> Iterator[Served]:
    (data_dir / "media" / "uploads").mkdir(parents=True, exist_ok=True)
    (data_dir / "media" / "uploads" / "chart.svg").write_bytes(SVG)
    with serving(data_dir, "--workers", "1", "--threads", "2", "--no-worker") as server:
        yield server


def _fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def test_an_uploaded_file_cannot_act_as_a_page(served: Served) -> None:
    status, headers, body = _fetch(f"{served.url}/media/uploads/chart.svg")
    assert (status, body) == (200, SVG)
    assert headers["content-type"].startswith("image/svg+xml")
    assert headers["x-content-type-options"] == "nosniff"
    policy = [part.strip() for part in headers["content-security-policy"].split(";")]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "script-src" not in headers["content-security-policy"]
    assert "max-age=86400" in headers["cache-control"]


def test_media_keep_ranges_and_conditional_requests(served: Served) -> None:
    status, headers, body = _fetch(f"{served.url}/media/uploads/chart.svg", Range="bytes=0-3")
    assert (status, body) == (206, SVG[:4])
    assert headers["x-content-type-options"] == "nosniff"
    _, first, _ = _fetch(f"{served.url}/media/uploads/chart.svg")
    status, _, body = _fetch(f"{served.url}/media/uploads/chart.svg", **{"If-None-Match": first["etag"]})
    assert (status, body) == (304, b"")


def test_missing_media_and_traversal_get_the_sites_404(served: Served) -> None:
    for path in (
        "/media/uploads/none.svg",
        "/media/../secret_key",
        "/media/uploads/%2e%2e/%2e%2e/secret_key",
    ):
        status, headers, _ = _fetch(served.url + path)
        assert status == 404, path
        assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "stray",
    [
        pytest.param({}, id="empty-directory"),
        pytest.param(
            {"__init__.py": "raise ImportError('the stray broadsheet was imported')\n"}, id="a-package"
        ),
    ],
)
def test_serve_starts_from_a_folder_holding_a_broadsheet_directory(
    data_dir: Path, tmp_path: Path, stray: dict[str, str]
) -> None:
    (tmp_path / "broadsheet").mkdir()
    for name, text in stray.items():
        (tmp_path / "broadsheet" / name).write_text(text)
    with serving(data_dir, "--workers", "1", "--threads", "2", cwd=tmp_path) as server:
        time.sleep(SETTLE_SECONDS)
        children = " ".join(server.children().values())
        assert "granian" in children and "db_worker" in children and "scheduler" in children
        assert _fetch(f"{server.url}/robots.txt")[0] == 200
        output = server.output()
        assert "exited with code" not in output and "stray" not in output, output
