"""Load admin pages of one spike route in headless Chromium under Broadsheet's public CSP and
list every Content-Security-Policy violation the browser reports.

Usage (after `admin_spike.py --route R --db sqlite build`):
    python3 -m venv venv_pw && venv_pw/bin/pip install playwright==1.65.2
    venv_pw/bin/python csp_check.py --route a [--port 8012] [--out csp_a.json]

It starts `venv_<route>/bin/python admin_spike.py --route R --db sqlite runserver` (static files
served with --insecure), logs in as admin/admin through the login form, opens each page, waits
for the network to settle, and collects `securitypolicyviolation` events (listened for by a
script Playwright injects, which the page's CSP does not govern). Page loads only: menus,
choosers and modals opened by clicks may add more.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent

LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push({directive: e.effectiveDirective, blocked: e.blockedURI,
                     sample: (e.sample || '').slice(0, 80), source: (e.sourceFile || '').split('/').slice(-1)[0],
                     line: e.lineNumber});
});
"""


def pages(route: str, pk: int) -> dict[str, str]:
    if route == "a":
        s = "/admin/snippets/spikeapp/article/"
        return {
            "dashboard": "/admin/",
            "list": s,
            "list_search": s + "?q=harbour",
            "edit": s + f"edit/{pk}/",
            "history": s + f"history/{pk}/",
            "add": s + "add/",
            "images": "/admin/images/",
            "image_upload": "/admin/images/multiple/add/",
            # needs one image: created in the shell with wagtail.images.models.Image
            "image_edit": "/admin/images/1/",
        }
    s = "/admin/spikeapp/article/"
    return {
        "dashboard": "/admin/",
        "list": s,
        "list_search": s + "?q=harbour",
        "edit": s + f"{pk}/change/",
        "history": s + f"{pk}/history/",
        "add": s + "add/",
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--route", choices=["a", "b"], required=True)
    p.add_argument("--port", type=int, default=8012)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--out")
    args = p.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    (HERE / "logs").mkdir(exist_ok=True)
    env = {**os.environ, "SPIKE_PORT": str(args.port)}
    server = subprocess.Popen(
        [
            str(HERE / f"venv_{args.route}" / "bin" / "python"),
            str(HERE / "admin_spike.py"),
            "--route",
            args.route,
            "--db",
            "sqlite",
            "--rows",
            str(args.rows),
            "runserver",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(  # noqa: SIM115 - the server outlives this block; closed at exit
            HERE / "logs" / f"runserver_{args.route}.log", "w"
        ),
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/admin/login/", timeout=2)
                break
            except OSError:  # not listening yet
                time.sleep(1)
        results = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()
            page.add_init_script(LISTENER)
            page.goto(base + "/admin/login/")
            page.fill("#id_username", "admin")
            page.fill("#id_password", "admin")
            page.click("[type=submit]")
            page.wait_for_load_state("networkidle")
            for name, path in pages(args.route, args.rows // 2).items():
                resp = page.goto(base + path, wait_until="networkidle", timeout=120_000)
                page.wait_for_timeout(500)
                violations = page.evaluate("window.__csp")
                results[name] = {
                    "path": path,
                    "status": resp.status if resp else None,
                    "csp_header": (resp.headers.get("content-security-policy") if resp else None),
                    "violations": violations,
                }
                kinds = sorted({v["directive"] for v in violations})
                print(
                    f"{args.route} {name:14} {resp.status if resp else '-'} violations={len(violations)} {kinds}",
                    flush=True,
                )
                for v in violations[:6]:
                    print("      ", v, flush=True)
            browser.close()
        if args.out:
            Path(HERE / args.out).write_text(json.dumps(results, indent=1))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
