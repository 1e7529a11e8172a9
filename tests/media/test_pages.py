"""The {% picture %} tag and the public pages that use it: srcset of at least three widths,
width and height, a WebP/AVIF source, the original while renditions are missing, and no query
per card."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from broadsheet.media.models import Image
from tests.media.conftest import halves

pytestmark = pytest.mark.django_db


def render(image: Image, extra: str = "") -> str:
    template = Template(
        '{% load pictures %}{% picture image ratio="16:9" sizes="(min-width: 60em) 33vw, 100vw"'
        + extra
        + " %}"
    )
    return template.render(Context({"image": image}))


def _widths(srcset: str) -> list[int]:
    return [int(w) for w in re.findall(r" (\d+)w", srcset)]


def test_the_tag_writes_a_picture_with_a_modern_source_and_a_jpeg_img(upload):
    image = upload(halves(2000, 1000), alt='A "ferry" & its pier')
    html = render(image)
    source = re.search(
        r'<source type="image/webp" srcset="([^"]+)" sizes="\(min-width: 60em\) 33vw, 100vw">', html
    )
    assert source and _widths(source.group(1)) == [320, 640, 960, 1280, 1778]
    img = re.search(r"<img ([^>]+)>", html).group(1)
    assert _widths(re.search(r'srcset="([^"]+)"', img).group(1)) == [320, 640, 960, 1280, 1778]
    assert re.search(r'src="/media/renditions/[^"]+-960\.jpeg"', img)
    assert 'width="1778" height="1000"' in img
    assert 'alt="A &quot;ferry&quot; &amp; its pier"' in img
    assert 'loading="lazy"' in img and 'decoding="async"' in img
    assert html.startswith("<picture>") and html.endswith("</picture>")


def test_decorative_and_eager(upload):
    image = upload(halves(1200, 675))
    html = render(image, ' alt="" eager=True class_="card__img"')
    assert 'alt=""' in html and 'fetchpriority="high"' in html and "loading=" not in html
    assert 'class="card__img"' in html


def test_missing_renditions_show_the_original_and_are_asked_for(upload):
    image = upload(halves(1000, 500))
    Image.objects.filter(pk=image.pk).update(renditions={})
    image.refresh_from_db()
    cache.clear()
    html = render(image)
    assert html == (
        f'<img src="{image.url}" alt="{image.alt}" width="1000" height="500" loading="lazy" decoding="async">'
    )
    # The request went to the task queue (run at once in tests): the next render has them.
    image.refresh_from_db()
    assert "<picture>" in render(image)


def test_article_page_and_cards_show_the_library_image(upload, make_article):
    image = upload(
        halves(1600, 1000), alt="Boats at the north pier", caption="Morning boats.", credit="Ada Lens"
    )
    lead = make_article(headline="Ferry returns to the harbor", lead_media=image)
    others = [make_article(lead_media=image) for _ in range(2)]
    client = Client()
    page = client.get(lead.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="story__figure">(.*?)</figure>', page, re.S).group(1)
    assert '<source type="image/webp"' in figure
    assert 'class="story__image"' in figure and 'alt="Boats at the north pier"' in figure
    assert 'width="1600" height="1000"' in figure and 'fetchpriority="high"' in figure
    assert "Morning boats." in figure and "Credit: Ada Lens" in figure
    assert 'property="og:image" content="http://testserver/media/library/' in page

    home = client.get("/").content.decode()
    cards = re.findall(r'<a class="card__media"[^>]*>(.*?)</a>', home, re.S)
    assert len(cards) >= 3
    for card in cards:
        assert '<source type="image/webp"' in card and 'alt=""' in card
        assert len(_widths(re.search(r'srcset="([^"]+)"', card).group(1))) >= 3
        assert 'width="1600" height="900"' in card  # 16:9 crop
    assert others


def _count(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def test_pictures_add_no_query_per_card(upload, make_article):
    urls = ["/", "/business/"]
    with override_settings(BROADSHEET_PAGE_CACHE=False):
        plain = [make_article() for _ in range(3)]
        cache.clear()
        before = {url: _count(Client(), url) for url in urls}
        for n, article in enumerate(plain):
            article.lead_media = upload(halves(800 + n, 450), name=f"p{n}.jpg")
            article.save(update_fields=["lead_media"])
        for _ in range(8):
            make_article(lead_media=upload(halves(900 + _, 500), name=f"q{_}.jpg"))
        cache.clear()
        after = {url: _count(Client(), url) for url in urls}
    assert after == before


def test_popular_thumbnails_use_renditions(upload, make_article):
    from django.template.loader import render_to_string

    from broadsheet.readership.popular import compute_popular

    image = upload(halves(1600, 900), alt="Lanterns on the quay")
    make_article(lead_media=image)
    item = compute_popular()[0]
    assert _widths(item["image_srcset"]) == [320, 640, 960, 1280, 1600]
    assert item["image_src"].endswith("-320.jpeg") and item["image_modern_type"] == "image/webp"
    html = render_to_string("site/includes/popular.html", {"items": [item]})
    assert '<picture><source type="image/webp" srcset="' in html and 'sizes="5rem"' in html
    assert 'alt="Lanterns on the quay"' in html
