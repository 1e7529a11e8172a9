"""Library images in a stored body: found by id, drawn as <picture> with srcset on the page,
recorded on the article (so cleanup keeps them and they cannot be deleted)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db.models import ProtectedError
from django.test import Client

from broadsheet.core import clock
from broadsheet.media import body, cleanup
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article
from tests.media.conftest import halves

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("html", "ids"),
    [
        ("", []),
        ("<p>No pictures.</p>", []),
        ('<img src="/a.jpg" alt="x">', []),
        ('<figure><img data-media-id="7" src="/a.jpg" alt="x"></figure>', [7]),
        (
            '<img src="/a.jpg" data-media-id="7" alt="a &gt; b"><img data-media-id="3"><img data-media-id="7">',
            [7, 3],
        ),
        ('<img data-media-id="x7" src="/a.jpg">', []),
        ('<p>&lt;img data-media-id="5"&gt; as text</p>', []),
    ],
)
def test_library_ids_are_read_from_img_tags_only(html: str, ids: list[int]) -> None:
    assert body.library_ids(html) == ids


def test_a_body_image_expands_to_a_picture_with_srcset_and_size(upload) -> None:
    image = upload(halves(1600, 900), alt="The quay > low tide")
    stored = f'<p>Before.</p><figure><img src="{image.url}" data-media-id="{image.pk}" alt="old"><figcaption>Low water</figcaption></figure>'
    html = body.expand(stored, [image])
    assert html.startswith("<p>Before.</p><figure><picture><source type=")
    assert 'alt="The quay &gt; low tide"' in html  # the library's alt text, escaped
    assert "<figcaption>Low water</figcaption></figure>" in html
    source_srcset = html.split('srcset="', 1)[1].split('"', 1)[0]
    assert len(source_srcset.split(",")) >= 3
    assert f'width="{image.rendition_set("", "jpeg")[-1][0]}"' in html and "height=" in html
    assert "data-media-id" not in html


def test_an_image_no_longer_in_the_library_keeps_its_stored_img() -> None:
    stored = '<img src="/media/gone.jpg" data-media-id="999" alt="Gone">'
    assert body.expand(stored, []) == stored


def test_the_article_records_its_body_images_and_the_page_draws_them(upload, section) -> None:
    first, second = upload(halves(1200, 800)), upload(halves(1000, 700, left=(0, 200, 0)), alt="Green")
    article = services.save_article(
        Article(
            headline="Two pictures",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=clock.now() - dt.timedelta(minutes=1),
            body=f'<p>One.</p><img src="{first.url}" data-media-id="{first.pk}" alt="a"><img data-media-id="424242" src="/x.jpg" alt="b">',
        )
    )
    assert list(article.body_images.all()) == [first]
    article.body = f'<p>Now the other.</p><img src="{second.url}" data-media-id="{second.pk}" alt="b">'
    services.save_article(article)
    assert list(article.body_images.all()) == [second]

    cache.clear()
    page = Client().get(article.get_absolute_url()).content.decode()
    story_body = page.split('class="story__body prose"', 1)[1].split("</div>", 1)[0]
    assert story_body.count("<picture>") == 1 and 'type="image/webp"' in story_body
    assert 'alt="Green"' in story_body


def test_cleanup_keeps_body_images_and_deleting_one_is_refused(upload, section) -> None:
    used, unused = upload(halves(800, 600)), upload(halves(800, 600, left=(9, 9, 9)), alt="Unused")
    article = services.save_article(
        Article(
            headline="Uses one",
            section=section,
            body=f'<img data-media-id="{used.pk}" src="{used.url}" alt="x">',
        )
    )
    assert set(cleanup.unreferenced()) == {unused}
    with pytest.raises(ProtectedError):
        used.delete()
    article.body = "<p>No picture now.</p>"
    services.save_article(article)
    assert set(cleanup.unreferenced()) == {used, unused}
