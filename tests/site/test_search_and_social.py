"""The article's SEO title, meta description and social image: on the page's meta tags and
JSON-LD, in the admin's "Search & social" fieldset, and in the API."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from broadsheet.api.models import ApiToken
from broadsheet.media import services as media_services
from broadsheet.media.models import Image
from broadsheet.newsroom.forms import ArticleAdminForm
from broadsheet.newsroom.models import Article
from tests.media.conftest import halves
from tests.site.test_seo import HeadParser

pytestmark = pytest.mark.django_db

JSONLD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # The page cache (locmem) outlives a test's rows, and articles here share slugs.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def library_image(django_capture_on_commit_callbacks):
    """A 2000 × 1000 image in the library, its renditions made (the task runs on commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        image = media_services.upload(
            halves(2000, 1000), name="quay.jpg", alt="The quay at dawn", caption="Quay"
        ).image
    image.refresh_from_db()
    return image


def head(client, article: Article) -> tuple[HeadParser, str, dict]:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    parser = HeadParser()
    parser.feed(html)
    news = next(
        n for n in json.loads(JSONLD_RE.search(html).group(1))["@graph"] if n["@type"] == "NewsArticle"
    )
    return parser, TITLE_RE.search(html).group(1), news


def test_seo_fields_drive_title_description_and_image(client, make_article, library_image) -> None:
    article = make_article(
        headline="Council approves the long-debated harbour ferry plan after a night session",
        seo_title="Ferry plan approved",
        meta_description="The council said yes to the ferry at 2 a.m.",
        social_image=library_image,
        lead_image_url="https://images.example/lead.jpg",
        lead_image_alt="Old lead",
    )
    meta, title, news = head(client, article)
    assert title == "Ferry plan approved"
    assert meta.first("og:title") == meta.first("twitter:title") == "Ferry plan approved"
    for key in ("description", "og:description", "twitter:description"):
        assert meta.first(key) == "The council said yes to the ferry at 2 a.m."
    # The JPEG rendition at least 1200 wide (1280 of 320…1920), as an absolute URL.
    image = meta.first("og:image")
    assert image.startswith("http://testserver/media/renditions/") and image.endswith("-1280.jpeg")
    assert meta.first("twitter:image") == image
    assert (meta.first("og:image:width"), meta.first("og:image:height")) == ("1280", "640")
    assert meta.first("og:image:alt") == meta.first("twitter:image:alt") == "The quay at dawn"
    assert news["headline"] == "Ferry plan approved"
    assert news["description"] == "The council said yes to the ferry at 2 a.m."
    assert news["image"] == [
        {"@type": "ImageObject", "url": image, "width": 1280, "height": 640, "caption": "Quay"}
    ]


def test_empty_seo_fields_fall_back_to_headline_dek_and_lead_image(client, make_article) -> None:
    article = make_article(
        headline="Ferry plan approved",
        dek="A night session ends in a yes.",
        lead_image_url="https://images.example/lead.jpg",
        lead_image_alt="The ferry",
    )
    meta, title, news = head(client, article)
    assert title.startswith("Ferry plan approved – ")
    assert meta.first("og:title") == meta.first("twitter:title") == "Ferry plan approved"
    assert meta.first("description") == meta.first("og:description") == "A night session ends in a yes."
    assert meta.first("og:image") == meta.first("twitter:image") == "https://images.example/lead.jpg"
    assert meta.first("og:image:alt") == "The ferry"
    assert news["headline"] == "Ferry plan approved"
    assert news["image"][0]["url"] == "https://images.example/lead.jpg"


def test_social_image_without_renditions_yet_shows_the_original(client, make_article) -> None:
    # Uploaded without running the commit hooks: no renditions exist yet.
    image = media_services.upload(halves(800, 400), name="small.jpg", alt="Small").image
    assert not image.renditions
    meta, _, _ = head(client, make_article(social_image=image))
    assert meta.first("og:image") == f"http://testserver{image.url}"
    assert (meta.first("og:image:width"), meta.first("og:image:height")) == ("800", "400")


def test_deleting_the_social_image_keeps_the_article(client, make_article, library_image) -> None:
    article = make_article(social_image=library_image, lead_image_url="https://images.example/lead.jpg")
    library_image.delete()
    article.refresh_from_db()
    assert article.social_image_id is None
    meta, _, _ = head(client, article)
    assert meta.first("og:image") == "https://images.example/lead.jpg"


# -- the admin ------------------------------------------------------------------------------


def _form_data(article: Article, **changes: str) -> dict[str, str]:
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "section": str(article.section_id),
        "status": "draft",
        "language": "en",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("field", "limit"), [("seo_title", 70), ("meta_description", 160)], ids=["title", "description"]
)
def test_form_refuses_seo_text_over_its_limit(make_article, field: str, limit: int) -> None:
    article = make_article(publish=False)
    form = ArticleAdminForm(data=_form_data(article, **{field: "x" * (limit + 1)}), instance=article)
    assert not form.is_valid()
    assert form.errors[field] == [f"Ensure this value has at most {limit} characters (it has {limit + 1})."]
    at_limit = ArticleAdminForm(data=_form_data(article, **{field: "x" * limit}), instance=article)
    assert at_limit.is_valid(), at_limit.errors


def test_admin_change_form_has_a_collapsed_search_and_social_fieldset(
    admin_client, make_article, library_image
) -> None:
    article = make_article(publish=False)
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    html = admin_client.get(url).content.decode()
    fieldset = html[html.index("Search &amp; social") - 600 :]
    assert "collapse" in fieldset[:700]
    assert 'name="seo_title"' in html and 'maxlength="70"' in html
    assert re.search(r'<textarea name="meta_description"[^>]*maxlength="160"', html)
    assert "At most 160 characters" in html
    # The social image is picked with the admin's autocomplete, from the library.
    assert re.search(r'<select name="social_image"[^>]*data-ajax--url="/admin/autocomplete/"', html)
    data = _form_data(
        article,
        seo_title="Short title",
        meta_description="What it says on the tin.",
        social_image=str(library_image.pk),
    )
    data.update({"_save": "Save"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert (article.seo_title, article.meta_description) == ("Short title", "What it says on the tin.")
    assert article.social_image_id == library_image.pk


# -- the API --------------------------------------------------------------------------------


@pytest.fixture
def token(admin_user) -> str:
    token = ApiToken(user=admin_user, name="tests")
    raw = token.set_new_key()
    token.save()
    return raw


def test_api_reads_and_writes_the_seo_fields(client, make_article, library_image, token) -> None:
    article = make_article(publish=False)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/articles/{article.pk}"
    body = {
        "seo_title": "API title",
        "meta_description": "API description.",
        "social_image": library_image.pk,
    }
    response = client.patch(url, json.dumps(body), content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["seo_title"], data["meta_description"]) == ("API title", "API description.")
    assert data["social_image"]["id"] == library_image.pk
    assert data["social_image"]["src"].endswith("-1280.jpeg")
    assert data["social_image"]["alt"] == "The quay at dawn"
    cleared = client.patch(url, json.dumps({"social_image": 0}), content_type="application/json", **auth)
    assert cleared.json()["social_image"] is None


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"seo_title": "x" * 71}, 422, "seo_title"),
        ({"meta_description": "x" * 161}, 422, "meta_description"),
        ({"social_image": 999_999}, 422, "unknown_image"),
        ({"social_image": -1}, 422, "social_image"),
    ],
    ids=["title-too-long", "description-too-long", "unknown-image", "negative-id"],
)
def test_api_refuses_bad_seo_fields(client, make_article, token, body, status, needle) -> None:
    article = make_article(publish=False)
    response = client.patch(
        f"/api/v1/articles/{article.pk}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == status
    assert needle in response.content.decode()
    article.refresh_from_db()
    assert (article.seo_title, article.meta_description, article.social_image_id) == ("", "", None)


def test_image_library_counts_the_social_image_as_used(make_article, library_image) -> None:
    from broadsheet.media.cleanup import unreferenced

    make_article(social_image=library_image)
    assert not unreferenced(Image.objects.filter(pk=library_image.pk)).exists()
