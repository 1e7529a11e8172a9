"""Fixed querysets compiled to SQL once per thread and database, then run as plain cursor calls.

Why: turning a queryset into SQL costs Django a millisecond or more of Python per call, far
more than SQLite needs to answer a small indexed query. The site chrome runs the same three
queries on every page (site settings, menu sections, menu pages), with no parameters that
change between requests, so their SQL is built once. Rows go through the backend's value
converters and Model.from_db, exactly as the ORM would build them.

Only for querysets over one model's own concrete fields: no select_related, no only()/defer(),
no annotations (checked when the SQL is built).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=models.Model)


class PreparedQuery(Generic[M]):
    def __init__(self, model: type[M], build: Callable[[], QuerySet[M]]) -> None:
        self.model = model
        self.build = build
        # Per thread: a compiler holds the thread's own connection (and its converters).
        self._local = threading.local()

    def _compile(self, alias: str) -> tuple[SQLCompiler, str, tuple[Any, ...], dict[int, Any]]:
        compiler = self.build().query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        concrete = self.model._meta.concrete_fields
        if len(compiler.select) != len(concrete) or compiler.query.select_related:
            raise ValueError("PreparedQuery takes plain querysets over one model's concrete fields")
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return compiler, sql, tuple(params), converters

    def fetch(self) -> list[M]:
        alias = router.db_for_read(self.model)
        compiled: dict[str, Any] = self._local.__dict__.setdefault("compiled", {})
        connection = connections[alias]
        entry = compiled.get(alias)
        if entry is None or entry[0].connection is not connection:
            entry = compiled[alias] = self._compile(alias)
        compiler, sql, params, converters = entry
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = list(compiler.apply_converters(rows, converters))
        names = [field.attname for field in self.model._meta.concrete_fields]
        return [self.model.from_db(alias, names, tuple(row)) for row in rows]
