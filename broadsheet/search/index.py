"""Writing the search index: the single writer's operations (rebuild; index or drop by id).

The database is the truth and the index is derived from it. An article is in the index while
it is published, including while it is scheduled: it carries its published_at, and queries
only match documents that are due, so a scheduled story becomes searchable on time without a
cron job. Only the task worker and `broadsheet search reindex` call these functions.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import tantivy

from broadsheet.core.sanitize import strip_tags
from broadsheet.newsroom.models import Article
from broadsheet.search import backend, languages, pairs
from broadsheet.search.errors import SearchUnavailable

logger = logging.getLogger(__name__)

# A rebuild adds every document under one writer and commits once: a big heap means few
# intermediate segments (1M articles took 81 s with 1 GB and 2 threads in bench/search).
REBUILD_HEAP_BYTES = 1_000_000_000
REBUILD_THREADS = 2
# Rows read from the database per round trip while rebuilding.
REBUILD_BATCH = 2000
# How often (in documents) a rebuild reports progress.
PROGRESS_EVERY = 1000


def indexable_articles() -> Iterator[Article]:
    """Every article that belongs in the index: public now, or scheduled to become public."""
    queryset = (Article.objects.published() | Article.objects.scheduled()).select_related("section")
    fields = ("id", "headline", "dek", "body", "language", "published_at", "section__slug")
    return queryset.only(*fields).order_by("pk").iterator(chunk_size=REBUILD_BATCH)


def build_document(article: Article) -> tantivy.Document:
    if article.published_at is None:
        raise ValueError(f"Article {article.pk} has no published_at and cannot be indexed")
    dek, body = strip_tags(article.dek), strip_tags(article.body)
    document = tantivy.Document(
        id=article.pk,
        published_at=int(article.published_at.timestamp()),
        headline=article.headline,
        dek=dek,
        body=body,
        section=article.section.slug,
    )
    languages.add_text(document, article.language, article.headline, dek, body)
    pairs.add_pairs(document, article.headline, dek, body)
    return document


def index_articles(ids: Iterable[int]) -> int:
    """Bring the documents for `ids` in line with the database: (re)index the articles that are
    published or scheduled, drop the rest (withdrawn, draft, deleted). Returns how many were
    indexed. One commit for the lot."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    queryset = Article.objects.published() | Article.objects.scheduled()
    articles = list(queryset.filter(pk__in=wanted).select_related("section"))
    index = backend.open_or_create_index(backend.search_dir())
    with backend.acquire_writer(index) as writer:  # leaving the block commits and unlocks
        try:
            for article_id in wanted:
                writer.delete_documents_by_term("id", article_id)
            for article in articles:
                writer.add_document(build_document(article))
        except BaseException:
            writer.rollback()
            raise
    logger.info("Search index: %d indexed, %d removed", len(articles), len(wanted) - len(articles))
    return len(articles)


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Replace the index's contents with every indexable article in the database.

    Readers keep seeing the old contents until the single commit at the end. An index that
    cannot be opened for writing (corrupt, from an incompatible version, or built with an older
    schema: backend.SCHEMA_VERSION) is built afresh beside it and then put in its place, so
    after an upgrade search answers from the old index, as well as it can, until then.
    Returns the number of documents indexed.
    """
    path = target = backend.search_dir()
    try:
        index = backend.open_or_create_index(path)
    except SearchUnavailable:
        target = path.with_name(f"{path.name}.rebuild")
        logger.warning(
            "Search index at %s is unreadable or has an older schema; building a new one in %s",
            path,
            target,
        )
        shutil.rmtree(target, ignore_errors=True)  # a rebuild interrupted earlier
        index = backend.open_or_create_index(target)
    writer = backend.acquire_writer(index, heap_size=REBUILD_HEAP_BYTES, num_threads=REBUILD_THREADS)
    count = 0
    try:
        writer.delete_all_documents()
        for article in indexable_articles():
            writer.add_document(build_document(article))
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    finally:
        # Lets the merges started by the commit finish (a compact index), and frees the lock.
        writer.wait_merging_threads()
    if target != path:
        _replace_directory(path, target)
    if progress is not None:
        progress(count)
    logger.info("Search index rebuilt at %s: %d documents", path, count)
    return count


def _replace_directory(path: Path, new: Path) -> None:
    """Put the index built at `new` in the place of the one at `path`. Two renames: a search in
    between finds no index (an empty page) for that moment. Readers notice the new directory
    by its inode (backend.ReaderRegistry)."""
    old = path.with_name(f"{path.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        os.rename(path, old)
    os.rename(new, path)
    shutil.rmtree(old, ignore_errors=True)
    backend.readers.forget(path)
