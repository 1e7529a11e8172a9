"""The media library in the admin: a list with thumbnails, searchable by alt text, caption and
credit; an upload form that validates the bytes and returns the existing image for a repeat
upload; the focal point as two numbers with a click-to-set picker (media/focal.js, an external
script, so the admin's CSP stays as strict as the public site's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from broadsheet.media import services
from broadsheet.media.models import Image, Rendition
from broadsheet.media.renditions import FALLBACK, effective_ratio
from broadsheet.media.validation import check_image


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ("file", "alt", "caption", "credit", "focal_x", "focal_y")
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1", "data-focal": "x"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1", "data-focal": "y"}),
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None or "file" not in self.changed_data:
            return upload
        self.checked_data = services.read_upload(upload)
        check_image(self.checked_data)
        return upload


def _thumb_src(image: Image) -> str:
    from django.core.files.storage import default_storage

    smallest = image.rendition_set(effective_ratio(image, ""), FALLBACK)
    return default_storage.url(str(smallest[0][2])) if smallest else image.url


@dataclass(frozen=True)
class Usage:
    label: str  # "lead image"
    noun: str  # "article"
    count: Coalesce


def _usages() -> dict[str, Usage]:
    """For each relation that points at Image (an article's lead or social image, and whatever
    is added later), how many rows use the image, as a correlated subquery: evaluated for the
    listed rows only, and found through Django's relation graph, so the library imports nothing
    that uses it (the same rule as cleanup.unreferenced)."""
    found = {}
    for relation in Image._meta.related_objects:
        model = relation.related_model
        if model is Rendition or isinstance(model, str):
            continue
        field = relation.field
        uses = (
            model._default_manager.filter(**{field.name: OuterRef("pk")})
            .order_by()
            .values(field.name)
            .annotate(n=Count("pk"))
            .values("n")
        )
        found[f"uses_{relation.name}"] = Usage(
            str(field.verbose_name),
            str(model._meta.verbose_name),
            Coalesce(Subquery(uses, output_field=IntegerField()), 0),
        )
    return found


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ("thumbnail", "alt", "caption", "credit", "size", "usage", "added")
    list_display_links = ("thumbnail", "alt")
    search_fields = ("alt", "caption", "credit")
    list_per_page = 60
    show_full_result_count = False
    readonly_fields = ("preview", "size", "sha256", "uploaded_by", "created_at")
    fieldsets = (
        (None, {"fields": ("file", "preview", "alt", "caption", "credit")}),
        ("Focal point", {"fields": ("focal_x", "focal_y"), "description": "Click the picture to set it."}),
        ("Details", {"fields": ("size", "sha256", "uploaded_by", "created_at")}),
    )

    class Media:
        js = ("media/focal.js",)
        css = {"all": ("media/admin.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Image]:
        usages = {name: usage.count for name, usage in _usages().items()}
        return super().get_queryset(request).annotate(**usages)

    @admin.display(description="used as")
    def usage(self, obj: Image) -> str:
        """ "lead image (2 articles)", or "unused" (the clean-up deletes it after a while)."""
        parts = []
        for name, usage in _usages().items():
            n = int(getattr(obj, name, 0) or 0)
            if n:
                parts.append(f"{usage.label} ({n} {usage.noun}{'' if n == 1 else 's'})")
        return ", ".join(parts) or "unused"

    def get_readonly_fields(self, request: HttpRequest, obj: Image | None = None) -> Any:
        # The file is the image: a different picture is a new upload, never a replacement.
        fields = tuple(super().get_readonly_fields(request, obj))
        return ("file", *fields) if obj is not None else fields

    @admin.display(description="image")
    def thumbnail(self, obj: Image) -> SafeString:
        height = round(96 * obj.height / obj.width) if obj.width else 54
        return format_html(
            '<img class="media-thumb" src="{}" width="96" height="{}" alt="" loading="lazy">',
            _thumb_src(obj),
            height,
        )

    @admin.display(description="preview")
    def preview(self, obj: Image) -> SafeString:
        if not obj.pk or not obj.file:
            return format_html("<span>{}</span>", "Shown after the upload.")
        return format_html(
            '<span class="focal-picker"><img class="focal-picker__image" src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-picker__mark" hidden></span></span>',
            obj.url,
            obj.width,
            obj.height,
            obj.alt,
        )

    @admin.display(description="size (px)")
    def size(self, obj: Image) -> str:
        return f"{obj.width} × {obj.height}" if obj.width else ""

    @admin.display(description="added", ordering="created_at")
    def added(self, obj: Image) -> str:
        # A short local date keeps the row to the thumbnail's height at 1366 px.
        return f"{timezone.localtime(obj.created_at):%-d %b %Y}" if obj.created_at else ""

    def save_model(self, request: HttpRequest, obj: Image, form: forms.ModelForm, change: bool) -> None:
        if change:
            obj.save()
            if {"focal_x", "focal_y"} & set(form.changed_data):
                services.focal_changed(obj)
            return
        upload = form.cleaned_data["file"]
        obj.uploaded_by = request.user  # type: ignore[assignment]
        obj.file = None  # type: ignore[assignment]  # store() saves the checked bytes itself
        stored = services.store(obj, getattr(form, "checked_data", b""), upload.name)
        if stored is not obj:
            messages.info(request, "This image was already in the library: here it is, stored once.")
            obj.__dict__.update({k: v for k, v in stored.__dict__.items() if k != "_state"})
            obj._state.adding = False
