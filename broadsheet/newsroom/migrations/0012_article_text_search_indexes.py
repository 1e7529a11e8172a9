# Trigram indexes for the admin's article search (newsroom/textsearch.py says how each is used).
# Not model Meta indexes: each exists on one database only. PostgreSQL builds them CONCURRENTLY,
# so the migration does not block writers on a large table (hence atomic = False).

import logging

from django.db import migrations

from broadsheet.newsroom import textsearch

logger = logging.getLogger("broadsheet.newsroom.migrations")


def _pg_trgm(cursor) -> bool:
    """pg_trgm is installed, or could be created now (it is a trusted extension since
    PostgreSQL 13: the database's owner, or any role with CREATE on it, may create it)."""
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    if cursor.fetchone():
        return True
    try:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - any refusal means: go on without the indexes
        logger.warning(
            "pg_trgm could not be created (%s); admin search will scan the article table. "
            "See docs/deploy.md, 'Article search in the admin'.",
            exc,
        )
        return False
    return True


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if _pg_trgm(cursor):
                for column in textsearch.COLUMNS:
                    cursor.execute(textsearch.pg_create_index_sql(column))
        elif connection.vendor == "sqlite":
            for sql in textsearch.sqlite_create_sql():
                cursor.execute(sql)
            cursor.execute(textsearch.sqlite_rebuild_sql())


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for column in textsearch.COLUMNS:
                cursor.execute(textsearch.pg_drop_index_sql(column))
        elif connection.vendor == "sqlite":
            for sql in textsearch.sqlite_drop_sql():
                cursor.execute(sql)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("newsroom", "0011_article_section_date_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
