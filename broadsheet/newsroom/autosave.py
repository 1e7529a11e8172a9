"""Autosave: an editor's unsaved form kept aside per user and article, never on the article.

The admin's autosave.js posts the form's fields every few seconds; a banner offers them back
when the editor opens the article again. The article row is written only by a real save,
which deletes the autosave.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from broadsheet.newsroom.models import Article, ArticleAutosave

# A long feature with markup is a few hundred KB; this leaves room and refuses a flood.
MAX_BYTES = 1_000_000
# More fields than the article form could ever have means it is not the article form.
MAX_FIELDS = 200


class AutosaveError(ValueError):
    """The posted autosave is not one: the message says why, for the JSON answer."""


def parse(raw: bytes) -> tuple[int | None, dict[str, Any]]:
    """(article id or None, fields) from the posted JSON `{"article": id|null, "fields": {...}}`.

    Fields are strings, or lists of strings (a multiple select); anything else is refused."""
    if len(raw) > MAX_BYTES:
        raise AutosaveError(f"An autosave is at most {MAX_BYTES // 1000} KB.")
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AutosaveError(f"The autosave is not valid JSON: {exc}.") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("fields"), dict):
        raise AutosaveError('The autosave must be an object with "fields": {name: value}.')
    article_id = payload.get("article")
    if article_id is not None and (not isinstance(article_id, int) or isinstance(article_id, bool)):
        raise AutosaveError('"article" must be an article id or null.')
    fields = payload["fields"]
    if len(fields) > MAX_FIELDS:
        raise AutosaveError(f"An autosave has at most {MAX_FIELDS} fields.")
    for name, value in fields.items():
        if isinstance(value, str):
            continue
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            continue
        raise AutosaveError(f"Field {name!r} must be a string or a list of strings.")
    # The text of chosen options (autocompletes hold only those), to show them again.
    labels = payload.get("labels", {})
    if not isinstance(labels, dict) or not all(
        isinstance(options, dict) and all(isinstance(text, str) for text in options.values())
        for options in labels.values()
    ):
        raise AutosaveError('"labels" must be {field: {value: text}}.')
    return article_id, {"fields": fields, "labels": labels}


def store(user: Any, article: Article | None, data: dict[str, Any]) -> ArticleAutosave:
    autosave, _ = ArticleAutosave.objects.update_or_create(
        user=user, article=article, defaults={"data": data, "saved_at": timezone.now()}
    )
    return autosave


def pending(user: Any, article: Article | None) -> ArticleAutosave | None:
    """The user's autosave worth offering: newer than the stored article (any, for a new one)."""
    autosave = ArticleAutosave.objects.filter(user=user, article=article).first()
    if autosave is None:
        return None
    if article is not None and article.updated_at is not None and autosave.saved_at <= article.updated_at:
        return None
    return autosave


def discard(user: Any, article: Article | None) -> None:
    ArticleAutosave.objects.filter(user=user, article=article).delete()
