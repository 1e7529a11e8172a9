"""Admin forms for newsroom content: the rich-text widget, slug rules and lead-image size."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models

from broadsheet.core import clock
from broadsheet.core.markup_cost import MarkupTooComplex, check_markup
from broadsheet.newsroom.models import RESERVED_SLUGS, Article, Page, Section
from broadsheet.newsroom.sitetime import site_time_label

logger = logging.getLogger(__name__)


class RichTextWidget(forms.Textarea):
    """A textarea that `newsroom/editor.js` turns into a small rich-text editor.

    The script is a static, deferred file (the admin runs under a Content-Security-Policy),
    and without it the editor simply gets the textarea with the HTML in it. Whatever comes
    back is sanitised on save, so the editor is a convenience, never a safety boundary.
    """

    class Media:
        css = {"all": ("newsroom/editor.css",)}
        # Deferred scripts run in order: Tiptap's bundle first (frontend/editor builds it).
        js = (
            forms.Script("newsroom/vendor/tiptap.min.js", defer=True),
            forms.Script("newsroom/editor.js", defer=True),
        )

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults: dict[str, Any] = {"class": "vLargeTextField", "rows": 20, "data-richtext": "1"}
        super().__init__({**defaults, **(attrs or {})})


def validate_not_reserved(slug: str) -> None:
    """Refuse slugs that would shadow a fixed site URL (/admin/, /feed/, /search/ …)."""
    if slug and slug.lower() in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is reserved for a site address; choose another slug.",
            code="reserved_slug",
            params={"slug": slug},
        )


def validate_sanitisable(body: str) -> None:
    """Refuse a body the sanitiser would refuse on save (services.save_article and the page
    admin sanitise it), so the editor gets a form error on the field instead of a server error."""
    try:
        check_markup(body)
    except MarkupTooComplex as exc:
        raise ValidationError(
            "This text is nested too deeply to clean safely (%(reason)s). Close each tag where "
            "it ends (<b>, <i>, <div> …), remove pasted formatting, or split the text in parts.",
            code="too_complex",
            params={"reason": str(exc)},
        ) from exc


def https_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Model fields to form fields, taking a bare host in a URL field as https (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    """The article form: optional slug (made from the headline), schedule rules, image size."""

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "dek",
            "body",
            "section",
            "author",
            "byline",
            "tags",
            "status",
            "published_at",
            "language",
            "lead_media",
            "lead_image",
            "lead_image_url",
            "lead_image_alt",
            "lead_image_caption",
            "lead_image_credit",
            "seo_title",
            "meta_description",
            "social_image",
            "source_name",
            "source_home_url",
            "canonical_url",
        )
        widgets = {
            "body": RichTextWidget(),
            "dek": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            # A textarea (the description is a sentence or two); maxlength comes from the field.
            "meta_description": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        }
        formfield_callback = https_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # services.save_article makes a free slug from the headline when this is empty.
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Leave empty to make one from the headline."
        if "lead_image" in self.fields and "lead_media" in self.fields:
            # Two fields would both read "Lead image": the library's is the one to use.
            self.fields["lead_image"].label = "Or upload a file here"
            self.fields["lead_image"].help_text = "Shown at full size everywhere: prefer the library above."
        if "published_at" in self.fields:
            # Typed and shown in the site's zone, whatever the editor's computer says.
            self.fields["published_at"].help_text = (
                f"{site_time_label()}. With status Published, a future time schedules the "
                "article; empty means now."
            )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug") or ""
        validate_not_reserved(slug)
        return slug

    def clean_body(self) -> str:
        body: str = self.cleaned_data.get("body") or ""
        # An unchanged body is not sanitised again on save (services.save_article), so one
        # stored before these limits, or grown by the sanitiser, never blocks other edits.
        if "body" in self.changed_data:
            validate_sanitisable(body)
        return body

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A published article without a date would be neither public nor scheduled.
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = clock.now()
        return cleaned

    def save(self, commit: bool = True) -> Article:
        self._record_lead_image_size()
        self._copy_library_image()
        article: Article = super().save(commit=commit)
        return article

    def _record_lead_image_size(self) -> None:
        """Copy the uploaded image's pixel size onto the article (the model keeps it in
        separate fields so remote lead images can carry a size too)."""
        if "lead_image" not in self.changed_data:
            return
        upload = self.cleaned_data.get("lead_image")
        article = self.instance
        if not upload:
            # Cleared: the size described the file that is gone.
            article.lead_image_width = article.lead_image_height = None
            return
        image = getattr(upload, "image", None) if isinstance(upload, UploadedFile) else None
        if image is None:
            logger.warning("lead image upload without a decoded image; size not recorded")
            return
        article.lead_image_width, article.lead_image_height = image.size

    def _copy_library_image(self) -> None:
        """A library image chosen as the lead: its size, and its alt text, caption and credit
        where the article has none, go onto the article's lead-image fields, which the feeds,
        the API and the meta tags read."""
        chosen = self.cleaned_data.get("lead_media")
        if "lead_media" not in self.changed_data or chosen is None:
            return
        article = self.instance
        article.lead_image_width, article.lead_image_height = chosen.width, chosen.height
        article.lead_image_alt = article.lead_image_alt or chosen.alt
        article.lead_image_caption = article.lead_image_caption or chosen.caption
        article.lead_image_credit = article.lead_image_credit or chosen.credit


def _clean_shared_slug(slug: str, other: type[Section] | type[Page], other_name: str) -> str:
    """A slug for /<slug>/, which sections and pages share: not reserved, nor the other's."""
    validate_not_reserved(slug)
    if slug and other._default_manager.filter(slug=slug).exists():
        raise ValidationError(f"A {other_name} already uses this address.", code="slug_taken")
    return slug


class SectionAdminForm(forms.ModelForm):
    """Sections and static pages share one URL namespace (/<slug>/), so neither may take
    a reserved slug or the other's slug."""

    class Meta:
        model = Section
        fields = ("name", "slug", "description", "order", "in_menu")

    def clean_slug(self) -> str:
        return _clean_shared_slug(self.cleaned_data.get("slug") or "", Page, "page")


class PageAdminForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = ("title", "slug", "body", "form", "in_contact_menu", "in_footer", "order")
        widgets = {"body": RichTextWidget()}

    def clean_slug(self) -> str:
        return _clean_shared_slug(self.cleaned_data.get("slug") or "", Section, "section")

    def clean_body(self) -> str:
        body: str = self.cleaned_data.get("body") or ""
        validate_sanitisable(body)
        return body
