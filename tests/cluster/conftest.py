"""Cluster fixtures: a PostgreSQL database and a Redis database that belong to one test only."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
import redis
from psycopg import sql

# The server the cluster tests use (`make test` sets PG_URL for the PostgreSQL pass; the
# cluster tests create their own databases there, whatever DATABASE_URL the suite runs on).
PG_SERVER = os.environ.get("PG_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A Redis database number of the cluster tests' own, emptied before and after.
REDIS_DB = 13


@dataclass(frozen=True)
class ClusterDatabase:
    name: str
    url: str


def _server_url(database: str) -> str:
    base, _, _ = PG_SERVER.rpartition("/")
    return f"{base}/{database}"


@contextmanager
def own_databases(name: str, redis_db: int) -> Iterator[ClusterDatabase]:
    """A fresh PostgreSQL database `name` and an emptied Redis database, both gone afterwards."""
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=redis_db, socket_timeout=5)
    client.flushdb()
    try:
        yield ClusterDatabase(name=name, url=_server_url(name))
    finally:
        client.flushdb()
        client.close()
        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def cluster_database() -> Iterator[ClusterDatabase]:
    with own_databases(f"broadsheet_scale_cluster_{os.getpid()}", REDIS_DB) as database:
        yield database
