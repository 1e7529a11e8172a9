"""Content models: sections, authors, tags, articles, static pages, site settings, old-URL redirects."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import slugify

from broadsheet.core import bylines, clock, languages
from broadsheet.core.urls import safe_http_url
from broadsheet.newsroom import querysets
from broadsheet.newsroom.querysets import ArticleQuerySet

if TYPE_CHECKING:
    from broadsheet.media.models import Image
from broadsheet.newsroom.redirects import OLD_PATH_MAX

# Slugs that would shadow a site URL if a section or article took them.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "author",
        "tag",
        "search",
        "feed",
        "feeds",
        "sitemap.xml",
        "static",
        "media",
        "page",
        "pages",
        "robots.txt",
        "news-sitemap.xml",
        "story",
        "stories",
        "v",
        "favicon.ico",
    }
)


def url_for(name: str, **kwargs: str) -> str:
    """reverse(name, kwargs=kwargs), remembered: a listing page asks for the same few hundred
    URLs on every render, and reverse() was a tenth of an uncached home page."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _url_for(urlconf, get_script_prefix(), name, tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=8192)
def _url_for(urlconf: str, prefix: str, name: str, kwargs: tuple[tuple[str, str], ...]) -> str:
    # The URLconf and script prefix are part of the key: tests and sub-path deployments vary them.
    return reverse(name, urlconf=urlconf, kwargs=dict(kwargs))


def printed_byline(
    byline: str, author_name: Callable[[], str | None], source_name: str, canonical_url: str | None
) -> str:
    """Article.display_byline from the values it reads (a listing's rows print it without
    building the article); `author_name` is asked only when the stored byline is empty."""
    line = bylines.tidy(byline) if byline else ""
    if line:
        return line
    name = author_name()
    if name is not None:
        return name
    return bylines.staff_line(source_name) if canonical_url else ""


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    in_menu = models.BooleanField(default=True, help_text="Show in the header menu.")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("site:section", section=self.slug)


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="authors/", blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("site:author", slug=self.slug)


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("site:tag", slug=self.slug)


# Search engines cut page titles near 70 characters and descriptions near 160.
SEO_TITLE_LIMIT = 70
META_DESCRIPTION_LIMIT = 160


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING_REVIEW = "pending_review", "Pending review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    dek = models.TextField("standfirst", blank=True, help_text="One or two sentences under the headline.")
    body = models.TextField(blank=True, help_text="Sanitised HTML; cleaned on every save.")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    byline = models.CharField(
        max_length=200, blank=True, help_text="Overrides the author's name (e.g. wire bylines)."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="A future time schedules the article."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    language = models.CharField(max_length=12, default="en")
    # Who wrote it in the admin (or the API): "own" for Contributors and Authors
    # (newsroom.permissions). NULL for feed, imported and demo articles. Never editable.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_sticky = models.BooleanField(
        "sticky", default=False, help_text="Keep at the top of the home page (WordPress 'sticky posts')."
    )

    # The lead image from the media library (renditions with srcset); it wins over the two
    # older ways below, which stay for remote images (ingest) and articles made before it.
    lead_media = models.ForeignKey(
        "media.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of_articles",
        verbose_name="lead image",
        help_text="Pick an image from the media library.",
    )
    # Library images inside the body (<img data-media-id>), kept by services.save_article: the
    # public page loads them in one query, and the library neither cleans up nor deletes them.
    body_images: models.ManyToManyField[Image, ArticleBodyImage] = models.ManyToManyField(
        "media.Image", blank=True, through="ArticleBodyImage", related_name="body_of_articles"
    )
    lead_image = models.ImageField(upload_to="lead/%Y/%m/", blank=True)
    lead_image_url = models.URLField(max_length=1000, blank=True, help_text="Remote lead image.")
    lead_image_width = models.PositiveIntegerField(null=True, blank=True)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True)
    lead_image_alt = models.CharField(max_length=300, blank=True)
    lead_image_caption = models.CharField(max_length=500, blank=True)
    lead_image_credit = models.CharField(max_length=200, blank=True)

    # Search and social: what a search result and a shared link show, when it should differ
    # from the page itself. Empty means the headline, the standfirst and the lead image.
    seo_title = models.CharField(
        "SEO title",
        max_length=SEO_TITLE_LIMIT,
        blank=True,
        help_text=f"At most {SEO_TITLE_LIMIT} characters. The page title in search results and "
        "shared links; leave empty to use the headline.",
    )
    meta_description = models.CharField(
        max_length=META_DESCRIPTION_LIMIT,
        blank=True,
        help_text=f"At most {META_DESCRIPTION_LIMIT} characters (search engines cut longer ones). "
        "The summary under the title in search results; leave empty to use the standfirst.",
    )
    social_image = models.ForeignKey(
        "media.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="social_of_articles",
        help_text="Shown when the article is shared (1200 pixels wide); leave empty to use the lead image.",
    )

    # Aggregated stories: where the story came from. Empty for our own journalism.
    source_name = models.CharField(max_length=200, blank=True)
    source_home_url = models.URLField(max_length=1000, blank=True)
    # NULL, not "", for our own stories: the unique constraint must ignore them.
    canonical_url = models.URLField(  # noqa: DJ001
        max_length=1000, null=True, blank=True, help_text="The original, for aggregated stories."
    )
    # A story a publisher re-issued with small edits at another URL is stored once; the other
    # URLs are listed here (ingest's near-duplicate merge), newest last.
    also_carried_as = models.JSONField(
        default=list, blank=True, help_text="Other URLs the same story was re-issued at."
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_pub_idx"),
            # The admin's list, newest first, over every status.
            models.Index(fields=["published_at"], name="article_published_at_idx"),
            models.Index(fields=["section", "status", "published_at"], name="article_section_idx"),
            # The admin's section filter, any status, newest first: without it SQLite sorts the
            # whole section (50,000 articles of 1M: 0.2-1 s).
            models.Index(fields=["section", "published_at"], name="article_section_date_idx"),
            models.Index(fields=["author", "status", "published_at"], name="article_author_idx"),
            # Ingest's near-duplicate check reads the newest few hundred by creation time.
            models.Index(fields=["created_at"], name="article_created_at_idx"),
            # The dashboard's "my drafts": one writer's articles by state, last changed first.
            # Partial (only articles someone wrote in the admin or the API): feed and imported
            # articles have no creator, and with a million NULLs in the plain foreign-key index
            # SQLite's statistics say any creator matches every row, so it scanned the table
            # (4 s at 1M) instead of using it.
            models.Index(
                fields=["created_by", "status", "updated_at"],
                name="article_created_by_idx",
                condition=models.Q(created_by__isnull=False),
            ),
            # The admin's "re-issued" filter, newest first: the few such rows, not a scan of 1M.
            models.Index(
                fields=["published_at"], condition=~Q(also_carried_as=[]), name="article_reissued_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["canonical_url"], name="article_canonical_url_unique"),
        ]
        # Add and change let a user write drafts; publish guards what readers see. The "own"
        # ones grant change or publish on articles the user created (newsroom.permissions).
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("change_own_article", "Can change own articles (drafts and submissions)"),
            ("publish_own_article", "Can publish, schedule and unpublish own articles"),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return url_for("site:article", section=self.section.slug, slug=self.slug)

    @property
    def state(self) -> str:
        """draft, pending_review, scheduled, published or withdrawn: 'published' exactly when
        Article.objects.published() would return this row now; 'scheduled' is
        published-but-not-yet-due (an undated one is due when an editor gives it a date)."""
        if self.status == self.Status.PUBLISHED and not self.is_public:
            return "scheduled"
        return str(self.status)

    @property
    def is_public(self) -> bool:
        """Whether Article.objects.published() would return this row now (querysets.is_public)."""
        return querysets.is_public(self.status, self.published_at, clock.now())

    @property
    def display_byline(self) -> str:
        """The byline as printed everywhere (page, cards, feeds, API, admin): the stored one
        tidied (no e-mail address, "A, B and C": rows stored raw before #13 too), else the
        author's name, else for an aggregated story its publisher's staff."""
        return printed_byline(
            self.byline,
            lambda: self.author.name if self.author_id is not None and self.author else None,
            self.source_name,
            self.canonical_url,
        )

    @property
    def byline_people(self) -> list[str]:
        """The people a stored byline names ([] when it names none). An aggregated story's
        byline is a list of people (core/bylines.py made it so); an editor's own override
        ("Staff and agencies") is kept whole."""
        if not self.byline:
            return []
        if self.canonical_url:
            return bylines.split_people(self.byline)
        line = bylines.tidy(self.byline)
        return [line] if line else []

    @property
    def direction(self) -> str:
        """ "rtl" for a story in a right-to-left language, else "ltr"."""
        return languages.direction(self.language)

    @property
    def is_aggregated(self) -> bool:
        return bool(self.canonical_url)

    # What pages, feeds and SEO print for the outside URLs: only http(s) ones. Ingest checks
    # them before they are stored; this also covers rows stored before it did.
    @property
    def original_url(self) -> str:
        """The story on the publisher's site, or "" (our own story, or an unsafe stored URL)."""
        return safe_http_url(self.canonical_url)

    @property
    def publisher_url(self) -> str:
        """The publisher's home page, or ""."""
        return safe_http_url(self.source_home_url)

    @property
    def lead_image_src(self) -> str:
        if self.lead_media_id is not None and self.lead_media is not None:
            return self.lead_media.url
        if self.lead_image:
            return str(self.lead_image.url)
        return safe_http_url(self.lead_image_url)


class ArticleBodyImage(models.Model):
    """A library image used in an article's body; PROTECT: an image in use cannot be deleted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey("media.Image", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="article_body_image_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} uses {self.image_id}"


class ArticleSlugHistory(models.Model):
    """An old slug of an article, so old links answer with a 301 to the current URL."""

    slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")

    def __str__(self) -> str:
        return self.slug


class Page(models.Model):
    class Form(models.TextChoices):
        NONE = "", "None"
        CONTACT = "contact", "Contact form"
        TAKEDOWN = "takedown", "DMCA takedown request form"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    body = models.TextField(blank=True, help_text="Sanitised HTML.")
    in_contact_menu = models.BooleanField(default=True, help_text="List under the header's Contact menu.")
    in_footer = models.BooleanField(default=True, help_text="List under the footer's Useful Links.")
    order = models.PositiveSmallIntegerField(default=0)
    form = models.CharField(max_length=10, choices=Form.choices, default=Form.NONE, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_for("site:section", section=self.slug)


class SiteSettings(models.Model):
    """The one row of site-wide settings an editor changes in the admin."""

    site_name = models.CharField(max_length=120, default="Broadsheet")
    tagline = models.CharField(max_length=200, blank=True, default="News from every corner of the city")
    logo = models.ImageField(upload_to="site/", blank=True)
    facebook_url = models.URLField(blank=True)
    x_url = models.URLField("X (Twitter) URL", blank=True)
    instagram_url = models.URLField(blank=True)
    pinterest_url = models.URLField(blank=True)
    youtube_url = models.URLField(blank=True)
    tiktok_url = models.URLField("TikTok URL", blank=True)
    footer_text = models.TextField(blank=True)
    copyright_text = models.CharField(max_length=300, blank=True)
    disclaimer_text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return "Site settings"

    @classmethod
    def load(cls) -> SiteSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def social_links(self) -> list[tuple[str, str]]:
        pairs = [
            ("Facebook", self.facebook_url),
            ("X", self.x_url),
            ("Instagram", self.instagram_url),
            ("Pinterest", self.pinterest_url),
            ("YouTube", self.youtube_url),
            ("TikTok", self.tiktok_url),
        ]
        return [(name, url) for name, url in pairs if url]


def unique_slug(
    model: type[models.Model], text: str, max_length: int = 200, exclude_pk: int | None = None
) -> str:
    """A slug from `text` not yet taken in `model` (suffixes -2, -3 …), never a reserved word."""
    base = slugify(text)[:max_length].strip("-") or "item"
    if base in RESERVED_SLUGS:
        base = f"{base}-1"
    candidate, n = base, 1
    manager = model._default_manager
    while True:
        clash = manager.filter(slug=candidate)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if not clash.exists():
            return candidate
        n += 1
        candidate = f"{base[: max_length - len(str(n)) - 1]}-{n}"


class LegacyRedirect(models.Model):
    """An old URL (a path, or a WordPress `/?p=ID`-style query form) and what it now points to.

    The target is a row, not a URL, so a later slug or section change still redirects to
    the right place, and a target that is not public is never revealed.
    """

    old_path = models.CharField(max_length=OLD_PATH_MAX, unique=True)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    TARGETS = ("article", "page", "section", "tag", "author")

    def __str__(self) -> str:
        return self.old_path

    def target_url(self) -> str | None:
        """The Broadsheet URL to send a reader to, or None when the target is not public."""
        if self.article is not None:
            return self.article.get_absolute_url() if self.article.is_public else None
        for name in ("page", "section", "tag", "author"):
            target = getattr(self, name)
            if target is not None:
                return str(target.get_absolute_url())
        return None


# The models that serve one module each live beside it, imported here so Django finds them and
# `from broadsheet.newsroom.models import …` keeps working.
from broadsheet.newsroom.models.editing import ArticleAutosave, ArticlePresence  # noqa: E402
from broadsheet.newsroom.models.monthcount import MonthCount  # noqa: E402

__all__ = [
    "Article",
    "ArticleAutosave",
    "ArticleBodyImage",
    "ArticlePresence",
    "ArticleSlugHistory",
    "Author",
    "LegacyRedirect",
    "MonthCount",
    "Page",
    "Section",
    "SiteSettings",
    "Tag",
]
