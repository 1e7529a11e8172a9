"""An Author's picture, end to end in Chromium: upload it to the library with its alt text,
caption and credit, set its focal point by clicking, lead a story with it, publish, and find it
on the public page as renditions (srcset of several widths, WebP and a JPEG fallback, width
and height)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect

from broadsheet.media.models import Image
from broadsheet.newsroom import roles
from broadsheet.newsroom.models import Article, Section
from tests.e2e.test_site import watch
from tests.media.conftest import halves

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def author(transactional_db):  # type: ignore[no-untyped-def]
    roles.ensure_roles()
    Section.objects.create(name="Business", slug="business", order=1)
    user = get_user_model().objects.create_user("ada", password="pw-ada-long-enough", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.AUTHOR))
    return user


def test_an_author_uploads_a_picture_sets_its_focus_and_sees_renditions_on_the_page(
    page, live_server, author, tmp_path
):
    seen = watch(page, live_server.url)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", "pw-ada-long-enough")
    page.click("input[type=submit]")

    # Upload: red on the left, blue on the right.
    picture = tmp_path / "quay.jpg"
    picture.write_bytes(halves(1600, 900))
    page.goto(live_server.url + "/admin/media/image/add/")
    page.set_input_files("#id_file", str(picture))
    page.fill("#id_alt", "The north quay at low tide")
    page.fill("#id_caption", "The quay before the works begin.")
    page.fill("#id_credit", "Ada Lind")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_be_visible()
    image = Image.objects.get()
    assert (image.alt, image.credit, image.uploaded_by_id) == (
        "The north quay at low tide",
        "Ada Lind",
        author.pk,
    )

    # The focal point on the blue half, far right.
    preview = page.locator(".focal-picker__image")
    preview.evaluate("img => img.decode()")
    box = preview.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.5)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_be_visible()
    image.refresh_from_db()
    assert abs(image.focal_x - 0.9) < 0.02

    # A story led by it, chosen through the library's autocomplete, published by the Author.
    page.goto(live_server.url + "/admin/newsroom/article/add/")
    page.fill("#id_headline", "Quay works begin in spring")
    page.select_option("#id_section", label="Business")
    page.evaluate(
        """() => {
        const body = document.querySelector('#id_body');
        body.value = '<p>The harbour board will extend the north quay by forty metres.</p>';
        body.dispatchEvent(new CustomEvent('bs:body-replaced', {bubbles: true}));
        body.dispatchEvent(new Event('input', {bubbles: true}));
    }"""
    )
    page.locator("#id_lead_media").locator(
        "xpath=following-sibling::span[contains(@class,'select2')]"
    ).click()
    page.locator(".select2-container--open .select2-search__field").fill("north quay")
    page.locator(".select2-results__option", has_text="The north quay at low tide").click()
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    article = Article.objects.get()
    assert article.lead_media_id == image.pk and article.status == Article.Status.PUBLISHED

    # The public page: renditions with srcset, WebP and a JPEG fallback, width and height.
    cache.clear()
    page.goto(live_server.url + article.get_absolute_url(), wait_until="networkidle")
    lead = page.locator("article picture").first
    webp = lead.locator('source[type="image/webp"]')
    assert len((webp.get_attribute("srcset") or "").split(",")) >= 3
    img = lead.locator("img")
    assert img.get_attribute("width") and img.get_attribute("height")
    assert (img.get_attribute("alt") or "") == "The north quay at low tide"
    assert ".jpg" in (img.get_attribute("src") or "") or ".jpeg" in (img.get_attribute("src") or "")
    current = img.evaluate("el => el.currentSrc")
    assert "/media/renditions/" in current and current.endswith(".webp"), current
    assert img.evaluate("el => el.complete && el.naturalWidth > 0")
    # The caption and credit are the library's.
    text = page.locator("article.story figcaption").first.text_content() or ""
    assert "The quay before the works begin." in text and "Ada Lind" in text
    assert seen.errors == [] and seen.csp_violations() == []
