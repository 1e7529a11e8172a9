"""Staff in the browser: a user in a newsroom role, signed in to the admin in a fresh Chromium
context that records what went wrong on its pages (script errors, failed loads, CSP violations)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def staff(name: str, role: str) -> Any:
    """A staff user in the group `role` (roles.ensure_roles() made it), password from the name."""
    user = get_user_model().objects.create_user(name, password=f"pw-{name}-long-enough", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def signed_in(browser: Browser, base: str, name: str) -> tuple[Page, list[str]]:
    """A fresh 1366 px context signed in to the admin as `name`; also what went wrong on its pages."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.add_init_script(CSP_LISTENER)
    # A failed load is told by its response below (the admin has no favicon: not the test's).
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.goto(base + "/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", f"pw-{name}-long-enough")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Broadsheet newsroom")
    return page, problems


def csp_violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations"))
