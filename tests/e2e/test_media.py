"""Chromium on the demo home page as a phone sees it (390 px wide, DPR 2): every card picture
comes from the media library's renditions, and the images it loads weigh at most 150 KB."""

from __future__ import annotations

import pytest

from broadsheet.demo.loader import load_demo
from tests.e2e.test_site import serve_media

IMAGE_BUDGET_BYTES = 150 * 1024


@pytest.fixture
def demo(transactional_db, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()


def test_demo_home_on_a_phone_loads_renditions_within_the_image_budget(browser, live_server, demo):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    serve_media(page, live_server.url)
    loaded: dict[str, int] = {}

    def record(response) -> None:  # type: ignore[no-untyped-def]
        if response.request.resource_type == "image" and "/media/" in response.url:
            loaded[response.url] = len(response.body())

    page.on("response", record)
    page.goto(live_server.url + "/", wait_until="networkidle")
    try:
        pictures = page.locator(".card__media picture")
        assert pictures.count() >= 5
        assert page.locator(".card__media img:not([srcset])").count() == 0
        for source in page.locator('.card__media source[type="image/webp"]').all():
            assert len((source.get_attribute("srcset") or "").split(",")) >= 3
        # The lead card is full width: at DPR 2 the browser picks a rendition, not the original.
        lead = page.locator(".card--lead .card__media img")
        current = lead.evaluate("img => img.currentSrc")
        assert "/media/renditions/" in current and current.endswith(".webp"), current
        assert loaded, "no image was loaded"
        assert all("/media/renditions/" in url for url in loaded), sorted(loaded)
        assert sum(loaded.values()) <= IMAGE_BUDGET_BYTES, loaded
    finally:
        context.close()


@pytest.fixture
def library_image(transactional_db):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from broadsheet.media import services
    from tests.media.conftest import halves

    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    return services.upload(halves(1200, 600), name="quay.jpg", alt="Red and blue halves").image


def test_an_editor_sets_the_focal_point_by_clicking_and_sees_new_crops(page, live_server, library_image):
    from broadsheet.media.models import Image
    from tests.e2e.test_site import watch

    seen = watch(page, live_server.url)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    library_image.refresh_from_db()
    before = library_image.rendition_set("16:9", "jpeg")
    assert before  # made by the task after the upload

    page.goto(live_server.url + f"/admin/media/image/{library_image.pk}/change/")
    picture = page.locator(".focal-picker__image")
    picture.evaluate("img => img.decode()")
    box = picture.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    assert abs(float(page.input_value("#id_focal_x")) - 0.25) < 0.02
    assert abs(float(page.input_value("#id_focal_y")) - 0.75) < 0.02
    assert page.locator(".focal-picker__mark").is_visible()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")

    image = Image.objects.get(pk=library_image.pk)
    assert abs(image.focal_x - 0.25) < 0.02
    after = image.rendition_set("16:9", "jpeg")
    assert after and after != before
    assert seen.errors == [] and seen.csp_violations() == []
