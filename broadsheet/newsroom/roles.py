"""The newsroom's roles: four groups of permissions that `broadsheet init` creates.

    Contributor  writes drafts and submits them for review; changes only their own articles,
                 and only while they are not public; cannot publish; picks library images.
    Author       a Contributor who also publishes, schedules and withdraws their own articles,
                 and uploads images to the library.
    Editor       publishes, schedules and withdraws any article; sections, pages, tags,
                 authors and the image library; reads and answers the inbox (messages and
                 takedown requests); sends newsletter issues and breaking-news alerts.
    Operator     sources, site settings, API tokens and newsletter subscribers (export and
                 erase); no article permissions at all.

Everything else (task results, tombstones, fetch logs, syndications, the search change log,
discovery's rows, readership counts, newsletter deliveries and pending sign-ups, users,
groups and the admin log) is the superuser's
alone: no role names it, and tests/newsroom/test_roles.py checks that none ever does.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

CONTRIBUTOR = "Contributor"
AUTHOR = "Author"
EDITOR = "Editor"
OPERATOR = "Operator"


def _crud(app_label: str, model: str, *actions: str) -> tuple[str, ...]:
    return tuple(f"{app_label}.{action}_{model}" for action in actions or ("add", "change", "delete", "view"))


# What the article form's section select, author and tag autocompletes, and the editor's
# image picker (the media library), need to read.
_FILING = ("newsroom.view_section", "newsroom.view_author", "newsroom.view_tag", "media.view_image")
_CONTRIBUTOR = ("newsroom.add_article", "newsroom.change_own_article", *_FILING)
# As in WordPress, a Contributor picks pictures from the library and an Author also uploads
# them (and sets their alt text, caption, credit and focal point); deleting is an Editor's.
_UPLOADS = ("media.add_image", "media.change_image")

ROLES: dict[str, tuple[str, ...]] = {
    CONTRIBUTOR: _CONTRIBUTOR,
    AUTHOR: (*_CONTRIBUTOR, "newsroom.publish_own_article", *_UPLOADS),
    EDITOR: (
        *_crud("newsroom", "article"),
        *_crud("media", "image"),
        "newsroom.publish_article",
        *_crud("newsroom", "section"),
        *_crud("newsroom", "page"),
        *_crud("newsroom", "tag"),
        *_crud("newsroom", "author"),
        *_crud("inbox", "contactmessage", "change", "view"),
        *_crud("inbox", "takedownrequest", "change", "view"),
        # Newsletter issues: preview, edit the intro, send a test, send; breaking-news alerts.
        *_crud("audience", "issue", "change", "view"),
    ),
    OPERATOR: (
        *_crud("ingest", "source"),
        *_crud("newsroom", "sitesettings", "change", "view"),
        *_crud("api", "apitoken"),
        # The subscriber list (its export and erase answer privacy requests); not the content.
        *_crud("audience", "subscriber", "change", "delete", "view"),
        "audience.view_subscription",
    ),
}


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        # Permissions are created after migrate; a name missing then is a typo here.
        raise LookupError(f"unknown permissions: {', '.join(sorted(missing))}")
    return found


@transaction.atomic
def ensure_roles() -> dict[str, int]:
    """Create the four groups and give each its permissions; how many permissions each gained.

    Safe to run again: it only adds what is missing, so a permission a site's owner added
    to a group by hand stays (and one they removed comes back: the role needs it).
    """
    added: dict[str, int] = {}
    for name, permission_names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = _permissions(permission_names)
        held = set(group.permissions.values_list("pk", flat=True))
        new = [p for p in wanted if p.pk not in held]
        group.permissions.add(*new)
        added[name] = len(new)
    return added
