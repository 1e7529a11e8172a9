"""The clean-up deletes only what nothing uses: images unreferenced for the configured days,
rendition files no row records; never an image an article points at."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from broadsheet.core import clock
from broadsheet.media import cleanup
from broadsheet.media.models import Image, Rendition
from tests.media.conftest import halves

pytestmark = pytest.mark.django_db


def _age(image: Image, days: int) -> None:
    then = clock.now() - dt.timedelta(days=days)
    Image.objects.filter(pk=image.pk).update(created_at=then, updated_at=then)


def test_only_old_unreferenced_images_are_deleted_with_their_files(
    upload, make_article, django_capture_on_commit_callbacks
):
    old_unused = upload(halves(700, 400), name="old.jpg")
    old_used = upload(halves(701, 400), name="used.jpg")
    new_unused = upload(halves(702, 400), name="new.jpg")
    make_article(lead_media=old_used)
    for image in (old_unused, old_used, new_unused):
        _age(image, 40 if image is not new_unused else 3)
    files = [old_unused.file.name] + [name for _, _, name in old_unused.rendition_set("", "jpeg")]
    assert all(default_storage.exists(name) for name in files)

    with django_capture_on_commit_callbacks(execute=True):
        counts = cleanup.clean_up()

    assert counts["images"] == 1
    assert set(Image.objects.values_list("pk", flat=True)) == {old_used.pk, new_unused.pk}
    assert not any(default_storage.exists(name) for name in files)
    assert not Rendition.objects.filter(image_id=old_unused.pk).exists()
    assert all(default_storage.exists(name) for _, _, name in old_used.rendition_set("", "webp"))


def test_orphaned_rendition_files_are_deleted_after_a_grace_period(upload):
    image = upload(halves(640, 360))
    recorded = image.rendition_set("", "jpeg")[0][2]
    stray = default_storage.save("renditions/ab/gone-orig-full-320.webp", ContentFile(b"x"))
    fresh = default_storage.save("renditions/ab/being-written-orig-full-320.webp", ContentFile(b"x"))
    two_hours_ago = (clock.now() - dt.timedelta(hours=2)).timestamp()
    os.utime(default_storage.path(stray), (two_hours_ago, two_hours_ago))

    call_command("media", "cleanup")

    assert not default_storage.exists(stray)
    assert default_storage.exists(fresh)  # may be a rendition whose row is not committed yet
    assert default_storage.exists(recorded)


def test_an_image_in_use_cannot_be_deleted(upload, make_article):
    from django.db.models import ProtectedError

    image = upload(halves(640, 360))
    make_article(lead_media=image)
    with pytest.raises(ProtectedError):
        image.delete()


def test_the_scheduler_hook_enqueues_the_clean_up_once_a_day(settings):
    from django.core.cache import cache

    from broadsheet.media.tasks import schedule_cleanup

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    cache.clear()
    assert schedule_cleanup() is True
    assert schedule_cleanup() is False
