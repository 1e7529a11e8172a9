"""The editor's Preview button: the article page drawn from the form as it is now, before
(or without) saving it.

The form is POSTed (with its CSRF token) from the admin to here and validated by the admin's
own form class, so the preview shows exactly what Save would store, sanitised the same way;
the Article it draws is never saved (nothing is written: no row, no slug, no file, no tags).
An invalid form answers with the form's errors, as the admin would show them.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from broadsheet.core.sanitize import sanitize_html
from broadsheet.core.types import Link
from broadsheet.media.body import images_for
from broadsheet.newsroom import permissions
from broadsheet.newsroom.models import Article
from broadsheet.site.excerpts import story_text


def _stored(request: HttpRequest, article_id: int | None) -> Article | None:
    if article_id is None:
        if not request.user.has_perm(permissions.ADD):
            raise PermissionDenied("You may not write articles.")
        return None
    found = Article.objects.filter(pk=article_id).first()
    if found is None:
        raise Http404("No such article.")
    if not permissions.may_change(request.user, found):
        raise PermissionDenied("You may not change this article.")
    return found


@require_POST
def article_preview(request: HttpRequest, article_id: int | None = None) -> HttpResponse:
    stored = _stored(request, article_id)
    model_admin = admin.site._registry[Article]
    form_class = model_admin.get_form(request, stored, change=stored is not None)
    form = form_class(request.POST, request.FILES, instance=stored or Article())
    if not form.is_valid():
        response = render(request, "site/article_preview_errors.html", {"form": form}, status=400)
    else:
        article = form.save(commit=False)
        article.body = sanitize_html(article.body, base_url=article.canonical_url or None)
        tags = form.cleaned_data.get("tags")
        context = {
            "article": article,
            "tags": list(tags) if tags is not None else [],
            "body_images": images_for(article.body),
            "preview": False,  # the story's own banner is for stored drafts; this page has its own
            "nav_slug": article.section.slug,
            "crumbs": [Link(article.section.name, article.section.get_absolute_url())],
            "text": story_text(article),  # what {% story %} gives story.html on the real page
        }
        response = render(request, "site/article_preview.html", context)
    # Only for the editor looking at it: no cache may keep it.
    add_never_cache_headers(response)
    return response
