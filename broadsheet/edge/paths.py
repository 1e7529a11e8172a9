"""The public paths that show an article: the pages to purge when it changes.

Content does not know the site's URLs: the `published` signal carries a snapshot of where
the article was listed before the change and where it is listed after (section, slug,
author, tags, month; newsroom/signals.py), and this turns each into the site's paths by URL
name. Both sides count, so a move to another section, a new slug or a withdrawal also
purges the pages that stop showing it.
"""

from __future__ import annotations

from django.urls import reverse

from broadsheet.newsroom.signals import ArticleSnapshot


def article_paths(snapshot: ArticleSnapshot | None) -> list[str]:
    """Every public path that shows or lists the article as `snapshot` describes it."""
    if snapshot is None:
        return []
    section = snapshot.section
    year, month = snapshot.month
    paths = [
        "/",
        reverse("site:article", kwargs={"section": section, "slug": snapshot.slug}),
        reverse("site:section", kwargs={"section": section}),
        reverse("site:section_feed", kwargs={"section": section}),
        reverse("site:archive", kwargs={"year": year, "month": f"{month:02d}"}),
        reverse("site:feed"),
        reverse("site:atom_feed"),
        "/sitemap.xml",
        "/news-sitemap.xml",
    ]
    if snapshot.author is not None:
        paths.append(reverse("site:author", kwargs={"slug": snapshot.author}))
    paths.extend(reverse("site:tag", kwargs={"slug": slug}) for slug in snapshot.tags)
    return paths


def changed_paths(before: ArticleSnapshot | None, after: ArticleSnapshot | None) -> list[str]:
    """The paths that showed the article before a change or show it after, each once."""
    return sorted({*article_paths(before), *article_paths(after)})
