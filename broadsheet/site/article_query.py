"""The article page's own two queries (the article with what its page shows, then its tags),
compiled once per thread (core/prepared.py) instead of on every request.

Why: compiling the article's select_related queryset and the tags' prefetch cost several times
the SQL's own time: after listings became rows, they were most of an uncached article page's
ORM time. The instances are the ORM's own (Model.from_db, the select_related populators) and
the tags land in the prefetch cache, where the page and its SEO tags look for them.
"""

from __future__ import annotations

from django.db import connection

from broadsheet.core.prepared import PreparedSelect
from broadsheet.newsroom.models import Article, Tag

_ARTICLE = PreparedSelect(
    Article,
    lambda: Article.objects.select_related(
        "section", "author", "lead_media", "social_image", "story_membership__story"
    ),
)
_TAGS = PreparedSelect(Tag, lambda: Tag.objects.all())


def _quoted(name: str) -> str:
    return str(connection.ops.quote_name(name))


def article_by_slug(slug: str) -> Article | None:
    """Article.objects.select_related(…).prefetch_related("tags").filter(slug=slug).first()."""
    slug_column = _quoted(Article._meta.get_field("slug").column)
    rows = _ARTICLE.rows(f"WHERE {_ARTICLE.table()}.{slug_column} = %s LIMIT 1", [slug])
    if not rows:
        return None
    found = rows[0].instance
    assert isinstance(found, Article)
    _prefetch_tags(found)
    return found


def _prefetch_tags(article: Article) -> None:
    """What prefetch_related("tags") leaves behind: the tags, by name, in the prefetch cache."""
    through = Article.tags.through
    table = _quoted(through._meta.db_table)
    tag_column = _quoted(through._meta.get_field("tag").column)
    article_column = _quoted(through._meta.get_field("article").column)
    tag_table, tag_pk = _TAGS.table(), _quoted(Tag._meta.pk.column)  # type: ignore[union-attr]
    name = _quoted(Tag._meta.get_field("name").column)
    tail = (
        f"INNER JOIN {table} ON {table}.{tag_column} = {tag_table}.{tag_pk}"
        f" WHERE {table}.{article_column} = %s ORDER BY {tag_table}.{name} ASC"
    )
    tags = [tag for row in _TAGS.rows(tail, [article.pk]) if isinstance(tag := row.instance, Tag)]
    # As prefetch_one_level() stores them: the related manager's queryset, already evaluated.
    queryset = article.tags.all()
    queryset._result_cache = tags
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    article._prefetched_objects_cache = {"tags": queryset}  # type: ignore[attr-defined]
