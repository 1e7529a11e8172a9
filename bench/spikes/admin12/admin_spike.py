"""Issue #12 spike: Wagtail 8 snippets (route A) vs Django admin + django-reversion (route B)
for the article list, search, filter and edit page at 1,000,000 articles.

Usage (from the directory holding this file; one venv per route, Django as in requirements.lock):

    python3 -m venv venv_a && venv_a/bin/pip install wagtail==8.0.1 Django==5.2.19 'psycopg[binary]==3.3.9'
    python3 -m venv venv_b && venv_b/bin/pip install Django==5.2.19 django-reversion \
        django-reversion-compare Willow Pillow 'psycopg[binary]==3.3.9'

    venv_a/bin/python admin_spike.py --route a --db sqlite build     # write project, migrate, fill 1M
    venv_a/bin/python admin_spike.py --route a --db sqlite measure --variant stock
    venv_a/bin/python admin_spike.py --route a --db sqlite measure --variant tuned
    venv_a/bin/python admin_spike.py --route a --db pg build         # PostgreSQL database spike12_a
    venv_b/bin/python admin_spike.py --route b --db pg all           # build + both variants
    venv_b/bin/python admin_spike.py --route b --db sqlite shell     # a Django shell on that project
    venv_b/bin/python admin_spike.py --route b --db pg search-index  # add pg_trgm indexes, then
    venv_b/bin/python admin_spike.py --route b --db pg --variant tuned --out results_trgm.jsonl \
        measure --only list_search_common list_search_rare
    ./run_measure.sh                                                 # measure all 8 combinations
    python3 summarize.py                                             # markdown tables of results.jsonl

Options: --rows N (default 1,000,000), --runs N (timed runs after one warm-up, default 5),
--out FILE (JSON lines appended, default results.jsonl), --only PAGE... (a subset of pages).
PostgreSQL: 127.0.0.1:5432 as user postgres (trust), or SPIKE_PG_HOST; databases spike12_a/_b.
Run heavy steps under `nice -n 19` on a shared machine.
Environment: SPIKE_EDIT_LIGHT=1 (route a: edit form without the tags and author <select>s),
SPIKE_CSP_SETTINGS=1 (route a: Gravatar and Wagtail's release check off, for csp_check.py).
Output: one JSON line per build or measure in --out: per page the median wall and CPU ms, the
query count and SQL ms, every COUNT query (full / filtered / capped), the 3 slowest queries,
what in the HTML a no-'unsafe-inline' CSP would block, and the machine's load average.

What it builds: a throwaway project under ./proj_<route>/ with an app `spikeapp` holding
Section, Author, Tag and an Article shaped like broadsheet.newsroom.models.Article.
  route a: Article = WorkflowMixin + DraftStateMixin + LockableMixin + RevisionMixin +
           PreviewableMixin + ClusterableModel (tags as ParentalManyToManyField), registered as a
           Wagtail snippet (SnippetViewSet); each article gets one revision row, as saving
           through Wagtail's admin would leave it.
  route b: plain Article under django.contrib.admin with reversion_compare.CompareVersionAdmin.
Variants: `stock` = the framework's paginator (exact COUNT of the listed queryset); route b
          keeps Broadsheet's date_hierarchy and show_full_result_count=False.
          `tuned` = Broadsheet's CappedPaginator (count stops at 10,001 rows); route a adds
          select_related of section/author; route b drops date_hierarchy for a date filter
          (its year list is a SELECT DISTINCT over every row), turns facets off and defers body.
Rows are inserted with one INSERT ... SELECT over a recursive CTE (SQLite) or
generate_series (PostgreSQL), never the ORM row by row. Timings use the Django test client
logged in as a superuser: one warm-up, then the median of --runs; the query list comes from a
separate run under CaptureQueriesContext. A "full COUNT" is a COUNT over the article table
with neither WHERE nor LIMIT.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
N_SECTIONS, N_AUTHORS, N_TAGS = 20, 200, 500
BASE_TIME = "2026-12-01 00:00:00"  # published_at of article 1; article g is g*300 s older
WORDS = [
    "council",
    "harbour",
    "budget",
    "school",
    "transit",
    "court",
    "election",
    "storm",
    "museum",
    "stadium",
    "bridge",
    "housing",
    "market",
    "hospital",
    "festival",
    "library",
    "airport",
    "river",
    "police",
    "park",
    "tax",
    "water",
    "union",
    "mayor",
    "senate",
    "theatre",
    "factory",
    "vaccine",
    "ferry",
    "border",
    "climate",
    "farm",
]
BODY = (
    "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 8 + "</p>"
) * 2

# ---------------------------------------------------------------------------------------------
# The throwaway project, written to ./proj_<route>/

COMMON_FIELDS = """
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    dek = models.TextField("standfirst", blank=True)
    body = models.TextField(blank=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    byline = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    language = models.CharField(max_length=12, default="en")
    is_sticky = models.BooleanField("sticky", default=False)
    lead_image = models.ImageField(upload_to="lead/%Y/%m/", blank=True)
    lead_image_url = models.URLField(max_length=1000, blank=True)
    lead_image_width = models.PositiveIntegerField(null=True, blank=True)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True)
    lead_image_alt = models.CharField(max_length=300, blank=True)
    lead_image_caption = models.CharField(max_length=500, blank=True)
    lead_image_credit = models.CharField(max_length=200, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    source_home_url = models.URLField(max_length=1000, blank=True)
    canonical_url = models.URLField(max_length=1000, null=True, blank=True)
    fingerprint = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_pub_idx"),
            models.Index(fields=["published_at"], name="article_published_at_idx"),
            models.Index(fields=["section", "status", "published_at"], name="article_section_idx"),
            models.Index(fields=["author", "status", "published_at"], name="article_author_idx"),
            models.Index(fields=["fingerprint"], name="article_fingerprint_idx"),
            models.Index(fields=["created_at"], name="article_created_at_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["canonical_url"], name="article_canonical_url_unique")]

    def __str__(self):
        return self.headline
"""

MODELS_HEAD = """
from django.db import models
{extra_imports}

class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    in_menu = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

"""

MODELS_A = (
    MODELS_HEAD.format(
        extra_imports=textwrap.dedent("""
        from django.contrib.contenttypes.fields import GenericRelation
        from modelcluster.fields import ParentalManyToManyField
        from modelcluster.models import ClusterableModel
        from wagtail.models import (DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin,
                                    WorkflowMixin)
    """)
    )
    + """
class Article(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, ClusterableModel):
    tags = ParentalManyToManyField(Tag, blank=True, related_name="articles")
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="article")
    _workflow_states = GenericRelation(
        "wagtailcore.WorkflowState", content_type_field="base_content_type",
        object_id_field="object_id", related_query_name="article", for_concrete_model=False,
    )
"""
    + COMMON_FIELDS
    + """
    @property
    def revisions(self):
        return self._revisions

    @property
    def workflow_states(self):
        return self._workflow_states

    def get_preview_template(self, request, mode_name):
        return "spikeapp/preview.html"
"""
)

MODELS_B = (
    MODELS_HEAD.format(extra_imports="")
    + """
class Article(models.Model):
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
"""
    + COMMON_FIELDS
)

PAGINATION = '''
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """broadsheet/newsroom/admin/pagination.py: count a sliced queryset, stop at cap + 1."""
    cap = 10_000

    @cached_property
    def _bounded_count(self):
        ol = self.object_list
        if hasattr(ol, "order_by"):
            return int(ol.order_by()[: self.cap + 1].count())
        return len(ol[: self.cap + 1])

    @cached_property
    def count(self):
        return min(self._bounded_count, self.cap)
'''

# Wagtail's paginator adds labels; keep them on the capped one.
WAGTAIL_HOOKS = """
import os

from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from .models import Article
from .pagination import CappedPaginator

TUNED = os.environ.get("SPIKE_VARIANT") == "tuned"


class CappedWagtailPaginator(CappedPaginator, WagtailPaginator):
    pass


class ArticleIndexView(IndexView):
    if TUNED:
        paginator_class = CappedWagtailPaginator


class ArticleViewSet(SnippetViewSet):
    model = Article
    index_view_class = ArticleIndexView
    list_display = ["headline", "section", "author", "status", "published_at", UpdatedAtColumn()]
    list_filter = ["section", "status", "author"]
    search_fields = ["headline", "dek", "slug"]
    list_per_page = 50
    if os.environ.get("SPIKE_EDIT_LIGHT"):
        # How much of the edit page is the 500-option tags and 200-option author <select>s.
        exclude_form_fields = ["tags", "author"]

    def get_queryset(self, request):
        if TUNED:
            return Article.objects.select_related("section", "author")
        return None


register_snippet(ArticleViewSet)
"""

ADMIN_B = """
import os

from django.contrib import admin
from reversion_compare.admin import CompareVersionAdmin

from .models import Article, Author, Section, Tag
from .pagination import CappedPaginator

TUNED = os.environ.get("SPIKE_VARIANT") == "tuned"


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(CompareVersionAdmin):
    list_display = ("headline", "section", "author", "status", "published_at", "updated_at")
    list_filter = ("section", "status", "author")
    date_hierarchy = "published_at"
    search_fields = ("headline", "dek", "slug")
    list_select_related = ("section", "author")
    list_per_page = 50
    autocomplete_fields = ("author", "tags")
    show_full_result_count = False
    if TUNED:
        paginator = CappedPaginator
        show_facets = admin.ShowFacets.NEVER
        # date_hierarchy lists its years with SELECT DISTINCT DATE_TRUNC over every matching
        # row; a plain range filter on the indexed column costs nothing.
        date_hierarchy = None
        list_filter = ("section", "status", "author", ("published_at", admin.DateFieldListFilter))

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.defer("body") if TUNED else qs
"""

URLS_A = """
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [path("admin/", include(wagtailadmin_urls))]
"""

URLS_B = """
from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
"""

CSP_MW = '''
CSP = ("default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; connect-src 'self'")


class CSPMiddleware:
    """Broadsheet's public policy (broadsheet/site/middleware.py), on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response
'''


def settings_dict(route: str, db: str) -> dict:
    if db == "sqlite":
        (HERE / "data").mkdir(exist_ok=True)
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(HERE / "data" / f"spike12_{route}.sqlite3"),
        }
    else:
        database = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": f"spike12_{route}",
            "USER": "postgres",
            "HOST": os.environ.get("SPIKE_PG_HOST", "127.0.0.1"),
            "PORT": "5432",
        }
    apps = [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
    ]
    if route == "a":
        apps = [
            "wagtail.users",
            "wagtail.snippets",
            "wagtail.documents",
            "wagtail.images",
            "wagtail.search",
            "wagtail.admin",
            "wagtail",
            "modelcluster",
            "taggit",
            "django_filters",
            *apps,
        ]
    else:
        apps = [*apps, "reversion", "reversion_compare"]
    return dict(
        DEBUG=False,
        SECRET_KEY="spike",
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=[*apps, "spikeapp"],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "spikeapp.csp.CSPMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        ROOT_URLCONF="spikeapp.urls",
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.debug",
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        DATABASES={"default": database},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
        TIME_ZONE="UTC",
        STATIC_URL="/static/",
        STATIC_ROOT=str(HERE / f"proj_{route}" / "static"),
        MEDIA_URL="/media/",
        MEDIA_ROOT=str(HERE / f"proj_{route}" / "media"),
        WAGTAIL_SITE_NAME="spike",
        WAGTAILADMIN_BASE_URL="http://testserver",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LOGGING_CONFIG=None,
        # SPIKE_CSP_SETTINGS=1: Wagtail's two off-site fetches switched off (csp_check.py).
        **(
            {"WAGTAIL_GRAVATAR_PROVIDER_URL": None, "WAGTAIL_ENABLE_UPDATE_CHECK": False}
            if os.environ.get("SPIKE_CSP_SETTINGS")
            else {}
        ),
    )


def write_project(route: str) -> Path:
    proj = HERE / f"proj_{route}"
    app = proj / "spikeapp"
    (app / "migrations").mkdir(parents=True, exist_ok=True)
    (app / "templates" / "spikeapp").mkdir(parents=True, exist_ok=True)
    files = {
        "__init__.py": "",
        "migrations/__init__.py": "",
        "models.py": MODELS_A if route == "a" else MODELS_B,
        "pagination.py": PAGINATION,
        "csp.py": CSP_MW,
        "urls.py": URLS_A if route == "a" else URLS_B,
        "templates/spikeapp/preview.html": "<h1>{{ object.headline }}</h1>{{ object.body|safe }}",
    }
    files["wagtail_hooks.py" if route == "a" else "admin.py"] = WAGTAIL_HOOKS if route == "a" else ADMIN_B
    for name, text in files.items():
        target = app / name
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    return proj


def setup_django(route: str, db: str, variant: str = "stock") -> None:
    proj = write_project(route)
    sys.path.insert(0, str(proj))
    os.environ["SPIKE_VARIANT"] = variant
    import django
    from django.conf import settings

    settings.configure(**settings_dict(route, db))
    django.setup()


# ---------------------------------------------------------------------------------------------
# Filling: plain SQL, one statement per table.


def sql_fill(route: str, db: str, rows: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from spikeapp.models import Article

    pg = db == "pg"
    t0 = time.perf_counter()
    steps = {}
    cur = connection.cursor()
    if not pg:
        cur.execute("PRAGMA journal_mode=OFF")
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-400000")

    def run(label, sql, params=None):
        s = time.perf_counter()
        cur.execute(sql, params)
        steps[label] = round(time.perf_counter() - s, 1)
        print(f"  {label}: {steps[label]} s", flush=True)

    def series(n):  # a row source x = 1..n
        if pg:
            return f"generate_series(1, {n}) AS c(x)"
        return f"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c) AS c"

    words = "', '".join(WORDS)
    if pg:
        word = lambda expr: f"(ARRAY['{words}'])[1 + ({expr}) % {len(WORDS)}]"  # noqa: E731
        ts = lambda secs: f"(TIMESTAMPTZ '{BASE_TIME}+00' - make_interval(secs => {secs}))"  # noqa: E731
        cast_text = lambda e: f"CAST({e} AS TEXT)"  # noqa: E731
        tru, fal = "TRUE", "FALSE"
    else:
        # json_array(...)->>n picks a word in SQLite (3.38+)
        word = lambda expr: f"(json_array('{words}') ->> (({expr}) % {len(WORDS)}))"  # noqa: E731
        ts = lambda secs: f"strftime('%Y-%m-%d %H:%M:%S', '{BASE_TIME}', '-' || ({secs}) || ' seconds')"  # noqa: E731
        cast_text = lambda e: f"CAST({e} AS TEXT)"  # noqa: E731
        tru, fal = "1", "0"

    run(
        "sections",
        f'INSERT INTO spikeapp_section (id, name, slug, description, "order", in_menu) '
        f"SELECT x, 'Section ' || x, 'section-' || x, '', x, {tru} FROM {series(N_SECTIONS)}",
    )
    run(
        "authors",
        f"INSERT INTO spikeapp_author (id, name, slug, bio) "
        f"SELECT x, 'Author ' || x, 'author-' || x, '' FROM {series(N_AUTHORS)}",
    )
    run(
        "tags",
        f"INSERT INTO spikeapp_tag (id, name, slug) SELECT x, 'tag ' || x, 'tag-' || x FROM {series(N_TAGS)}",
    )

    status = "(CASE WHEN x % 50 = 0 THEN 'withdrawn' WHEN x % 50 < 5 THEN 'draft' ELSE 'published' END)"
    # Articles 1..100 are scheduled: published_at in the future.
    published_at = f"(CASE WHEN x <= 100 THEN {ts('(x - 101) * 600')} ELSE {ts('x * 300')} END)"
    headline = (
        f"initcap({word('x')}) || ' ' || {word('x / 7')} || ' ' || {word('x / 53')} || ' report ' || x"
        if pg
        else f"{word('x')} || ' ' || {word('x / 7')} || ' ' || {word('x / 53')} || ' report ' || x"
    )
    cols = {
        "id": "x",
        "headline": headline,
        "slug": "'story-' || x",
        "dek": f"'What the ' || {word('x / 3')} || ' decision means for the ' || {word('x / 11')} || ' (' || x || ').'",
        "body": f"'{BODY}' || x",
        "section_id": f"1 + x % {N_SECTIONS}",
        "author_id": f"1 + x % {N_AUTHORS}",
        "byline": "''",
        "status": status,
        "published_at": published_at,
        "created_at": ts("x * 300"),
        "updated_at": ts("x * 300"),
        "language": "'en'",
        "is_sticky": fal,
        "lead_image": "''",
        "lead_image_url": "''",
        "lead_image_alt": "''",
        "lead_image_caption": "''",
        "lead_image_credit": "''",
        "source_name": "(CASE WHEN x % 2 = 0 THEN 'Wire ' || (x % 97) ELSE '' END)",
        "source_home_url": "(CASE WHEN x % 2 = 0 THEN 'https://wire' || (x % 97) || '.example' ELSE '' END)",
        "canonical_url": "(CASE WHEN x % 2 = 0 THEN 'https://wire.example/s/' || x ELSE NULL END)",
        "fingerprint": "(x * 2654435761) % 4611686018427387903",
    }
    if route == "a":
        live = f"({status} = 'published')"
        cols.update(
            {
                "live": live if pg else f"CASE WHEN {live} THEN 1 ELSE 0 END",
                "has_unpublished_changes": fal,
                "first_published_at": f"CASE WHEN {live} THEN {published_at} END",
                "last_published_at": f"CASE WHEN {live} THEN {published_at} END",
                "live_revision_id": f"CASE WHEN {live} THEN x END",
                "latest_revision_id": "x",
                "expired": fal,
                "locked": fal,
            }
        )
        ct = ContentType.objects.get_for_model(Article)
        content = (
            f"json_build_object('pk', x, 'headline', {headline}, 'slug', 'story-' || x, 'body', '{BODY}' || x, "
            f"'section', 1 + x % {N_SECTIONS}, 'author', 1 + x % {N_AUTHORS}, 'status', {status})"
            if pg
            else f"json_object('pk', x, 'headline', {headline}, 'slug', 'story-' || x, 'body', '{BODY}' || x, "
            f"'section', 1 + x % {N_SECTIONS}, 'author', 1 + x % {N_AUTHORS}, 'status', {status})"
        )
        run(
            "revisions",
            f"INSERT INTO wagtailcore_revision (id, content_type_id, base_content_type_id, object_id, "
            f"created_at, object_str, content) SELECT x, {ct.pk}, {ct.pk}, {cast_text('x')}, {ts('x * 300')}, "
            f"{headline}, {content} FROM {series(rows)}",
        )
    names = ", ".join(f'"{c}"' for c in cols)
    run(
        "articles",
        f"INSERT INTO spikeapp_article ({names}) SELECT {', '.join(cols.values())} FROM {series(rows)}",
    )
    run(
        "article_tags",
        f"INSERT INTO spikeapp_article_tags (article_id, tag_id) "
        f"SELECT x, 1 + x % {N_TAGS} FROM {series(rows)} UNION ALL "
        f"SELECT x, 1 + (x / 3 + 7) % {N_TAGS} FROM {series(rows)} WHERE (x / 3 + 7) % {N_TAGS} <> x % {N_TAGS}",
    )
    if pg:
        for table in (
            "spikeapp_section",
            "spikeapp_author",
            "spikeapp_tag",
            "spikeapp_article",
            "spikeapp_article_tags",
            *(["wagtailcore_revision"] if route == "a" else []),
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        connection.commit() if not connection.get_autocommit() else None
        old = connection.get_autocommit()
        connection.set_autocommit(True)
        run("vacuum_analyze", "VACUUM ANALYZE")
        connection.set_autocommit(old)
    else:
        run("analyze", "ANALYZE")
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.com", "admin")
    steps["total"] = round(time.perf_counter() - t0, 1)
    return steps


def make_history(route: str) -> None:
    """Two saved versions of the article the edit page opens, through each route's own API."""
    from django.contrib.auth import get_user_model
    from spikeapp.models import Article

    user = get_user_model().objects.get(username="admin")
    art = Article.objects.get(pk=edit_pk())
    if route == "a":
        art.headline += " (edited)"
        art.save_revision(user=user)
        art.headline += " again"
        art.save_revision(user=user)
    else:
        import reversion

        for suffix in (" (edited)", " again"):
            with reversion.create_revision():
                art.headline += suffix
                art.save()
                reversion.set_user(user)


def edit_pk() -> int:
    """The article the edit page opens: the middle one."""
    return int(os.environ.get("SPIKE_ROWS", "1000000")) // 2


def build(args) -> None:
    setup_django(args.route, args.db)
    from django.core.management import call_command
    from django.db import connection

    if args.db == "pg":
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", f"spike12_{args.route}"],
            check=True,
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", f"spike12_{args.route}"], check=True)
    else:
        Path(settings_db_name(args)).unlink(missing_ok=True)
    mig = HERE / f"proj_{args.route}" / "spikeapp" / "migrations" / "0001_initial.py"
    if not mig.exists():
        call_command("makemigrations", "spikeapp", verbosity=1)
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = round(time.perf_counter() - t, 1)
    tables = connection.introspection.table_names()
    print(f"migrate: {migrate_s} s, {len(tables)} tables", flush=True)
    steps = sql_fill(args.route, args.db, args.rows)
    make_history(args.route)
    size = db_size(args)
    record(
        args,
        {"kind": "build", "migrate_s": migrate_s, "tables": len(tables), "fill": steps, "db_bytes": size},
    )


def search_index(args) -> None:
    """PostgreSQL only: trigram GIN indexes matching the SQL of Django's icontains
    (UPPER(col::text) LIKE UPPER('%term%')), so admin search stops scanning the table."""
    setup_django(args.route, args.db)
    from django.db import connection

    assert args.db == "pg", "trigram indexes are PostgreSQL's; SQLite would need FTS5"
    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for col in ("headline", "dek", "slug"):
            t = time.perf_counter()
            cur.execute(
                f"CREATE INDEX IF NOT EXISTS article_{col}_trgm ON spikeapp_article "
                f"USING gin (UPPER({col}::text) gin_trgm_ops)"
            )
            print(f"  trigram index on {col}: {time.perf_counter() - t:.1f} s", flush=True)
        cur.execute("ANALYZE spikeapp_article")


def settings_db_name(args) -> str:
    return str(HERE / "data" / f"spike12_{args.route}.sqlite3")


def db_size(args) -> int:
    from django.db import connection

    if args.db == "pg":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database())")
            return int(cur.fetchone()[0])
    return Path(settings_db_name(args)).stat().st_size


# ---------------------------------------------------------------------------------------------
# Measuring

COUNT_RE = re.compile(r"COUNT\(", re.I)


def classify(sql: str) -> str | None:
    if not COUNT_RE.search(sql):
        return None
    if "spikeapp_article" not in sql:
        return "other"
    if re.search(r"\bLIMIT\b", sql, re.I):
        return "capped"
    if not re.search(r"\bWHERE\b", sql, re.I):
        return "full"
    return "filtered"


def pages(route: str) -> dict[str, str]:
    if route == "a":
        base = "/admin/snippets/spikeapp/article/"
        return {
            "list": base,
            "list_search_common": base + "?q=harbour",
            "list_search_rare": base + "?q=report+777777",
            "list_filter_section": base + "?section=3",
            "list_filter_status": base + "?status=draft",
            "list_page_20": base + "?p=20",
            "edit": base + f"edit/{edit_pk()}/",
            "history": base + f"history/{edit_pk()}/",
            "compare": base
            + "history/{pk}/revisions/compare/{r1}...{r2}/".format(pk=edit_pk(), **revision_ids("a")),
        }
    base = "/admin/spikeapp/article/"
    return {
        "list": base,
        "list_search_common": base + "?q=harbour",
        "list_search_rare": base + "?q=report+777777",
        "list_filter_section": base + "?section__id__exact=3",
        "list_filter_status": base + "?status__exact=draft",
        "list_page_20": base + "?p=20",
        "edit": base + f"{edit_pk()}/change/",
        "history": base + f"{edit_pk()}/history/",
        "compare": base
        + "{pk}/history/compare/?version_id2={r2}&version_id1={r1}".format(pk=edit_pk(), **revision_ids("b")),
    }


def revision_ids(route: str) -> dict:
    """The two revisions make_history() saved for the edited article."""
    if route == "a":
        from wagtail.models import Revision

        ids = list(
            Revision.objects.filter(object_id=str(edit_pk())).order_by("-id").values_list("id", flat=True)[:2]
        )
    else:
        from reversion.models import Version

        ids = list(
            Version.objects.filter(object_id=str(edit_pk())).order_by("-id").values_list("id", flat=True)[:2]
        )
    return {"r1": ids[-1], "r2": ids[0]}


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I
)


def csp_scan(html: str) -> dict:
    """What in this HTML Broadsheet's CSP (no 'unsafe-inline') would block."""
    return {
        "inline_script_tags": len(INLINE_SCRIPT.findall(html)),
        "style_attrs": len(re.findall(r"\sstyle=\"", html)),
        "style_tags": len(re.findall(r"<style[\s>]", html, re.I)),
        "on_handlers": len(re.findall(r"\son[a-z]+=\"", html)),
        "javascript_urls": len(re.findall(r"href=\"javascript:", html, re.I)),
    }


def measure(args) -> None:
    setup_django(args.route, args.db, args.variant)
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    out = {}
    for name, url in pages(args.route).items():
        if args.only and name not in args.only:
            continue
        r = client.get(url)  # warm
        assert r.status_code == 200, (url, r.status_code, r.content[:500])
        times, cpu = [], []
        for _ in range(args.runs):
            t, c = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            r = client.get(url)
            captured_ms = (time.perf_counter() - t) * 1000
        qs = ctx.captured_queries
        kinds = [classify(q["sql"]) for q in qs]
        counts = [(k, float(q["time"]) * 1000, q["sql"][:300]) for k, q in zip(kinds, qs, strict=True) if k]
        html = r.content.decode()
        slow = sorted(qs, key=lambda q: -float(q["time"]))[:3]
        out[name] = {
            "url": url,
            "median_ms": round(statistics.median(times), 1),
            "cpu_ms": round(statistics.median(cpu), 1),  # this process only: not PostgreSQL's
            "min_ms": round(min(times), 1),
            "max_ms": round(max(times), 1),
            "queries": len(qs),
            "sql_ms": round(sum(float(q["time"]) for q in qs) * 1000, 1),
            "captured_run_ms": round(captured_ms, 1),
            "full_count": sum(1 for k in kinds if k == "full"),
            "counts": [{"kind": k, "ms": round(ms, 1), "sql": s} for k, ms, s in counts],
            "slowest": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:400]} for q in slow],
            "html_bytes": len(r.content),
            "csp": csp_scan(html),
        }
        o = out[name]
        print(
            f"{args.route} {args.db} {args.variant:5} {name:22} median {o['median_ms']:8.1f} ms  "
            f"cpu {o['cpu_ms']:8.1f} ms  q={o['queries']:3}  sql={o['sql_ms']:8.1f} ms  full_count={o['full_count']}  "
            f"counts={[(c['kind'], c['ms']) for c in o['counts']]}",
            flush=True,
        )
    if args.route == "a" and not args.only:
        out["publish_scheduled_cmd"] = time_publish_scheduled(args.runs)
    record(args, {"kind": "measure", "variant": args.variant, "pages": out})


def time_publish_scheduled(runs: int) -> dict:
    """Wagtail's `publish_scheduled` with nothing due: what one scheduler tick would cost."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        call_command("publish_scheduled", stdout=StringIO())
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        call_command("publish_scheduled", stdout=StringIO())
    res = {
        "median_ms": round(statistics.median(times[1:]), 1),
        "queries": len(ctx.captured_queries),
        "slowest": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:300]}
            for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
        ],
    }
    print(
        f"a publish_scheduled (nothing due) median {res['median_ms']} ms, {res['queries']} queries",
        flush=True,
    )
    return res


def record(args, data: dict) -> None:
    data = {
        "route": args.route,
        "db": args.db,
        "rows": args.rows,
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 1) for x in os.getloadavg()],
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **data,
    }
    with open(HERE / args.out, "a") as fh:
        fh.write(json.dumps(data) + "\n")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--route", choices=["a", "b"], required=True)
    p.add_argument("--db", choices=["sqlite", "pg"], required=True)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--variant", choices=["stock", "tuned"], default="stock")
    p.add_argument("--only", nargs="*", help="page names to measure (default: all)")
    p.add_argument("--out", default="results.jsonl")
    p.add_argument("command", choices=["build", "measure", "all", "search-index", "shell", "runserver"])
    args = p.parse_args()
    os.environ["SPIKE_ROWS"] = str(args.rows)
    if args.command == "build":
        build(args)
    elif args.command == "search-index":
        search_index(args)
    elif args.command == "measure":
        measure(args)
    elif args.command == "all":
        build(args)
        for variant in ("stock", "tuned"):
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--route",
                    args.route,
                    "--db",
                    args.db,
                    "--rows",
                    str(args.rows),
                    "--runs",
                    str(args.runs),
                    "--out",
                    args.out,
                    "--variant",
                    variant,
                    "measure",
                ],
                check=True,
            )
    else:
        setup_django(args.route, args.db, args.variant)
        from django.core.management import call_command

        if args.command == "runserver":  # --insecure: serve static files with DEBUG off (csp_check.py)
            port = os.environ.get("SPIKE_PORT", "8012")
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, insecure_serving=True)
        else:
            call_command("shell")


if __name__ == "__main__":
    main()
