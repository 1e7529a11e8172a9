"""`broadsheet backup` and `broadsheet migrate-db`, run as the operator would, on real databases."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

BROADSHEET = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "broadsheet")
PG_SERVER = os.environ.get("PG_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# Publishes a few articles through the services (tags, an old slug, a withdrawn one), then
# prints what must survive a move: ids, slugs, URLs, tags, the slug history.
SEED = """
import datetime as dt
from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Author, Section, Tag
section = Section.objects.order_by("order").first()
author = Author.objects.create(name="Mara Quill", slug="mara-quill")
docks = Tag.objects.create(name="Docks", slug="docks")
for n in range(5):
    article = Article(
        headline=f"Harbor council votes on ferry plan {n}", dek="Fictional.",
        body="<p>The council met.</p>", section=section, author=author,
        status=Article.Status.PUBLISHED, published_at=clock.now() - dt.timedelta(hours=n),
    )
    services.save_article(article)
    article.tags.set([docks])
first = Article.objects.order_by("pk").first()
first.slug = "ferry-plan-renamed"
services.save_article(first)
"""

REPORT = """
import json
from broadsheet.newsroom.models import Article, ArticleSlugHistory
from django.contrib.auth.models import User
print(json.dumps({
    "articles": [[a.pk, a.slug, a.get_absolute_url(), a.status, a.updated_at.isoformat(),
                  sorted(a.tags.values_list("slug", flat=True))] for a in Article.objects.order_by("pk")],
    "old_slugs": sorted([h.article_id, h.slug] for h in ArticleSlugHistory.objects.all()),
    "users": sorted(User.objects.values_list("username", flat=True)),
}))
"""


def _env(
    data_dir: Path, database_url: str | None = None, settings: str = "broadsheet.settings.dev"
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "BROADSHEET_TASKS", "BROADSHEET_S3_BUCKET"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings,
            "BROADSHEET_DATA_DIR": str(data_dir),
            "BROADSHEET_ADMIN_PASSWORD": "ops-test-password-1",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(
    data_dir: Path, *args: str, database_url: str | None = None, settings: str = "broadsheet.settings.dev"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BROADSHEET, *args],
        env=_env(data_dir, database_url, settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    """What a `manage shell -c` snippet printed last (the shell announces its imports first)."""
    return ok(done).strip().splitlines()[-1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small SQLite site: migrated, default content, an admin and a few articles."""
    data_dir = tmp_path_factory.mktemp("ops") / "data"
    ok(run(data_dir, "manage", "migrate", "--verbosity", "0"))
    ok(
        run(
            data_dir,
            "manage",
            "shell",
            "-c",
            "from broadsheet.demo.defaults import ensure_defaults, ensure_admin\nensure_defaults()\nensure_admin('admin')",
        )
    )
    ok(run(data_dir, "manage", "shell", "-c", SEED))
    return data_dir


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    name = f"broadsheet_scale_ops_{os.getpid()}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{PG_SERVER.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_backup_copies_the_database_while_it_is_open(site: Path, tmp_path: Path) -> None:
    live = sqlite3.connect(site / "broadsheet.sqlite3")
    try:
        # A reader holds the database open (as a running site would) during the backup.
        live.execute("BEGIN")
        live.execute("SELECT count(*) FROM newsroom_article").fetchone()
        out = ok(run(site, "backup", str(tmp_path)))
    finally:
        live.close()
    copies = list(tmp_path.glob("broadsheet-*.sqlite3"))
    assert len(copies) == 1 and f"to {copies[0]}" in out
    copy = sqlite3.connect(copies[0])
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM newsroom_article").fetchone() == (5,)
    finally:
        copy.close()
    # The same name twice is refused, with one line and no traceback.
    again = run(site, "backup", str(copies[0]))
    assert again.returncode == 1 and again.stderr.strip().endswith("exists; choose another name")


def test_backup_of_a_postgresql_site_points_to_pg_dump(tmp_path: Path, fresh_postgres: str) -> None:
    done = run(tmp_path, "backup", database_url=fresh_postgres)
    assert done.returncode == 1
    assert "pg_dump" in done.stderr and "Traceback" not in done.stderr


def test_migrate_db_moves_a_site_to_postgresql_keeping_ids_slugs_and_urls(
    site: Path, fresh_postgres: str
) -> None:
    before = json.loads(last_line(run(site, "manage", "shell", "-c", REPORT)))
    out = ok(run(site, "migrate-db", "--to", fresh_postgres))
    assert "Copied " in out and "broadsheet search reindex" in out
    after = json.loads(last_line(run(site, "manage", "shell", "-c", REPORT, database_url=fresh_postgres)))
    assert after == before
    assert before["old_slugs"], "the seed renamed a slug, so the history has a row"

    # Sequences continue after the copied ids; the old slug still answers with a redirect.
    new_id = last_line(
        run(
            site,
            "manage",
            "shell",
            "-c",
            "from broadsheet.newsroom.models import Tag\nprint(Tag.objects.create(name='New', slug='new').pk)",
            database_url=fresh_postgres,
        )
    )
    assert int(new_id) > 1
    first_url = before["articles"][0][2]
    old_slug = before["old_slugs"][0][1]
    check = last_line(
        run(
            site,
            "manage",
            "shell",
            "-c",
            "from django.test import Client\n"
            f"old = '{first_url}'.rsplit('/', 2)[0] + '/{old_slug}/'\n"
            "c = Client()\n"
            f"print(c.get('{first_url}').status_code, c.get(old).status_code, c.get(old)['Location'])",
            database_url=fresh_postgres,
            # Pages rendered in-process need no collected static files with these settings.
            settings="broadsheet.settings.test",
        )
    )
    assert check.split() == ["200", "301", first_url]

    # A second run refuses to mix two sites in one database.
    again = run(site, "migrate-db", "--to", fresh_postgres)
    assert again.returncode == 1 and "already has content" in again.stderr


def test_migrate_db_refuses_sqlite_targets(site: Path, tmp_path: Path) -> None:
    done = run(site, "migrate-db", "--to", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    assert done.returncode == 1 and "PostgreSQL" in done.stderr
