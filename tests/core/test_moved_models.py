"""A moved model's content type row is relabelled, not made afresh, so its permissions follow."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from broadsheet.core.moved_models import move_content_types

pytestmark = pytest.mark.django_db


def _labels(model: str) -> list[str]:
    return sorted(ContentType.objects.filter(model=model).values_list("app_label", flat=True))


def test_the_row_and_its_permissions_move_and_move_back() -> None:
    row = ContentType.objects.create(app_label="oldapp", model="thing")
    Permission.objects.create(codename="change_thing", name="Can change thing", content_type=row)
    operation = move_content_types("oldapp", "newapp", "thing")

    operation.code(apps, None)
    assert _labels("thing") == ["newapp"]
    assert Permission.objects.get(codename="change_thing").content_type.app_label == "newapp"

    assert operation.reverse_code is not None
    operation.reverse_code(apps, None)
    assert _labels("thing") == ["oldapp"]


def test_a_row_already_under_the_new_label_is_left_alone() -> None:
    ContentType.objects.create(app_label="oldapp", model="thing")
    ContentType.objects.create(app_label="newapp", model="thing")
    move_content_types("oldapp", "newapp", "thing").code(apps, None)
    assert _labels("thing") == ["newapp", "oldapp"]
