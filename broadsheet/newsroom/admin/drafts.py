"""The article form's autosave and presence: JSON endpoints for autosave.js, and what the
change form shows on opening (an autosave to restore, who else has the article open)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone

from broadsheet.newsroom import autosave, presence
from broadsheet.newsroom.models import Article


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _saved_label(moment: Any) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


class DraftsAdminMixin:
    """Adds autosave/, autosave/discard/ and <id>/presence/ to the article admin."""

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("autosave/", wrap(self.autosave_view), name="newsroom_article_autosave"),
            path(
                "autosave/discard/",
                wrap(self.autosave_discard_view),
                name="newsroom_article_autosave_discard",
            ),
            path("<path:object_id>/presence/", wrap(self.presence_view), name="newsroom_article_presence"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def _writable(self, request: HttpRequest, article_id: int | None) -> Article | None:
        """The article the user is writing (None: a new one), or PermissionDenied / LookupError."""
        if article_id is None:
            if not self.has_add_permission(request):  # type: ignore[attr-defined]
                raise PermissionDenied
            return None
        article = Article.objects.filter(pk=article_id).first()
        if article is None:
            raise LookupError(article_id)
        if not self.has_change_permission(request, article):  # type: ignore[attr-defined]
            raise PermissionDenied
        return article

    def _post(self, request: HttpRequest) -> tuple[int | None, dict[str, Any]] | JsonResponse:
        if request.method != "POST":
            return _error("POST the form's fields as JSON.", 405)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > autosave.MAX_BYTES:
            return _error(f"An autosave is at most {autosave.MAX_BYTES // 1000} KB.", 413)
        try:
            return autosave.parse(request.body)
        except autosave.AutosaveError as exc:
            return _error(str(exc), 400)

    def autosave_view(self, request: HttpRequest) -> HttpResponse:
        parsed = self._post(request)
        if isinstance(parsed, JsonResponse):
            return parsed
        article_id, data = parsed
        try:
            article = self._writable(request, article_id)
        except PermissionDenied:
            return _error("You may not change this article.", 403)
        except LookupError:
            return _error("No such article.", 404)
        saved = autosave.store(request.user, article, data)
        label = _saved_label(saved.saved_at)
        return JsonResponse({"saved_at": saved.saved_at.isoformat(), "label": f"Saved draft {label}"})

    def autosave_discard_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return _error('POST {"article": id or null}.', 405)
        try:
            payload = json.loads(request.body or b"{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _error(f"Not valid JSON: {exc}.", 400)
        article_id = payload.get("article") if isinstance(payload, dict) else None
        if article_id is not None and not isinstance(article_id, int):
            return _error('"article" must be an article id or null.', 400)
        # Only the user's own autosave is ever deleted; nothing to check beyond that.
        autosave.discard(request.user, Article(pk=article_id) if article_id else None)
        return JsonResponse({"discarded": True})

    def presence_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return _error("POST to say the form is open.", 405)
        article = Article.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if article is None:
            return _error("No such article.", 404)
        if not self.has_view_permission(request, article):  # type: ignore[attr-defined]
            return _error("You may not see this article.", 403)
        try:
            payload = json.loads(request.body or b"{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _error(f"Not valid JSON: {exc}.", 400)
        if isinstance(payload, dict) and payload.get("leaving") is True:
            presence.leave(article, request.user)
        else:
            presence.touch(article, request.user)
        return JsonResponse({"others": [viewer.message for viewer in presence.others(article, request.user)]})

    def drafts_context(self, request: HttpRequest, obj: Article | None, add: bool) -> dict[str, Any]:
        """What the change form's autosave and presence partial needs."""
        article = obj if obj is not None and obj.pk else None
        writable = (
            self.has_add_permission(request)  # type: ignore[attr-defined]
            if article is None
            else self.has_change_permission(request, article)  # type: ignore[attr-defined]
        )
        context: dict[str, Any] = {
            "bs_drafts": writable,
            "bs_autosave_url": reverse("admin:newsroom_article_autosave"),
            "bs_autosave_discard_url": reverse("admin:newsroom_article_autosave_discard"),
            "bs_article_id": article.pk if article is not None else "",
            "bs_presence_url": reverse("admin:newsroom_article_presence", args=[article.pk])
            if article
            else "",
            "bs_autosave": None,
            "bs_others": [],
        }
        if request.method != "GET":
            # A form sent back with errors already holds what the editor typed.
            return context
        if article is not None:
            presence.touch(article, request.user)
            context["bs_others"] = [viewer.message for viewer in presence.others(article, request.user)]
        pending = autosave.pending(request.user, article) if writable else None
        if pending is not None:
            context["bs_autosave"] = {
                "fields": pending.data.get("fields", {}),
                "labels": pending.data.get("labels", {}),
                "label": f"{timezone.localtime(pending.saved_at):%-d %b %H:%M}",
            }
        return context

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Article | None = None,
    ) -> HttpResponse:
        context.update(self.drafts_context(request, obj, add))
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc,no-any-return]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        # A real save: the autosave has served (for a new article, the one kept without an id).
        autosave.discard(request.user, form.instance)
        if not change:
            autosave.discard(request.user, None)
