"""The library's tasks: renditions after an upload (or when a page found some missing), and the
daily clean-up of orphaned rendition files and long-unused images."""

from __future__ import annotations

from django_tasks import task

from broadsheet.core.once import enqueue_once_per, once_per
from broadsheet.media import cleanup, renditions

CLEANUP_EVERY_SECONDS = 86_400
CLEANUP_CLAIM_KEY = "bs:media:cleanup-claimed"
# A page that finds renditions missing asks for them at most this often per image and ratio.
LAZY_RETRY_SECONDS = 600


@task()
def generate_renditions(image_id: int, ratios: list[str] | None = None) -> int:
    return renditions.ensure(image_id, tuple(ratios) if ratios else renditions.DEFAULT_RATIOS)


def request_renditions(image_id: int, ratio: str) -> bool:
    """From a page: enqueue the missing renditions once (the cache decides), never wait for them."""
    if not once_per(f"bs:media:render:{image_id}:{ratio}", LAZY_RETRY_SECONDS):
        return False
    generate_renditions.enqueue(image_id, [ratio])
    return True


@task()
def clean_up() -> dict[str, int]:
    return cleanup.clean_up()


def schedule_cleanup() -> bool:
    """The scheduler hook: the clean-up at most once a day, however many schedulers tick."""
    return enqueue_once_per(clean_up, CLEANUP_CLAIM_KEY, CLEANUP_EVERY_SECONDS)
