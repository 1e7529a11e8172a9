"""The editor's "Insert image" picker: recent media-library images as JSON, searchable by
alt text, caption and credit (the library's own search fields)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse

from broadsheet.media.models import Image
from broadsheet.media.pictures import thumbnail_sources

VIEW_IMAGE = "media.view_image"
# One screenful of choices; a search narrows it.
PICKER_LIMIT = 48
MAX_QUERY_WORDS = 6


def may_pick(user: object) -> bool:
    return bool(getattr(user, "is_staff", False) and user.has_perm(VIEW_IMAGE))  # type: ignore[attr-defined]


def matching(query: str) -> QuerySet[Image]:
    images = Image.objects.all()
    for word in query.split()[:MAX_QUERY_WORDS]:
        images = images.filter(
            Q(alt__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
        )
    return images.order_by("-created_at", "-id")


def image_choices(request: HttpRequest) -> JsonResponse:
    """GET ?q=words: {"images": [{id, alt, caption, credit, width, height, src, thumb}, ...]}."""
    if not may_pick(request.user):
        raise PermissionDenied("You may not use the media library.")
    query = request.GET.get("q", "")[:200]
    images = [
        {
            "id": image.pk,
            "alt": image.alt,
            "caption": image.caption,
            "credit": image.credit,
            "width": image.width,
            "height": image.height,
            "src": image.url,
            "thumb": thumbnail_sources(image).get("src") or image.url,
        }
        for image in matching(query)[:PICKER_LIMIT]
    ]
    return JsonResponse({"images": images})
