"""A results page's hits: the ranked matches still public now, headline and snippet highlighted.

Every hit is checked against the database (one query for the page), so the page only ever
shows articles that are public now, with their current URL and section.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

import tantivy

from broadsheet.core.sanitize import excerpt
from broadsheet.newsroom import querysets
from broadsheet.newsroom.models import Article
from broadsheet.search import backend

HEADLINE_SNIPPET_CHARS = 400  # longer than any headline: always the whole headline
BODY_SNIPPET_CHARS = 200
# What a hit shows of its article, what its URL is made of, and what says it is public.
HIT_COLUMNS = ("headline", "slug", "dek", "status", "published_at", "section__name", "section__slug")


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    headline_html: str  # escaped, with <mark> around matched words
    snippet_html: str  # escaped, with <mark> around matched words
    url: str
    section_name: str
    section_slug: str
    published_at: dt.datetime
    score: float


def build_hits(
    view: backend.ReaderView,
    matcher: tantivy.Query,
    ranked: Sequence[tuple[float, tantivy.DocAddress]],
    now: dt.datetime,
) -> list[Hit]:
    if not ranked:
        return []
    searcher = view.searcher
    # Ids from the fast field, so only the hits still public cost a stored-document read.
    ids = [int(pk or 0) for pk in searcher.fast_field_values("id", [address for _score, address in ranked])]
    public = _public_articles(ids, now)
    if not public:
        return []
    headlines = tantivy.SnippetGenerator.create(searcher, matcher, view.schema, "headline")
    headlines.set_max_num_chars(HEADLINE_SNIPPET_CHARS)
    bodies = tantivy.SnippetGenerator.create(searcher, matcher, view.schema, "body")
    bodies.set_max_num_chars(BODY_SNIPPET_CHARS)
    hits = []
    for (score, address), article_id in zip(ranked, ids, strict=True):
        article = public.get(article_id)
        if article is None or article.published_at is None:
            continue  # not public now (see _public_articles)
        doc = searcher.doc(address)
        hits.append(
            Hit(
                article_id=article_id,
                headline_html=_headline_html(headlines.snippet_from_doc(doc), doc, article),
                snippet_html=_body_html(bodies.snippet_from_doc(doc), doc, article),
                url=article.get_absolute_url(),
                section_name=article.section.name,
                section_slug=article.section.slug,
                published_at=article.published_at,
                score=score,
            )
        )
    return hits


def _public_articles(ids: Sequence[int], now: dt.datetime) -> dict[int, Article]:
    """The hits that are public now, by id, reading only the columns a hit shows (no body, no
    author). A hit withdrawn, back in draft, rescheduled or deleted since it was indexed (its
    task has not run yet) is left out.

    The rows are fetched by primary key alone and "public" is checked here, not in SQL: given
    `status = ... AND published_at <= ...` beside the ids, SQLite without fresh statistics
    plans a range scan of article_pub_idx (every published row: 155 ms at 1M) instead of ten
    primary-key lookups.
    """
    articles = Article.objects.filter(pk__in=ids).select_related("section").only(*HIT_COLUMNS).order_by()
    return {article.pk: article for article in articles if is_public(article, now)}


def is_public(article: Article, now: dt.datetime) -> bool:
    """`Article.objects.published()` for one article in hand, at the page's `now`."""
    return querysets.is_public(article.status, article.published_at, now)


def _headline_html(snippet: tantivy.Snippet, doc: tantivy.Document, article: Article) -> str:
    stored = doc.get_first("headline")
    if stored != article.headline or not snippet.highlighted():
        # No match in the headline, or the index has not caught up with an edit yet.
        return html.escape(article.headline)
    return highlight(snippet.fragment(), snippet.highlighted())


def _body_html(snippet: tantivy.Snippet, doc: tantivy.Document, article: Article) -> str:
    body = str(doc.get_first("body") or "")
    if not snippet.highlighted():
        return html.escape(excerpt(article.dek or body, BODY_SNIPPET_CHARS))
    fragment = snippet.fragment()
    span = snippet.fragment_range()
    marked = highlight(fragment, snippet.highlighted())
    before = "… " if span.start > 0 else ""
    after = " …" if span.end < len(body.encode()) else ""
    return f"{before}{marked}{after}"


def highlight(fragment: str, ranges: Sequence[tantivy.Range]) -> str:
    """`fragment` escaped, with <mark> around each range. Tantivy's ranges are UTF-8 byte
    offsets into the fragment, so slicing happens on the bytes."""
    raw = fragment.encode()
    parts: list[str] = []
    position = 0
    for span in sorted(ranges, key=lambda r: r.start):
        start, end = max(span.start, position), min(span.end, len(raw))
        if start >= end:
            continue
        parts.append(html.escape(raw[position:start].decode(errors="replace")))
        parts.append(f"<mark>{html.escape(raw[start:end].decode(errors='replace'))}</mark>")
        position = end
    parts.append(html.escape(raw[position:].decode(errors="replace")))
    return "".join(parts)
