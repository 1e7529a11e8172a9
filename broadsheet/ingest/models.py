"""Ingest state: sources and their health, entries seen, tombstones, syndication, fetch logs."""

from __future__ import annotations

from django.db import models

from broadsheet.core import clock
from broadsheet.newsroom.models import Article, Section

DEFAULT_CHECK_INTERVAL = 3600  # seconds; the scheduler adapts it per source


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Source(models.Model):
    class ErrorKind(models.TextChoices):
        """What the last failed poll ran into, for the health view (report.error_kind)."""

        NONE = "", "none"
        BLOCKED = "blocked", "blocked by an anti-bot wall"
        HTTP = "http", "HTTP error"
        NETWORK = "network", "network error"
        NOT_A_FEED = "not-a-feed", "not a feed"
        OTHER = "other", "other error"

    class Mode(models.TextChoices):
        EXCERPT = "excerpt", "Excerpt with a link to the original"
        FULL = "full", "Full text (licensed to republish)"

    feed_url = models.URLField(max_length=1000, unique=True)
    name = models.CharField(max_length=200, blank=True)
    home_url = models.URLField(max_length=1000, blank=True)
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sources",
        help_text="Empty means: file each story by its categories, else hold it for review.",
    )

    class Images(models.TextChoices):
        NONE = "none", "No images"
        LINK = "link", "Show the publisher's image from its own address"
        COPY = "copy", "Copy into the media library (licensed to republish)"

    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.EXCERPT)
    image_policy = models.CharField(
        "images",
        max_length=10,
        choices=Images.choices,
        default=Images.LINK,
        help_text="Lead images of this source's stories: none, linked from the publisher, or copied "
        "(with renditions) into the media library.",
    )
    publish_directly = models.BooleanField(
        default=True, help_text="Off: new stories are saved as drafts for an editor to review."
    )
    include_keywords = models.TextField(
        blank=True, help_text="One per line; when given, only entries mentioning one are taken."
    )
    exclude_keywords = models.TextField(
        blank=True, help_text="One per line; entries mentioning one are skipped."
    )
    extraction_rules = models.JSONField(
        default=dict,
        blank=True,
        help_text='CSS selectors applied before extraction: {"keep": ["article"], "drop": [".ad"]}',
    )
    # Why the rules were last set aside for the automatic extractor (ingest/siterules.py);
    # empty while they work.
    rules_problem = models.TextField(blank=True, default="", editable=False)
    enabled = models.BooleanField(default=True)

    # Schedule and conditional GET.
    next_check_at = models.DateTimeField(default=clock.now, db_index=True)
    check_interval = models.PositiveIntegerField(default=DEFAULT_CHECK_INTERVAL, help_text="Seconds.")
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # Who is polling it now (ingest/claims.py): a claim lives while its holder's heartbeat
    # keeps moving claim_expires_at on; empty, or expired, means nobody.
    claim_token = models.CharField(max_length=32, blank=True, default="", editable=False)
    claim_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Health.
    last_fetch_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status.")
    error_count = models.PositiveIntegerField(default=0, help_text="Consecutive failed fetches.")
    first_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=12, choices=ErrorKind.choices, default="", blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    feed_problem = models.TextField(blank=True, help_text="What the parser recovered from (malformed feed).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.feed_url

    @property
    def include_list(self) -> list[str]:
        return _lines(self.include_keywords)

    @property
    def exclude_list(self) -> list[str]:
        return _lines(self.exclude_keywords)


class Entry(models.Model):
    """A feed entry we have seen. Kept after its article is deleted (article NULL), so the
    (source, guid) pair still answers "seen" and the story never comes back."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=1000)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="ingest_entries"
    )
    canonical_url = models.URLField(max_length=1000, blank=True)
    content_hash = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "entries"
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="ingest_entry_source_guid")]
        indexes = [models.Index(fields=["canonical_url"], name="ingest_entry_url_idx")]

    def __str__(self) -> str:
        return self.guid


class Tombstone(models.Model):
    """The original URL of a deleted aggregated article: it is never imported again."""

    canonical_url = models.URLField(max_length=1000, unique=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL)
    guid = models.CharField(max_length=1000, blank=True)
    deleted_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return self.canonical_url


class Syndication(models.Model):
    """A second source carrying a story we already hold ("also carried by")."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="syndications")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="syndications")
    url = models.URLField(max_length=1000)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "source"], name="ingest_syndication_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} also in {self.source_id}"


class FetchLog(models.Model):
    """One poll of one source, for the health view."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="fetch_logs")
    started_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["source", "started_at"], name="ingest_fetchlog_idx"),
            # The dashboard's ingest chart: every source's polls over the last 30 days.
            models.Index(fields=["started_at"], name="ingest_fetchlog_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} at {self.started_at:%Y-%m-%d %H:%M}"


class TextFingerprint(models.Model):
    """An aggregated article's SimHash, in four indexed 16-bit bands (the near-duplicate
    lookup, dedupe.find_near_duplicate), and the text it was taken from, compressed (the
    exact Jaccard check that confirms a candidate)."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="text_fingerprint"
    )
    simhash = models.BigIntegerField()
    band0 = models.PositiveIntegerField()
    band1 = models.PositiveIntegerField()
    band2 = models.PositiveIntegerField()
    band3 = models.PositiveIntegerField()
    text = models.BinaryField(help_text="The fingerprinted text, zlib-compressed.")

    class Meta:
        indexes = [models.Index(fields=[f"band{i}"], name=f"ingest_textprint_band{i}") for i in range(4)]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.simhash}"
