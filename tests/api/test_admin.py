"""Tokens in the admin: the key is shown once on creation, only its hash is kept; revoking."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from broadsheet.api.models import ApiToken, hash_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.test", "pw")
    client.force_login(admin)
    return client


def test_adding_a_token_shows_the_key_once(admin_client, staff):
    response = admin_client.post("/admin/api/apitoken/add/", {"user": staff.pk, "name": "importer"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'value="(bs_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash == hash_key(raw) and token.user == staff
    change = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert raw not in change and token.key_start in change


def test_tokens_are_only_for_staff(admin_client, db):
    reader = get_user_model().objects.create_user("reader", password="x")
    response = admin_client.post("/admin/api/apitoken/add/", {"user": reader.pk, "name": "nope"})
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_revoke_action(admin_client, token):
    stored = ApiToken.objects.get()
    admin_client.post(
        "/admin/api/apitoken/", {"action": "revoke", "_selected_action": [stored.pk]}, follow=True
    )
    stored.refresh_from_db()
    assert stored.is_revoked
    # The API refuses it from now on.
    writer = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = json.dumps({"headline": "x", "section": "business"})
    assert writer.post("/api/v1/articles", body, "application/json").status_code == 401
