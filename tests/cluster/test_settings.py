"""Settings choose the scale-out backends from the environment (each case a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages['default']
from django.tasks import task_backends
from broadsheet.runtime.processes import worker_command
db = settings.DATABASES["default"]
print(json.dumps({
    "storage": type(default_storage).__module__ + "." + type(default_storage).__name__,
    "bucket": getattr(default_storage, "bucket_name", None),
    "endpoint": getattr(default_storage, "endpoint_url", None),
    "tasks": type(task_backends["default"]).__name__,
    "worker": worker_command()[3:],
    "conn_max_age": db["CONN_MAX_AGE"],
    "health_checks": db["CONN_HEALTH_CHECKS"],
    "server_side_cursors_off": db.get("DISABLE_SERVER_SIDE_CURSORS", False),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
}))
"""


def probe(tmp_path: Path, **env: str) -> dict:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "BROADSHEET_", "AWS_"))
    }
    for name in ("DATABASE_URL", "REDIS_URL", "DATABASE_CONN_MAX_AGE"):
        base.pop(name, None)
    base.update(DJANGO_SETTINGS_MODULE="broadsheet.settings.dev", BROADSHEET_DATA_DIR=str(tmp_path), **env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.replace("from django.tasks", "from django_tasks")],
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_defaults_are_one_machine(tmp_path: Path) -> None:
    found = probe(tmp_path)
    assert found["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert found["tasks"] == "DatabaseBackend"
    assert found["worker"] == ["db_worker"]


def test_s3_bucket_selects_shared_media_storage_without_touching_the_network(tmp_path: Path) -> None:
    found = probe(
        tmp_path,
        BROADSHEET_S3_BUCKET="broadsheet-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
    )
    assert found["storage"] == "storages.backends.s3.S3Storage"
    assert (found["bucket"], found["endpoint"]) == ("broadsheet-media", "http://127.0.0.1:9")


def test_rq_tasks_on_redis(tmp_path: Path) -> None:
    found = probe(tmp_path, BROADSHEET_TASKS="rq", REDIS_URL="redis://127.0.0.1:6379/13")
    assert found["tasks"] == "RQBackend"
    assert found["worker"] == ["rqworker", "default", "--job-class", "django_tasks_rq.Job"]
    assert found["cache"] == "broadsheet.core.resilient_cache.ResilientRedisCache"
    assert found["cache_options"]["socket_timeout"] <= 1


def test_rq_without_redis_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="BROADSHEET_TASKS=rq needs REDIS_URL"):
        probe(tmp_path, BROADSHEET_TASKS="rq")


def test_postgres_connections_persist_unless_pooled(tmp_path: Path) -> None:
    url = "postgres://postgres@127.0.0.1:5432/broadsheet"
    found = probe(tmp_path, DATABASE_URL=url)
    assert (found["conn_max_age"], found["health_checks"], found["server_side_cursors_off"]) == (
        600,
        True,
        False,
    )
    pooled = probe(
        tmp_path, DATABASE_URL=url, DATABASE_CONN_MAX_AGE="0", DATABASE_DISABLE_SERVER_SIDE_CURSORS="1"
    )
    assert (pooled["conn_max_age"], pooled["server_side_cursors_off"]) == (0, True)
