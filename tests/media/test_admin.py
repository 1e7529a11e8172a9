"""The library in the admin: upload (validated, stored once), thumbnails and search, the focal
point, and the article form's picker."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from broadsheet.media.models import Image
from tests.media.conftest import halves

pytestmark = pytest.mark.django_db

ADD = "admin:media_image_add"


def _post(client, data: bytes, alt: str = "Cranes over the container port", **extra):
    form = {"alt": alt, "caption": "", "credit": "", "focal_x": "0.5", "focal_y": "0.5", **extra}
    form["file"] = SimpleUploadedFile("cranes.jpg", data, content_type="image/jpeg")
    return client.post(reverse(ADD), form)


def test_upload_through_the_admin_then_the_same_file_again(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    data = halves(1000, 600)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(admin_client, data)
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == admin_user and image.alt == "Cranes over the container port"
    assert image.rendition_set("", "webp")

    again = _post(admin_client, data, alt="A second description", _continue="1")
    assert again.status_code == 302 and again["Location"] == reverse(
        "admin:media_image_change", args=[image.pk]
    )
    assert Image.objects.count() == 1
    page = admin_client.get(again["Location"]).content.decode()
    assert "already in the library" in page


def test_the_admin_refuses_a_missing_alt_and_a_non_image(admin_client):
    response = _post(admin_client, halves(300, 200), alt="")
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = _post(admin_client, b"GIF89a not really")
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Image.objects.count() == 0


def test_changelist_has_thumbnails_and_searches_alt_text(admin_client, upload):
    upload(halves(800, 450), alt="Gulls over the fish market", name="gulls.jpg")
    upload(halves(801, 450), alt="Rain on the promenade", name="rain.jpg")
    listing = admin_client.get(reverse("admin:media_image_changelist") + "?q=gulls").content.decode()
    assert "Gulls over the fish market" in listing and "Rain on the promenade" not in listing
    assert re.search(
        r'<img class="media-thumb" src="/media/renditions/[^"]+-320\.jpeg" width="96" height="54"', listing
    )


def test_changing_the_focal_point_remakes_the_crops(admin_client, upload, django_capture_on_commit_callbacks):
    image = upload(halves(1200, 600))
    before = image.rendition_set("16:9", "jpeg")
    page = admin_client.get(reverse("admin:media_image_change", args=[image.pk])).content.decode()
    assert 'src="/static/media/focal.js"' in page and 'class="focal-picker__image"' in page
    form = {"alt": image.alt, "caption": "", "credit": "", "focal_x": "0.2", "focal_y": "0.5"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:media_image_change", args=[image.pk]), form)
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.2, 0.5)
    assert image.rendition_set("16:9", "jpeg") != before


def test_the_article_form_picks_a_lead_image_from_the_library(admin_client, upload, make_article):
    image = upload(halves(800, 450), alt="Night ferry")
    article = make_article(lead_media=image)
    page = admin_client.get(reverse("admin:newsroom_article_change", args=[article.pk])).content.decode()
    assert re.search(r'<select name="lead_media"[^>]*class="[^"]*admin-autocomplete', page)
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "night", "app_label": "newsroom", "model_name": "article", "field_name": "lead_media"},
    ).json()
    assert [r["text"] for r in found["results"]] == ["Night ferry"]


def test_changelist_says_what_uses_each_image(admin_client, upload, make_article):
    lead, social, spare = (
        upload(halves(400, 300, left=c), alt=a)
        for c, a in (((200, 0, 0), "Lead"), ((0, 200, 0), "Social"), ((0, 0, 200), "Spare"))
    )
    make_article(lead_media=lead)
    make_article(lead_media=lead, social_image=social)
    html = admin_client.get("/admin/media/image/").content.decode()
    rows = {alt: html[html.index(f">{alt}<") :][:600] for alt in ("Lead", "Social", "Spare")}
    assert "lead image (2 articles)" in rows["Lead"]
    assert "social image (1 article)<" in rows["Social"]
    assert "unused" in rows["Spare"]
