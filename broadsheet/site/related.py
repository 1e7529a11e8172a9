"""Ranked article lists written as SQL: related stories (article page), the latest per
section (home page) and a tag's stories (tag page). Each returns ids; rows are loaded after
(related stories and the latest per section as listing rows, site/listing.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models.expressions import Col
from django.http import HttpRequest

from broadsheet.core import clock
from broadsheet.discovery.models import RelatedArticle
from broadsheet.newsroom.models import Article, Section, Tag
from broadsheet.newsroom.querysets import public_sql
from broadsheet.site.listing import ArticleRow, rows_by_id
from broadsheet.site.pagination import IdListing, Position, Window, paginate, paginate_listing

# How many of the section's newest stories are weighed for relatedness. It bounds the work
# per article page whatever the archive size: an index walk of this many rows, no more.
CANDIDATES = 60
# The most entries discovery precomputes per article (discovery.related.RELATED_LIMIT).
PRECOMPUTED_MAX = 6


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _column(model: Any, field: str) -> str:
    """The quoted column of `field` ("pk" for the primary key)."""
    meta = model._meta
    found = meta.pk if field == "pk" else meta.get_field(field)
    return str(connection.ops.quote_name(found.column))


def _related_ids_sql() -> str:
    """The ranking of related_articles() as SQL: written by hand for the reason given in
    _latest_ids_sql() (the ORM version, with its filtered join and EXISTS, compiled in ~8 ms)."""
    through = Article.tags.through
    a_table, r_table, t_table = _table(Article), _table(RelatedArticle), _table(through)
    pk, section, status = _column(Article, "pk"), _column(Article, "section"), _column(Article, "status")
    published = _column(Article, "published_at")
    r_article, r_related = _column(RelatedArticle, "article"), _column(RelatedArticle, "related")
    r_rank = _column(RelatedArticle, "rank")
    t_article, t_tag = _column(through, "article"), _column(through, "tag")
    return (
        f"SELECT a.{pk} FROM {a_table} a"
        f" LEFT JOIN {r_table} r ON r.{r_related} = a.{pk} AND r.{r_article} = %(article)s"
        f" WHERE (a.{pk} IN (SELECT {r_related} FROM {r_table} WHERE {r_article} = %(article)s)"
        f" OR a.{pk} IN (SELECT * FROM (SELECT {pk} FROM {a_table} WHERE {section} = %(section)s"
        f" AND {public_sql(status, published, '%(now)s')} AND {pk} <> %(article)s"
        f" ORDER BY {published} DESC, {pk} DESC LIMIT %(candidates)s) AS candidates))"
        f" AND a.{pk} <> %(article)s"
        f" ORDER BY CASE WHEN r.{r_rank} IS NULL THEN 1 ELSE 0 END, r.{r_rank},"
        f" CASE WHEN EXISTS (SELECT 1 FROM {t_table} t WHERE t.{t_article} = a.{pk} AND t.{t_tag} IN"
        f" (SELECT {t_tag} FROM {t_table} WHERE {t_article} = %(article)s)) THEN 0 ELSE 1 END,"
        f" a.{published} DESC, a.{pk} DESC LIMIT %(limit)s"
    )


def related_articles(article: Article, limit: int = 6) -> list[ArticleRow]:
    """The list discovery computed when the article was published (nearest by text, other
    stories first), topped up (or, until it exists, replaced) by the article's section's
    stories, those sharing a tag first, then newest first; never the article itself.

    Two queries: the ranked ids, then those rows for listing. The precomputed list is checked
    for withdrawn stories in Python rather than in SQL, where the check would make the
    database walk the archive-sized status index; over-fetching by its length keeps `limit`
    public rows.
    """
    params: dict[str, Any] = {
        "article": article.pk,
        "section": article.section_id,
        "now": clock.now(),
        "candidates": CANDIDATES,
        "limit": limit + PRECOMPUTED_MAX,
    }
    with connection.cursor() as cursor:
        cursor.execute(_related_ids_sql(), params)
        ids = [row[0] for row in cursor.fetchall()]
    by_id = {a.pk: a for a in rows_by_id(ids)}
    return [by_id[pk] for pk in ids if pk in by_id and by_id[pk].is_public][:limit]


def _latest_ids_sql(sections: int) -> str:
    """One index walk of (section, status, published_at) per section, glued by UNION ALL.

    Written as SQL rather than built with the ORM: the equivalent queryset (a dozen sliced
    subqueries OR-ed together) took about 12 ms of Python to compile per home page, the SQL
    itself half a millisecond. Each branch is wrapped so SQLite accepts its LIMIT.
    """
    table, pk = _table(Article), _column(Article, "pk")
    section, status = _column(Article, "section"), _column(Article, "status")
    published = _column(Article, "published_at")
    branch = (
        f"SELECT * FROM (SELECT {pk} FROM {table} WHERE {section} = %s AND {public_sql(status, published, '%s')}"
        f" ORDER BY {published} DESC, {pk} DESC LIMIT %s) AS branch{{n}}"
    )
    return " UNION ALL ".join(branch.format(n=n) for n in range(sections))


def latest_by_section(sections: Sequence[Section], per_section: int = 4) -> dict[int, list[ArticleRow]]:
    """The newest `per_section` public stories of each section, keyed by section id.

    Two queries whatever the archive size: the ids (a bounded index walk per section), then
    those rows for listing. The rule for "public" is ArticleQuerySet.published()'s (public_sql).
    """
    grouped: dict[int, list[ArticleRow]] = {s.pk: [] for s in sections}
    if not sections:
        return grouped
    now = clock.now()
    params: list[Any] = []
    for s in sections:
        params += [s.pk, now, per_section]
    with connection.cursor() as cursor:
        cursor.execute(_latest_ids_sql(len(sections)), params)
        ids = [row[0] for row in cursor.fetchall()]
    for item in rows_by_id(ids, latest_first=True):
        grouped[item.section_id].append(item)
    return grouped


# Up to this many stories, a tag's page is worked out from the tag's own rows (see below).
SMALL_TAG = 20_000


def _tag_ids_sql(before: bool, after: bool) -> str:
    """A tag's public stories as (published_at, id), newest first (oldest first from `after`),
    read through the tag's rows: CROSS JOIN makes SQLite walk the (small) tag first. Left to
    itself, with the archive-wide status/date index ordered as the page wants, SQLite walked
    that index and tested every story for the tag: at a million stories, 64 ms for a tag of
    1,652. `before`/`after` add a keyset bound (site.pagination): %(at)s and %(pk)s."""
    through = Article.tags.through
    a_table, t_table = _table(Article), _table(through)
    pk, status, published = (
        _column(Article, "pk"),
        _column(Article, "status"),
        _column(Article, "published_at"),
    )
    t_article, t_tag = _column(through, "article"), _column(through, "tag")
    bound, order = "", "DESC"
    if before:
        bound = f" AND a.{published} <= %(at)s AND (a.{published} < %(at)s OR a.{pk} < %(pk)s)"
    elif after:
        bound, order = f" AND a.{published} >= %(at)s AND (a.{published} > %(at)s OR a.{pk} > %(pk)s)", "ASC"
    return (
        f"SELECT a.{published}, a.{pk} FROM {t_table} t CROSS JOIN {a_table} a"
        f" WHERE a.{pk} = t.{t_article} AND t.{t_tag} = %(tag)s"
        f" AND {public_sql(f'a.{status}', f'a.{published}', '%(now)s')}{bound}"
        f" ORDER BY a.{published} {order}, a.{pk} {order} LIMIT %(limit)s OFFSET %(offset)s"
    )


def tag_listing(request: HttpRequest, tag: Tag) -> Window:
    """One page of a tag's public stories, newest first.

    A tag of up to SMALL_TAG stories (counted with a bounded index walk) is read through its
    own rows and sorted; a bigger one through the status/date index, as any list. Either way
    the work is bounded by the tag, not by the archive.
    """
    through = Article.tags.through
    size = through.objects.filter(tag=tag).values("pk")[: SMALL_TAG + 1].count()
    if size > SMALL_TAG:
        return paginate(request, Article.objects.public_listing(tags=tag))

    def fetch(
        before: Position | None, after: Position | None, limit: int, offset: int
    ) -> list[tuple[dt.datetime, int]]:
        bound = before or after
        params: dict[str, Any] = {"tag": tag.pk, "now": clock.now(), "limit": limit, "offset": offset}
        if bound is not None:
            # As the ORM writes it (SQLite: UTC text, as stored): an equal time must compare equal.
            params.update(at=connection.ops.adapt_datetimefield_value(bound.published_at), pk=bound.pk)
        with connection.cursor() as cursor:
            cursor.execute(_tag_ids_sql(before is not None, after is not None), params)
            # Through the backend's converters: SQLite hands back text for a raw datetime.
            field = Article._meta.get_field("published_at")
            convert = connection.ops.get_db_converters(Col("a", field))
            rows = []
            for when, pk in cursor.fetchall():
                for converter in convert:
                    when = converter(when, None, connection)
                rows.append((when, pk))
            return rows

    # Rows, not model instances: the cards take either, and a page of rows costs less CPU.
    return paginate_listing(request, IdListing(fetch, rows_by_id))
