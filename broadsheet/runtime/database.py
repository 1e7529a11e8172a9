"""Moving and keeping a site's data: the work of `broadsheet backup` and `broadsheet migrate-db`.

`backup` copies the SQLite database with SQLite's online backup API, so the site can keep
serving (and writing) while it runs; PostgreSQL sites use pg_dump (docs/deploy.md).
`migrate-db` copies every row of the current database into a new, empty one (PostgreSQL),
keeping primary keys (so ids, slugs and URLs stay the same) and resetting the sequences so
new rows continue after the copied ones.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

TARGET_ALIAS = "migrate_target"
# Rows read, serialised and written per round while copying a table.
COPY_BATCH = 500
# Pages copied per step of an online backup; between steps other connections may write.
BACKUP_PAGES_PER_STEP = 1024


# -- backup ------------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] != "django.db.backends.sqlite3":
        raise CommandError(
            "backup copies SQLite databases; for PostgreSQL use pg_dump (see docs/deploy.md, Backups)"
        )
    return Path(settings_dict["NAME"])


def backup_destination(dest: str | None, now: dt.datetime) -> Path:
    from django.conf import settings

    name = f"broadsheet-{now:%Y%m%d-%H%M%S}.sqlite3"
    if dest is None:
        return Path(settings.DATA_DIR) / "backups" / name
    path = Path(dest)
    return path / name if path.is_dir() else path


def backup(dest: str | None, say: Callable[[str], None]) -> int:
    source = _sqlite_path()
    if not source.is_file():
        raise CommandError(f"no database at {source} (has `broadsheet init` run?)")
    target = backup_destination(dest, dt.datetime.now())
    if target.exists():
        raise CommandError(f"{target} exists; choose another name")
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    partial = target.with_name(f".{target.name}.partial")
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.execute("PRAGMA busy_timeout=10000")
        src.backup(dst, pages=BACKUP_PAGES_PER_STEP)
        (verdict,) = dst.execute("PRAGMA quick_check").fetchone()
    src.close()
    dst.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise CommandError(f"the copy failed its check ({verdict}); nothing was written")
    partial.rename(target)
    size = target.stat().st_size / 1_000_000
    say(f"Backed up {source} to {target} ({size:.1f} MB in {time.perf_counter() - started:.1f}s)")
    say("Media files are not in it: copy the data directory's media/ folder as well.")
    return 0


# -- migrate-db --------------------------------------------------------------------------------


def _target_config(url: str) -> dict[str, Any]:
    import dj_database_url
    from django.db import connections

    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as exc:
        raise CommandError(f"--to: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        raise CommandError("--to must name a PostgreSQL database (postgres://user@host:port/name)")
    # Fill in what Django expects of every database alias (TIME_ZONE, OPTIONS, …).
    base = dict(connections["default"].settings_dict)
    for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
        base[key] = config.get(key, "")
    base["OPTIONS"] = config.get("OPTIONS", {})
    base["CONN_MAX_AGE"] = 0
    base["CONN_HEALTH_CHECKS"] = False
    base["TEST"] = {}
    return base


def copyable_models() -> list[Any]:
    """Every concrete model, in dependency order, as dumpdata would write them."""
    from django.apps import apps
    from django.core import serializers

    ordered = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()])
    return [m for m in ordered if m._meta.managed and not m._meta.proxy]


def _batches(model: Any) -> Iterator[list[Any]]:
    queryset = model._base_manager.using("default").order_by("pk")
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        rows = list(page[:COPY_BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def migrate_db(url: str, say: Callable[[str], None]) -> int:
    from django.apps import apps
    from django.core import serializers
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import DatabaseError, connections, transaction

    # By label: the runtime imports no app.
    user, article = apps.get_model("auth", "User"), apps.get_model("newsroom", "Article")
    connections.databases[TARGET_ALIAS] = _target_config(url)
    target = connections[TARGET_ALIAS]
    started = time.perf_counter()
    try:
        target.ensure_connection()
    except DatabaseError as exc:
        raise CommandError(
            f"cannot connect to the target database: {str(exc).strip().splitlines()[0]}"
        ) from exc
    say("Creating the tables in the target database")
    call_command("migrate", database=TARGET_ALIAS, interactive=False, verbosity=0)
    if article.objects.using(TARGET_ALIAS).exists() or user.objects.using(TARGET_ALIAS).exists():
        raise CommandError("the target database already has content; migrate-db only fills an empty one")

    models = copyable_models()
    counts: dict[str, int] = {}
    # One transaction: PostgreSQL checks foreign keys at commit, so table order and
    # self-references do not matter, and a failure leaves the target empty.
    with transaction.atomic(using=TARGET_ALIAS):
        from django.contrib.contenttypes.models import ContentType

        # `migrate` created content types and permissions with ids of its own; the copied
        # rows (admin history, permissions) refer to the source's ids.
        ContentType.objects.using(TARGET_ALIAS).all().delete()
        for model in models:
            label = model._meta.label
            copied = 0
            for rows in _batches(model):
                payload = serializers.serialize("python", rows)
                for item in serializers.deserialize("python", payload, using=TARGET_ALIAS):
                    item.save(using=TARGET_ALIAS)  # raw save: keeps pk and auto_now values
                copied += len(rows)
            counts[label] = copied
            if copied:
                say(f"  {label}: {copied:,}")
        with target.cursor() as cursor:
            for statement in target.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    for model in models:
        found = model._base_manager.using(TARGET_ALIAS).count()
        if found != counts[model._meta.label]:
            raise CommandError(
                f"{model._meta.label}: {counts[model._meta.label]} rows copied but {found} found"
            )
    total = sum(counts.values())
    say(f"Copied {total:,} rows in {time.perf_counter() - started:.1f}s.")
    say(
        "Next: set DATABASE_URL to the new database, run `broadsheet search reindex` on every "
        "web node, and keep the SQLite file as a backup."
    )
    return 0
