"""One-shot CLI commands: init, demo and search reindex (Django is set up before they run)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from broadsheet.cli.errors import CliError
from broadsheet.runtime.processes import collect_static


def _progress_printer(label: str) -> Callable[[int], None]:
    def progress(done: int, total: int | None = None) -> None:
        if total:
            print(f"  {label} {done:,}/{total:,}", flush=True)
        else:
            print(f"  {label} {done:,}", flush=True)

    return progress


def init() -> int:
    from broadsheet.demo.defaults import ensure_admin, ensure_defaults

    data_dir = Path(settings.DATA_DIR)
    for directory in (data_dir, Path(settings.MEDIA_ROOT), Path(settings.BROADSHEET_SEARCH_DIR)):
        directory.mkdir(parents=True, exist_ok=True)
    print(f"Data directory: {data_dir}")
    call_command("migrate", interactive=False, verbosity=0)
    print("Database: migrations applied")
    collect_static()
    print(f"Static files: collected into {settings.STATIC_ROOT}")

    created = ensure_defaults()
    print(
        f"Default content: {len(created['sections'])} sections, {len(created['pages'])} pages created"
        + (", site settings filled" if created["site_settings"] else "")
    )
    username = settings.BROADSHEET_ADMIN_USER
    given = settings.BROADSHEET_ADMIN_PASSWORD or None
    password = ensure_admin(username, given)
    if password is None:
        print(f"Admin account: '{username}' already exists (password unchanged)")
    elif given:
        print(f"Admin account: created '{username}' with the password from BROADSHEET_ADMIN_PASSWORD")
    else:
        print(f"Admin account: created '{username}' with password {password}")
        print("  (shown only this once: note it now, or change it with `broadsheet manage changepassword`)")
    _analyze()
    return 0


def demo(*, if_empty: bool, articles: int | None, seed: int) -> int:
    from broadsheet.newsroom.models import Article

    if if_empty and Article.objects.exists():
        print("Demo: articles already exist; nothing loaded")
        return 0
    if articles is None:
        from broadsheet.demo.loader import load_demo

        started = time.perf_counter()
        result = load_demo()
        print(
            f"Demo: {result.created} articles created, {result.skipped} already present "
            f"({result.authors} authors, {result.tags} tags new) in {time.perf_counter() - started:.1f}s"
        )
        return 0

    from broadsheet.demo.corpus import generate_corpus

    def progress(done: int, total: int) -> None:
        print(f"  {done:,}/{total:,} articles", flush=True)

    print(f"Generating {articles:,} synthetic articles (seed {seed})", flush=True)
    corpus = generate_corpus(articles, seed=seed, progress=progress)
    rate = corpus.created / corpus.seconds * 60 if corpus.seconds else 0.0
    print(f"Created {corpus.created:,} articles in {corpus.seconds:.1f}s ({rate:,.0f} articles/minute)")
    _analyze()
    # The corpus was bulk-inserted without the publish signal, so search learns of it here.
    _rebuild_search(required=False)
    return 0


def _analyze() -> None:
    """Refresh the query planner's statistics after a bulk load. Without them SQLite turned
    search's ten primary-key lookups into a scan of a million rows (bench/RESULTS.md)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    print(f"Database statistics refreshed in {time.perf_counter() - started:.1f}s")


def search_reindex() -> int:
    _rebuild_search(required=True)
    return 0


def _rebuild_search(*, required: bool) -> None:
    """Rebuild the search index; `required` only decides whether a failure is fatal."""
    from broadsheet.search.errors import SearchError

    # Through the replica, so this node's follower goes on from the rebuilt index.
    from broadsheet.search.replica import rebuild_replica as rebuild

    started = time.perf_counter()
    try:
        count = rebuild(progress=_progress_printer("indexed"))
    except SearchError as exc:
        if required:
            raise CliError(f"search index: {exc}") from exc
        print(f"Search: not rebuilt ({exc}); run `broadsheet search reindex` later")
        return
    seconds = time.perf_counter() - started
    print(f"Search: indexed {count:,} articles in {seconds:.1f}s")
