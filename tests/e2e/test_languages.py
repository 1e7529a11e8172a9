"""An aggregated Urdu story in Chromium (#13): its headline and text read right to left, the
site's own words around them stay left to right, and the byline names the person, not an address."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Section

URDU_BODY = (
    "<p>کراچی کی بندرگاہ کے قریب ماہی گیروں کے لیے نئی منڈی کا افتتاح ہفتے کو کیا گیا۔ ماہی گیروں کا "
    "کہنا ہے کہ اب انہیں اپنی مچھلی بیچنے کے لیے شہر کے دوسرے کنارے تک نہیں جانا پڑے گا۔</p>"
)


def test_urdu_story_reads_right_to_left(page, live_server, transactional_db, tmp_path):  # type: ignore[no-untyped-def]
    section = Section.objects.create(name="World", slug="world", order=1)
    article = Article(
        headline="کراچی میں ماہی گیروں کی نئی منڈی کا افتتاح",
        slug="karachi-mandi",
        body=URDU_BODY,
        section=section,
        byline="news@sahil.example (علی رضا)",  # stored raw, as before #13
        language="ur",
        canonical_url="https://sahil.example/ur/mandi",
        source_name="Sahil Akhbar",
        status=Article.Status.PUBLISHED,
        published_at=clock.now(),
    )
    services.save_article(article)
    page.goto(live_server.url + article.get_absolute_url())
    story = page.locator("article.story")
    for part in (".story__headline", ".story__body"):
        assert page.locator(part).evaluate("el => getComputedStyle(el).direction") == "rtl"
        assert page.locator(part).get_attribute("lang") == "ur"
    # The site's own words around the story ("By", "Originally published by") stay English, LTR.
    for part in ("header", ".story__meta", ".story__continue"):
        assert page.locator(part).first.evaluate("el => getComputedStyle(el).direction") == "ltr"
    byline = page.locator(".story__byline").inner_text()
    assert "علی رضا" in byline and "@" not in byline
    # The headline starts at the right edge of the story column.
    head = page.locator(".story__headline").bounding_box()
    column = story.bounding_box()
    assert head is not None and column is not None
    assert abs((head["x"] + head["width"]) - (column["x"] + column["width"])) < 40
    shot = tmp_path / "urdu-story-1366.png"
    page.screenshot(path=str(shot))
    if os.environ.get("E2E_SCREENSHOT_DIR"):
        shutil.copy(shot, Path(os.environ["E2E_SCREENSHOT_DIR"]) / shot.name)
