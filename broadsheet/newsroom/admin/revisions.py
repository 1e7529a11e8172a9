"""The article admin's Revisions page: every saved revision, two side by side, and restore."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from broadsheet.media.models import Image
from broadsheet.newsroom import compare, revisions, services
from broadsheet.newsroom.models import Article, Section, Tag

# The page lists this many, newest first; older ones are still restorable by URL.
MAX_LISTED = 300


@dataclass(frozen=True)
class Row:
    label: str
    side: compare.SideBySide


def _names(model: Any, ids: list[Any]) -> dict[Any, str]:
    return {obj.pk: str(obj) for obj in model.objects.filter(pk__in=[i for i in ids if i is not None])}


def _name(names: dict[Any, str], value: Any) -> str:
    if value is None:
        return ""
    return names.get(value, f"(deleted, #{value})")


def compare_rows(old: dict[str, Any], new: dict[str, Any]) -> list[Row]:
    """What an editor compares: text word by word; filing and the lead image as whole values."""
    rows = [
        Row("Headline", compare.text(old.get("headline", ""), new.get("headline", ""))),
        Row("Standfirst", compare.text(old.get("dek", ""), new.get("dek", ""))),
        Row("Body", compare.body(old.get("body", ""), new.get("body", ""))),
    ]
    sections = _names(Section, [old.get("section_id"), new.get("section_id")])
    rows.append(
        Row(
            "Section",
            compare.values(_name(sections, old.get("section_id")), _name(sections, new.get("section_id"))),
        )
    )
    statuses: dict[Any, str] = dict(Article.Status.choices)
    rows.append(
        Row(
            "Status", compare.values(statuses.get(old.get("status"), ""), statuses.get(new.get("status"), ""))
        )
    )
    tags = _names(Tag, [*old.get("tags", []), *new.get("tags", [])])

    def tag_list(ids: list[Any]) -> str:
        return ", ".join(sorted(_name(tags, int(i)) for i in ids))

    rows.append(Row("Tags", compare.values(tag_list(old.get("tags", [])), tag_list(new.get("tags", [])))))
    images = _names(Image, [old.get("lead_media_id"), new.get("lead_media_id")])
    rows.append(
        Row(
            "Lead image",
            compare.values(_name(images, old.get("lead_media_id")), _name(images, new.get("lead_media_id"))),
        )
    )
    optional = [
        ("lead_image", "Uploaded lead image"),
        ("lead_image_url", "Remote lead image"),
        ("lead_image_alt", "Lead image alt text"),
        ("lead_image_caption", "Lead image caption"),
        ("lead_image_credit", "Lead image credit"),
        *((name, name.replace("_", " ").capitalize()) for name in revisions.seo_fields()),
    ]
    for name, label in optional:
        a, b = str(old.get(name) or ""), str(new.get(name) or "")
        if a or b:
            rows.append(Row(label, compare.text(a, b)))
    return rows


class RevisionsAdminMixin:
    """Adds <id>/revisions/, <id>/revisions/compare/ and <id>/revisions/<v>/restore/."""

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        info = "newsroom_article"
        return [
            path("<path:object_id>/revisions/", wrap(self.revisions_view), name=f"{info}_revisions"),
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.compare_view),
                name=f"{info}_revisions_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                wrap(self.restore_view),
                name=f"{info}_revisions_restore",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def _article(self, request: HttpRequest, object_id: str) -> Article:
        article = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_permission(request, article):  # type: ignore[attr-defined]
            raise PermissionDenied
        return article  # type: ignore[no-any-return]

    def _context(self, request: HttpRequest, article: Article, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Article._meta,
            "original": article,
            "title": title,
            "may_restore": self.has_change_permission(request, article),  # type: ignore[attr-defined]
        }

    def revisions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._article(request, object_id)
        listed = [
            {
                "id": version.pk,
                "date": version.revision.date_created,
                "label": revisions.local_label(version.revision.date_created),
                "user": revisions.user_label(version.revision.user),
                "comment": version.revision.comment,
            }
            for version in revisions.versions(article)[:MAX_LISTED]
        ]
        context = self._context(request, article, f"Revisions of “{article.headline}”")
        context["revisions"] = listed
        return TemplateResponse(request, "admin/newsroom/article/revisions.html", context)

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._article(request, object_id)
        chosen = request.GET.getlist("version")
        ids = [int(v) for v in chosen if v.isdigit()]
        found = list(revisions.versions(article).filter(pk__in=ids)) if len(set(ids)) == 2 else []
        if len(found) != 2:
            messages.error(request, "Pick two revisions of this article to compare.")
            return HttpResponseRedirect(reverse("admin:newsroom_article_revisions", args=[article.pk]))
        older, newer = sorted(found, key=lambda v: v.pk)
        context = self._context(request, article, f"Compare revisions of “{article.headline}”")
        context.update(
            {
                "older": older,
                "newer": newer,
                "older_label": revisions.local_label(older.revision.date_created),
                "newer_label": revisions.local_label(newer.revision.date_created),
                "older_user": revisions.user_label(older.revision.user),
                "newer_user": revisions.user_label(newer.revision.user),
                "rows": compare_rows(older.field_dict, newer.field_dict),
            }
        )
        return TemplateResponse(request, "admin/newsroom/article/revisions_compare.html", context)

    def restore_view(self, request: HttpRequest, object_id: str, version_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article(request, object_id)
        # Only someone who may change it; services check again and write nothing if not.
        if not self.has_change_permission(request, article):  # type: ignore[attr-defined]
            raise PermissionDenied
        version = revisions.versions(article).filter(pk=version_id).first()
        if version is None:
            raise Http404("No such revision of this article.")
        services.restore_revision(article, version, by=request.user)
        messages.success(
            request,
            f"Restored the revision of {revisions.local_label(version.revision.date_created)}."
            " Status and publication time are unchanged.",
        )
        return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[article.pk]))
