"""A POST over Django's body limits is the client's fault: the site's forms answer 400, never
500 (issue #16, finding 8; the API's own answer, 413, is tested in tests/api)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from broadsheet.newsroom.models import Page

pytestmark = pytest.mark.django_db

FORM_PATHS = ["/v/", "/contact/", "/admin/login/"]


@pytest.fixture(autouse=True)
def contact_page(db) -> Page:
    return Page.objects.create(title="Contact", slug="contact", body="<p>Write to us.</p>", form="contact")


@pytest.mark.parametrize("path", FORM_PATHS)
def test_a_form_post_over_the_size_limit_is_400(path):
    response = Client().post(path, {"message": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)})
    assert response.status_code == 400


@pytest.mark.parametrize("path", FORM_PATHS)
def test_a_form_post_with_too_many_fields_is_400(path):
    fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    body = "&".join(f"f{n}=1" for n in range(fields))
    response = Client().post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
