"""Fixed querysets compiled to SQL once per thread and database, then run as plain cursor calls.

Why: turning a queryset into SQL costs Django a millisecond or more of Python per call, far
more than SQLite needs to answer a small indexed query. The site chrome runs the same three
queries on every page (site settings, menu sections, menu pages), with no parameters that
change between requests, so their SQL is built once. Rows go through the backend's value
converters and Model.from_db, exactly as the ORM would build them.

PreparedQuery: only for querysets over one model's own concrete fields: no select_related, no
only()/defer(), no annotations (checked when the SQL is built). PreparedSelect: a listing's
SELECT … FROM … JOIN … (select_related, defer) without its WHERE, which the caller writes
by hand with parameters that change per request (site/listing.py, site/article_query.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
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


class PreparedSelect(Generic[M]):
    """The SELECT … FROM … JOIN … of a listing queryset (select_related, defer allowed),
    compiled once per thread and database; the caller writes the rest (WHERE, ORDER BY,
    LIMIT) by hand with its own parameters, as site.related's ranked lists already do.

    Rows come back as LazyRow: the values after the backend's converters, readable by column
    name, with the model instance (and its select_related ones) built only when asked for. A
    listing whose cards are all memoised never builds one.
    """

    def __init__(self, model: type[M], build: Callable[[], QuerySet[M]]) -> None:
        self.model = model
        self.build = build
        self._local = threading.local()

    def _compile(self, alias: str) -> Shape:
        compiler = self.build().order_by().query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if params or " WHERE " in sql:
            raise ValueError("PreparedSelect takes a queryset without filters; write the WHERE by hand")
        return Shape(compiler, sql, alias)

    def shape(self) -> Shape:
        alias = router.db_for_read(self.model)
        compiled: dict[str, Shape] = self._local.__dict__.setdefault("compiled", {})
        found = compiled.get(alias)
        if found is None or found.compiler.connection is not connections[alias]:
            found = compiled[alias] = self._compile(alias)
        return found

    def table(self) -> str:
        """The base table as the SELECT names it (Django aliases it by its own name)."""
        return str(connections[router.db_for_read(self.model)].ops.quote_name(self.model._meta.db_table))

    def rows(self, tail: str, params: Sequence[Any]) -> list[LazyRow]:
        """Run SELECT … FROM … + `tail` with `params`."""
        shape = self.shape()
        with shape.compiler.connection.cursor() as cursor:
            cursor.execute(f"{shape.sql} {tail}", params)
            fetched = cursor.fetchall()
        # Converters run per value read (a card's key reads a few of forty columns), and over
        # the whole row only when its instance is built.
        return [LazyRow(shape, row) for row in fetched]


class Shape:
    """One compiled SELECT: its SQL, converters, where each column sits, how to build instances."""

    def __init__(self, compiler: SQLCompiler, sql: str, alias: str) -> None:
        self.compiler = compiler
        self.sql = sql
        self.alias = alias
        select, klass_info = compiler.select, compiler.klass_info
        assert klass_info is not None
        self.converters = compiler.get_converters([column for column, _, _ in select])
        self.model: type[models.Model] = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column.target.attname for column, _, _ in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, alias)
        # "slug" for the base model's columns; "section.slug" for a select_related one's.
        self.index: dict[str, int] = {}
        paths = _related_paths(klass_info, "")
        for n, (column, _, _) in enumerate(select):
            prefix = paths.get(column.alias, "")
            self.index.setdefault(prefix + column.target.attname, n)

    def convert(self, position: int, value: Any) -> Any:
        """The value at `position` through the backend's converters, as the ORM hands it out."""
        found = self.converters.get(position)
        if found is not None:
            converters, expression = found
            for converter in converters:
                value = converter(value, expression, self.compiler.connection)
        return value

    def instance(self, raw: tuple[Any, ...]) -> models.Model:
        """The model instance the ORM would have built from this row (ModelIterable's steps)."""
        row = raw
        if self.converters:
            (converted,) = self.compiler.apply_converters([raw], self.converters)
            row = tuple(converted)
        obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, obj)
        return obj


def _related_paths(klass_info: dict[str, Any], prefix: str) -> dict[str, str]:
    """{table alias: "section."} for each select_related model, from the compiler's klass_info."""
    paths: dict[str, str] = {}
    for info in klass_info.get("related_klass_infos", []):
        field = info["field"]
        name = f"{prefix}{field.related_query_name() if info['reverse'] else field.name}."
        table = info["model"]._meta.db_table
        paths.setdefault(table, name)
        paths.update(_related_paths(info, name))
    return paths


class LazyRow:
    """A row of a PreparedSelect: values by column name (converted as read), the instance
    built on first use. `values` is the row as the database driver returned it."""

    __slots__ = ("shape", "values", "_instance")

    def __init__(self, shape: Shape, values: tuple[Any, ...]) -> None:
        self.shape = shape
        self.values = values
        self._instance: models.Model | None = None

    def __getitem__(self, name: str) -> Any:
        position = self.shape.index[name]
        return self.shape.convert(position, self.values[position])

    @property
    def instance(self) -> models.Model:
        if self._instance is None:
            self._instance = self.shape.instance(self.values)
        return self._instance
