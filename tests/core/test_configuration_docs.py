"""docs/configuration.md documents exactly the environment variables the code reads, and each
setting has its one default in broadsheet/settings/ (app code reads it without a fallback)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import broadsheet.settings.base as base_settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "broadsheet"
DOCS = ROOT / "docs" / "configuration.md"
# The typed readers in core/env.py; any call to them names the variable it reads.
ENV_HELPERS = {"env_str", "env_int", "env_bool", "env_list", "env_path"}
ENVIRON_METHODS = {"get", "setdefault", "pop", "__getitem__", "__contains__"}
# Files still allowed a getattr(settings, "BROADSHEET_…", default) fallback (a second default
# beside settings/base.py's): none. Keep it that way.
PENDING_FALLBACKS: set[str] = set()


def _sources() -> list[Path]:
    files = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)
    return [*files, ROOT / "manage.py"]


def _is_os_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name)


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _env_reads(tree: ast.AST) -> tuple[set[str], list[int]]:
    """Names of environment variables read in `tree`, and lines reading a computed name."""
    names: set[str] = set()
    computed: list[int] = []
    for node in ast.walk(tree):
        arg: ast.expr | None = None
        if isinstance(node, ast.Call):
            func = node.func
            called = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            reads = (
                called in ENV_HELPERS
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr in ENVIRON_METHODS
                    and _is_os_environ(func.value)
                )
                or called == "getenv"
            )
            if not reads:
                continue
            arg = node.args[0] if node.args else None
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            arg = node.slice
        elif isinstance(node, ast.Compare) and any(_is_os_environ(c) for c in node.comparators):
            arg = node.left  # "NAME" in os.environ
        else:
            continue
        name = _literal(arg)
        if name is None:
            computed.append(node.lineno)
        else:
            names.add(name)
    return names, computed


def variables_read() -> set[str]:
    found: set[str] = set()
    computed: list[str] = []
    for path in _sources():
        names, lines = _env_reads(ast.parse(path.read_text(), filename=str(path)))
        found |= names
        if path != PACKAGE / "core" / "env.py":  # the helpers themselves take the name as an argument
            computed += [f"{path.relative_to(ROOT)}:{line}" for line in lines]
    assert not computed, f"environment read with a computed name (the docs test cannot see it): {computed}"
    return found


def variables_documented() -> set[str]:
    """Every `NAME` in the first column of the tables in docs/configuration.md."""
    found: set[str] = set()
    for line in DOCS.read_text().splitlines():
        if not line.startswith("|"):
            continue
        first_cell = line.strip("|").split("|", 1)[0]
        found |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return found


def test_every_variable_read_is_documented_and_every_documented_one_is_read() -> None:
    read = variables_read()
    documented = variables_documented()
    assert read == documented, (
        f"read but not in docs/configuration.md: {sorted(read - documented)}; "
        f"documented but never read: {sorted(documented - read)}"
    )


def test_the_scan_sees_the_readers_it_claims_to() -> None:
    # Guards the scanner itself: each way of reading the environment is recognised.
    source = """
import os
from broadsheet.core import env
a = env_int("A_INT", 1)
b = env.env_list("B_LIST")
c = os.environ.get("C_GET")
d = os.environ["D_ITEM"]
os.environ.setdefault("E_DEFAULT", "x")
f = os.getenv("F_GETENV")
g = "G_IN" in os.environ
h = os.environ.get(name)
"""
    names, computed = _env_reads(ast.parse(source))
    assert names == {"A_INT", "B_LIST", "C_GET", "D_ITEM", "E_DEFAULT", "F_GETENV", "G_IN"}
    assert computed == [11]


def _settings_uses(tree: ast.AST) -> tuple[set[str], list[tuple[int, str]]]:
    """BROADSHEET_* names read from django.conf.settings, and the getattr calls giving a fallback."""
    names: set[str] = set()
    fallbacks: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "settings"
        ):
            if node.attr.startswith("BROADSHEET_"):
                names.add(node.attr)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "settings"
        ):
            name = _literal(node.args[1])
            if name and name.startswith("BROADSHEET_"):
                names.add(name)
                if len(node.args) == 3:
                    fallbacks.append((node.lineno, name))
    return names, fallbacks


def test_every_setting_app_code_reads_has_its_default_in_settings() -> None:
    undefined: list[str] = []
    fallbacks: list[str] = []
    for path in _sources():
        relative = str(path.relative_to(ROOT))
        if relative.startswith("broadsheet/settings/"):
            continue
        names, found = _settings_uses(ast.parse(path.read_text(), filename=relative))
        undefined += [f"{relative}: {name}" for name in sorted(names) if not hasattr(base_settings, name)]
        if relative not in PENDING_FALLBACKS:
            fallbacks += [f"{relative}:{line} getattr(settings, {name!r}, …)" for line, name in found]
    assert not undefined, (
        f"settings read by app code but not defined in broadsheet/settings/base.py: {undefined}"
    )
    assert not fallbacks, f"a second default outside settings (read settings.NAME plainly): {fallbacks}"
