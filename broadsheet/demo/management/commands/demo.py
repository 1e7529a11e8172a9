"""`broadsheet demo`: load the fictional demo newsroom, or generate a synthetic corpus."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.core.argtypes import positive_int


class Command(BaseCommand):
    help = "load the fictional demo newsroom, or a synthetic corpus"
    # `broadsheet init --demo` hands over the admin account it just created (in process, never
    # on a command line) so that one box shows every password at the end of the setup.
    stealth_options = ("admin_credential",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing if any article exists")
        parser.add_argument(
            "--articles", type=positive_int, help="generate N synthetic articles (for benchmarks) instead"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed for --articles (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.newsroom.models import Article

        admin = options.get("admin_credential")
        if options["if_empty"] and Article.objects.exists():
            self.stdout.write("Demo: articles already exist; nothing loaded")
            self._show_credentials([admin] if admin else [])
            return
        if options["articles"] is None:
            self._load_demo()
            self._bring_to_life(admin)
        else:
            self._generate(options["articles"], options["seed"])

    def _load_demo(self) -> None:
        from broadsheet.demo.loader import load_demo
        from broadsheet.demo.publishers import load_publishers

        started = time.perf_counter()
        result = load_demo()
        self.stdout.write(
            f"Demo: {result.created} articles created, {result.skipped} already present "
            f"({result.authors} authors, {result.tags} tags new) in {time.perf_counter() - started:.1f}s"
        )
        started = time.perf_counter()
        wire = load_publishers()
        if wire.sources:
            self.stdout.write(
                f"Demo publishers: {wire.sources} fictional sources polled from shipped files, "
                f"{wire.articles} stories aggregated ({wire.errors} errors) in "
                f"{time.perf_counter() - started:.1f}s; the sources are paused now"
            )
        # Story clusters and Top stories now, not when the worker gets to its queue and the
        # scheduler to its next refresh: the home page should show them on the first visit
        # (through the discovery command: demo does not import discovery).
        call_command("discovery", "cluster", stdout=self.stdout._out, stderr=self.stderr._out)
        call_command("discovery", "refresh", stdout=self.stdout._out, stderr=self.stderr._out)

    def _bring_to_life(self, admin: Any) -> None:
        from broadsheet.demo.life import bring_to_life

        started = time.perf_counter()
        result = bring_to_life()
        for line in result.summary():
            self.stdout.write(line)
        self.stdout.write(f"  (accounts, desk, history and readers in {time.perf_counter() - started:.1f}s)")
        self._show_credentials(([admin] if admin else []) + result.credentials)

    def _show_credentials(self, credentials: list[Any]) -> None:
        from django.conf import settings

        from broadsheet.demo.accounts import credentials_box

        if not credentials:
            self.stdout.write("Sign-in accounts: already created (their passwords were shown then)")
            return
        sign_in = str(settings.BROADSHEET_SITE_URL).rstrip("/") + "/admin/"
        self.stdout.write("\n".join(["", *credentials_box(credentials, sign_in), ""]))

    def _generate(self, articles: int, seed: int) -> None:
        from broadsheet.demo.analyze import analyze
        from broadsheet.demo.corpus import generate_corpus

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done:,}/{total:,} articles")
            self.stdout.flush()

        self.stdout.write(f"Generating {articles:,} synthetic articles (seed {seed})")
        self.stdout.flush()
        corpus = generate_corpus(articles, seed=seed, progress=progress)
        rate = corpus.created / corpus.seconds * 60 if corpus.seconds else 0.0
        self.stdout.write(
            f"Created {corpus.created:,} articles in {corpus.seconds:.1f}s ({rate:,.0f} articles/minute)"
        )
        self.stdout.write(f"Database statistics refreshed in {analyze():.1f}s")
        # The corpus was bulk-inserted without the publish signal, so search learns of it here
        # (through the search command: demo does not import search).
        try:
            call_command("search", "reindex", stdout=self.stdout._out, stderr=self.stderr._out)
        except CommandError as exc:
            self.stdout.write(f"Search: not rebuilt ({exc}); run `broadsheet search reindex` later")
