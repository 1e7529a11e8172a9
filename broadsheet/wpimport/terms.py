"""Who and where: WordPress authors, categories and tags as Authors, Sections and Tags."""

from __future__ import annotations

from urllib.parse import unquote

from django.utils.text import slugify

from broadsheet.newsroom.models import RESERVED_SLUGS, Author, LegacyRedirect, Page, Section, Tag, unique_slug
from broadsheet.newsroom.redirects import query_path
from broadsheet.wpimport import paths
from broadsheet.wpimport.convert import plain_text
from broadsheet.wpimport.run import ImportRun

DEFAULT_SECTION = ("uncategorized", "Uncategorized")


def author(run: ImportRun, raw_login: str) -> Author | None:
    # Logins cannot hold angle brackets, but exports do carry a stray one.
    login = raw_login.strip("<> \t\n")
    if not login:
        return None
    if login in run.authors:
        return run.authors[login]
    known = run.authors_by_login.get(login)
    name = ((known.display_name if known else "") or login)[:120]
    # By name first: that is what an earlier import created, and it is the same on every run.
    found = Author.objects.filter(name=name).first() or Author.objects.filter(slug=slugify(login)).first()
    if found is None:
        found = Author.objects.create(name=name, slug=unique_slug(Author, name, max_length=120))
        run.report.add("author", "created")
    else:
        run.report.add("author", "unchanged")
    run.authors[login] = found
    if found.slug != login:
        run.redirect(f"/author/{unquote(login)}/", author=found)
    return found


def category_path(run: ImportRun, slug: str) -> str:
    chain, seen = [slug], {slug}
    parent = run.categories_by_slug.get(slug)
    while parent is not None and parent.parent_slug and parent.parent_slug not in seen:
        chain.insert(0, parent.parent_slug)
        seen.add(parent.parent_slug)
        parent = run.categories_by_slug.get(parent.parent_slug)
    return "/".join(chain)


def section(run: ImportRun, wp_slug: str, name: str) -> Section:
    key = wp_slug or slugify(name)
    if key in run.sections:
        return run.sections[key]
    slug = (paths.clean_slug(wp_slug) or slugify(name) or DEFAULT_SECTION[0])[:80]
    # An earlier import may have had to give the section another slug: its redirect knows.
    earlier = (
        LegacyRedirect.objects.filter(old_path=f"/category/{unquote(wp_slug)}/", section__isnull=False)
        .select_related("section")
        .first()
        if wp_slug
        else None
    )
    found = earlier.section if earlier is not None else Section.objects.filter(slug=slug).first()
    if found is None:
        category = run.categories_by_slug.get(wp_slug)
        display = plain_text(name)[:80] or slug
        if Section.objects.filter(name=display).exists():
            display = f"{display[:70]} ({slug})"[:80]
        if slug in RESERVED_SLUGS or Page.objects.filter(slug=slug).exists():
            slug = unique_slug(Section, f"{slug}-section", max_length=80)
        found = Section.objects.create(
            name=display,
            slug=slug,
            description=plain_text(category.description) if category else "",
            in_menu=not (category and category.parent_slug),
        )
        run.report.add("section", "created")
    else:
        run.report.add("section", "unchanged")
    run.sections[key] = found
    if wp_slug:
        run.redirect(f"/category/{unquote(category_path(run, wp_slug))}/", section=found)
        run.redirect(f"/category/{unquote(wp_slug)}/", section=found)
    category = run.categories_by_slug.get(wp_slug)
    if category is not None and category.term_id:
        run.redirect(query_path("cat", category.term_id), section=found)
    return found


def tag(run: ImportRun, wp_slug: str, name: str) -> Tag:
    key = wp_slug or slugify(name)
    if key in run.tags:
        return run.tags[key]
    display = plain_text(name)[:80] or wp_slug
    slug = paths.clean_slug(wp_slug)[:80]
    found = (Tag.objects.filter(slug=slug).first() if slug else None) or Tag.objects.filter(
        name__iexact=display
    ).first()
    if found is None:
        if not slug or Tag.objects.filter(slug=slug).exists():
            slug = unique_slug(Tag, display or "tag", max_length=80)
        found = Tag.objects.create(name=display, slug=slug)
        run.report.add("tag", "created")
    else:
        run.report.add("tag", "unchanged")
    run.tags[key] = found
    if wp_slug and found.slug != wp_slug:
        run.redirect(f"/tag/{unquote(wp_slug)}/", tag=found)
    return found
