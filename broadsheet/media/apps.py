"""App configuration for the media library and its periodic orphan clean-up."""

from typing import ClassVar

from django.apps import AppConfig

from broadsheet.core.periodic import Periodic


class MediaConfig(AppConfig):
    name = "broadsheet.media"
    label = "media"
    verbose_name = "Media library"

    periodic: ClassVar[list[Periodic]] = [
        # Orphaned renditions and unused images: enqueued at most once a day (core.once).
        Periodic(name="media clean-up", task="broadsheet.media.tasks.schedule_cleanup"),
    ]

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from broadsheet.media.cleanup import delete_image_files
        from broadsheet.media.models import Image

        post_delete.connect(delete_image_files, sender=Image, dispatch_uid="media-delete-files")
