"""The shapes the API reads and writes: one pydantic model per JSON object in the schema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from broadsheet.api.fields import MAX_ID, Text, Timestamp, WebUrl
from broadsheet.newsroom.models import META_DESCRIPTION_LIMIT, SEO_TITLE_LIMIT

# -- errors ----------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="A stable, machine-readable code, e.g. 'not_found', 'invalid'.")
    message: str = Field(description="A sentence for people.")
    details: Any = Field(None, description="More about the error (validation errors, retry_after…).")


class ErrorOut(Schema):
    error: ErrorDetail


# -- reading ---------------------------------------------------------------------------------


class SectionRef(Schema):
    name: str
    slug: str
    url: str


class AuthorRef(Schema):
    name: str
    slug: str
    url: str


class TagOut(Schema):
    name: str
    slug: str
    url: str


class LeadImage(Schema):
    src: str
    alt: str
    caption: str
    credit: str
    width: int | None
    height: int | None


class SocialImage(Schema):
    id: int = Field(description="The media library image's id.")
    src: str = Field(description="Its rendition for shared links, about 1200 pixels wide.")
    alt: str
    width: int | None
    height: int | None


class Attribution(Schema):
    source_name: str
    source_home_url: str
    original_url: str | None = Field(description="The story on the publisher's site.")


class ArticleSummary(Schema):
    id: int
    headline: str
    slug: str
    dek: str
    url: str = Field(description="The article's page on this site.")
    api_url: str
    section: SectionRef
    author: AuthorRef | None
    byline: str = Field(description="The byline as printed (the author's name unless overridden).")
    tags: list[TagOut]
    published_at: dt.datetime | None
    updated_at: dt.datetime
    language: str
    is_sticky: bool
    lead_image: LeadImage | None
    attribution: Attribution | None = Field(description="Set for stories aggregated from other publishers.")


class ArticleOut(ArticleSummary):
    body_html: str = Field(description="Sanitised HTML.")
    seo_title: str = Field(description="The title for search results and shared links; empty: the headline.")
    meta_description: str = Field(description="The search result's summary; empty: the standfirst.")
    social_image: SocialImage | None = Field(description="The image for shared links; null: the lead image.")
    status: Literal["draft", "pending_review", "scheduled", "published", "withdrawn"]


class ArticlePage(Schema):
    items: list[ArticleSummary]
    next: str | None = Field(description="URL of the next page; null on the last one.")


class SectionOut(Schema):
    name: str
    slug: str
    description: str
    url: str
    article_count: int = Field(description="Public articles in the section.")


class SectionList(Schema):
    items: list[SectionOut]


class TagPage(Schema):
    items: list[TagOut]
    next: str | None


class AuthorOut(Schema):
    name: str
    slug: str
    bio: str
    url: str


class AuthorPage(Schema):
    items: list[AuthorOut]
    next: str | None


class StoryOut(Schema):
    id: int
    headline: str = Field(description="The earliest version's headline.")
    slug: str
    url: str = Field(description="The story's full-coverage page on this site.")
    api_url: str
    articles_url: str = Field(description="Its public versions through GET /articles?story=.")
    article_count: int = Field(description="Public versions.")
    source_count: int = Field(description="Publishers of the public versions (the site counts as one).")
    first_published_at: dt.datetime
    last_published_at: dt.datetime


class StoryPage(Schema):
    items: list[StoryOut]
    next: str | None = Field(description="URL of the next page; null on the last one.")


class StoryVersion(Schema):
    article_id: int
    headline: str
    source_name: str = Field(description="The publisher's name; empty for the site's own journalism.")
    published_at: dt.datetime
    url: str = Field(description="The article's page on this site.")
    api_url: str
    excerpt: str = Field(description="Plain text from the dek, or else the body.")
    earliest: bool = Field(description="True for the first report of the story.")


class StoryDetail(StoryOut):
    versions: list[StoryVersion] = Field(description="Every public version, earliest first.")


class SearchHit(Schema):
    article_id: int
    headline_html: str = Field(description="Escaped, with <mark> around matched words.")
    snippet_html: str = Field(description="Escaped, with <mark> around matched words.")
    url: str
    api_url: str
    section: SectionRef
    published_at: dt.datetime
    score: float


class SearchPage(Schema):
    query: str
    section: str | None
    page: int
    per_page: int
    total: int
    has_next: bool
    next: str | None
    hits: list[SearchHit]


# -- writing ---------------------------------------------------------------------------------


class ArticleFields(Schema):
    """Fields an editor can set; every one is optional when updating."""

    dek: Text | None = Field(None, max_length=5000)
    body_html: Text | None = Field(
        None, max_length=500_000, description="HTML; sanitised before it is stored."
    )
    author: Text | None = Field(None, max_length=120, description="An author's slug; empty to clear.")
    byline: Text | None = Field(None, max_length=200)
    tags: list[Annotated[Text, Field(max_length=80)]] | None = Field(
        None, max_length=50, description="Tag names; tags that do not exist yet are created."
    )
    status: Literal["draft", "pending_review", "published"] | None = Field(
        None,
        description="'published' with a future published_at schedules the article; "
        "'pending_review' submits it to the editors.",
    )
    published_at: Timestamp | None = Field(
        None, description="ISO 8601 with a time zone (a naive time is taken as UTC)."
    )
    language: Text | None = Field(
        None, min_length=2, max_length=12, pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$"
    )
    is_sticky: bool | None = None
    lead_image_url: WebUrl | Literal[""] | None = Field(None, description="A remote image; empty to clear.")
    lead_image_alt: Text | None = Field(None, max_length=300)
    lead_image_caption: Text | None = Field(None, max_length=500)
    lead_image_credit: Text | None = Field(None, max_length=200)
    seo_title: Text | None = Field(
        None,
        max_length=SEO_TITLE_LIMIT,
        description="Title for search results and shared links; empty to clear.",
    )
    meta_description: Text | None = Field(
        None, max_length=META_DESCRIPTION_LIMIT, description="Summary for search results; empty to clear."
    )
    social_image: int | None = Field(
        None, ge=0, le=MAX_ID, description="A media library image's id for shared links; 0 to clear."
    )


class ArticleCreate(ArticleFields):
    headline: Text = Field(min_length=1, max_length=300, pattern=r"\S")
    section: Text = Field(min_length=1, max_length=80, description="A section's slug.")
    slug: Text | None = Field(
        None, pattern=r"^[-a-z0-9]+$", max_length=200, description="Made from the headline when left out."
    )


class ArticleUpdate(ArticleFields):
    headline: Text | None = Field(None, min_length=1, max_length=300, pattern=r"\S")
    section: Text | None = Field(None, min_length=1, max_length=80, description="A section's slug.")
    slug: Text | None = Field(
        None, pattern=r"^[-a-z0-9]+$", min_length=1, max_length=200, description="Old slugs keep redirecting."
    )


class SourceCreate(Schema):
    url: WebUrl = Field(description="A feed URL, or a page that links to its feed.")
    section: Text | None = Field(None, max_length=80, description="A section's name or slug.")
    mode: Literal["excerpt", "full"] = "excerpt"
    name: Text | None = Field(None, max_length=200)


class SourceOut(Schema):
    id: int
    name: str
    feed_url: str
    home_url: str
    section: str | None = Field(description="The section's slug.")
    mode: Literal["excerpt", "full"]
    enabled: bool
