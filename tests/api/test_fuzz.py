"""Schemathesis fuzzes every operation in the OpenAPI schema through the WSGI app: no 5xx,
and every response (status, content type, headers, body) matches what the schema says.

Writes carry a valid token and a generous rate limit, so they reach the article and source
code paths rather than stopping at 401 or 429 (tests/api/test_write.py covers those).
Examples per operation and the seed are fixed, so the run is bounded and repeatable.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from broadsheet.discovery import stories

MAX_EXAMPLES = 30


# Schema-valid input may still be refused for facts a schema cannot state: a cursor the API
# never issued (400), a section or author slug that does not exist (422). Everything else
# about positive data is checked as schemathesis defines it.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]
"""
# The schema view touches no database, so it can be loaded when the module is collected.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=SchemathesisConfig.from_str(CONFIG)
)


@pytest.fixture
def fuzz_ready(newsroom, fake_fetcher, settings) -> Iterator[None]:
    settings.BROADSHEET_API_WRITE_RATE = 1_000_000
    # File the articles into stories, as the publish task would, so /stories has items.
    for article in [*newsroom["public"], newsroom["scheduled"]]:
        stories.assign(article.pk)
    # Requests go straight to the WSGI handler, not through Django's test Client, so do what
    # the Client does: keep the test's database connection (and its transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema(case, token, fuzz_ready):
    # identity: the WSGI test transport hands checks the body as sent, and GZipMiddleware
    # would compress it (real HTTP clients decode gzip themselves).
    case.call_and_validate(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"})


def test_story_timeline_matches_its_schema(token, fuzz_ready):
    """A random id rarely names a story: check a real one's timeline and its articles too."""
    story_id = stories.Story.objects.order_by("pk").values_list("pk", flat=True).first()
    assert story_id is not None
    headers = {"Accept-Encoding": "identity"}
    timeline = schema["/api/v1/stories/{story_id}"]["GET"].Case(path_parameters={"story_id": story_id})
    assert timeline.call_and_validate(headers=headers).status_code == 200
    articles = schema["/api/v1/articles"]["GET"].Case(query={"story": story_id})
    assert articles.call_and_validate(headers=headers).json()["items"]
