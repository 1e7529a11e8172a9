"""SEO metadata: JSON-LD builders, the article_meta and page_meta tags, script-safe JSON."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from broadsheet.newsroom.models import Article, SiteSettings
from broadsheet.site import seo

pytestmark = pytest.mark.django_db

JSONLD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


class HeadParser(HTMLParser):
    """Collects <meta> and <link> tags and script contents from rendered head markup."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta":
            key = values.get("property") or values.get("name") or ""
            self.meta.append((key, values.get("content") or ""))
        elif tag == "link":
            self.links.append(values)
        elif tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    def first(self, key: str) -> str | None:
        return next((content for name, content in self.meta if name == key), None)

    def all(self, key: str) -> list[str]:
        return [content for name, content in self.meta if name == key]

    def canonical(self) -> str | None:
        return next((link["href"] for link in self.links if link.get("rel") == "canonical"), None)


def render(source: str, **context: object) -> HeadParser:
    html = Template("{% load seo %}" + source).render(Context(context))
    parser = HeadParser()
    parser.feed(html)
    parser.raw = html  # type: ignore[attr-defined]
    return parser


@pytest.fixture
def rf_request():
    return RequestFactory().get("/business/some-story/")


@pytest.fixture
def site(db) -> SiteSettings:
    settings = SiteSettings.load()
    settings.site_name = "The Harbor Ledger"
    settings.logo.name = "site/logo.png"
    settings.save()
    return settings


def reload(article: Article) -> Article:
    return Article.objects.select_related("section", "author").get(pk=article.pk)


def graph(data: dict) -> tuple[dict, dict]:
    by_type = {node["@type"]: node for node in data["@graph"]}
    return by_type["NewsArticle"], by_type["BreadcrumbList"]


def test_article_jsonld_for_own_story(rf_request, site, make_article) -> None:
    article = reload(
        make_article(
            headline="Ferry plan approved",
            tags=["Ferries", "Council"],
            lead_image="lead/2024/05/ferry.jpg",
            lead_image_width=1200,
            lead_image_height=675,
        )
    )
    data = seo.article_jsonld(article, rf_request)
    assert data["@context"] == "https://schema.org"
    news, crumbs = graph(data)
    url = f"http://testserver/business/{article.slug}/"
    assert news["headline"] == "Ferry plan approved"
    assert news["description"] == "A fictional story for tests."
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["datePublished"] == article.published_at.isoformat(timespec="seconds")
    assert news["dateModified"] == article.updated_at.isoformat(timespec="seconds")
    assert news["articleSection"] == "Business"
    assert news["keywords"] == ["Council", "Ferries"]
    assert news["image"] == [
        {
            "@type": "ImageObject",
            "url": "http://testserver/media/lead/2024/05/ferry.jpg",
            "width": 1200,
            "height": 675,
        }
    ]
    assert news["author"] == [
        {"@type": "Person", "name": "Mara Quill", "url": "http://testserver/author/mara-quill/"}
    ]
    assert news["publisher"]["@type"] == "Organization"
    assert news["publisher"]["name"] == "The Harbor Ledger"
    assert news["publisher"]["logo"]["url"] == "http://testserver/media/site/logo.png"
    assert "isBasedOn" not in news
    assert [(i["position"], i["name"], i["item"]) for i in crumbs["itemListElement"]] == [
        (1, "Home", "http://testserver/"),
        (2, "Business", "http://testserver/business/"),
        (3, "Ferry plan approved", url),
    ]


def test_article_jsonld_credits_the_source_of_aggregated_stories(rf_request, site, make_article) -> None:
    article = reload(
        make_article(
            author=None,
            canonical_url="https://example.org/news/pier",
            source_name="Example Gazette",
            source_home_url="https://example.org/",
        )
    )
    news, _ = graph(seo.article_jsonld(article, rf_request, site=site))
    assert news["isBasedOn"] == "https://example.org/news/pier"
    assert news["sourceOrganization"] == {
        "@type": "Organization",
        "name": "Example Gazette",
        "url": "https://example.org/",
    }
    assert news["author"] == [{"@type": "Organization", "name": "Example Gazette"}]


def test_long_headline_is_cut_to_110_characters(rf_request, site, make_article) -> None:
    article = reload(make_article(headline="word " * 60))
    news, _ = graph(seo.article_jsonld(article, rf_request, site=site))
    assert len(news["headline"]) <= 110
    assert news["headline"].endswith("…")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("one two three four", 10, "one two…"),
        ("  spaced   out  ", 20, "spaced out"),
        ("abcdefghijklmnop", 5, "abcd…"),
    ],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert seo.truncate(text, limit) == expected
    assert len(seo.truncate(text, limit)) <= limit


def test_jsonld_script_cannot_be_broken_out_of() -> None:
    hostile = "</script><script>alert(1)</script><!-- & \u2028"
    html = seo.jsonld_script({"headline": hostile})
    assert html.count("</script>") == 1
    assert "<!--" not in html
    payload = JSONLD_RE.search(html)
    assert payload is not None
    assert "<" not in payload.group(1) and ">" not in payload.group(1) and "&" not in payload.group(1)
    assert json.loads(payload.group(1)) == {"headline": hostile}


def test_article_meta_tag(rf_request, site, make_article) -> None:
    article = reload(
        make_article(
            headline="Ferry plan approved",
            tags=["Ferries", "Council"],
            lead_image_url="https://cdn.example.org/ferry.jpg",
            lead_image_width=800,
            lead_image_height=600,
        )
    )
    head = render("{% article_meta article %}", article=article, request=rf_request)
    url = f"http://testserver/business/{article.slug}/"
    assert head.canonical() == url
    assert head.first("description") == "A fictional story for tests."
    assert head.first("og:type") == "article"
    assert head.first("og:title") == "Ferry plan approved"
    assert head.first("og:url") == url
    assert head.first("og:site_name") == "The Harbor Ledger"
    assert head.first("og:image") == "https://cdn.example.org/ferry.jpg"
    assert (head.first("og:image:width"), head.first("og:image:height")) == ("800", "600")
    assert head.first("article:published_time") == article.published_at.isoformat(timespec="seconds")
    assert head.first("article:modified_time") == article.updated_at.isoformat(timespec="seconds")
    assert head.first("article:section") == "Business"
    assert head.all("article:tag") == ["Council", "Ferries"]
    assert head.first("twitter:card") == "summary_large_image"
    assert len(head.scripts) == 1
    news, _ = graph(json.loads(head.scripts[0]))
    assert news["headline"] == "Ferry plan approved"


def test_article_meta_makes_uploaded_image_absolute(rf_request, site, make_article) -> None:
    article = reload(make_article(lead_image="lead/2024/05/pier.jpg"))
    head = render("{% article_meta article %}", article=article, request=rf_request)
    assert head.first("og:image") == "http://testserver/media/lead/2024/05/pier.jpg"
    assert head.first("og:image:width") is None


def test_article_meta_without_image_uses_summary_card(rf_request, site, make_article) -> None:
    article = reload(make_article(dek="", body="<p>Gulls &amp; terns returned.</p>"))
    head = render("{% article_meta article %}", article=article, request=rf_request)
    assert head.first("og:image") is None
    assert head.first("twitter:card") == "summary"
    assert head.first("description") == "Gulls & terns returned."


def test_article_meta_canonical_of_aggregated_story_is_the_original(rf_request, site, make_article) -> None:
    article = reload(make_article(canonical_url="https://example.org/news/pier", source_name="Example"))
    head = render("{% article_meta article %}", article=article, request=rf_request)
    assert head.canonical() == "https://example.org/news/pier"
    assert head.first("og:url") == f"http://testserver/business/{article.slug}/"


def test_article_meta_escapes_a_hostile_headline(rf_request, site, make_article) -> None:
    hostile = '</script><script>alert(1)</script>"><b>'
    article = reload(make_article(headline=hostile, slug="hostile"))
    head = render("{% article_meta article %}", article=article, request=rf_request)
    assert "<script>alert(1)" not in head.raw  # type: ignore[attr-defined]
    assert len(head.scripts) == 1
    assert head.first("og:title") == hostile
    news, crumbs = graph(json.loads(head.scripts[0]))
    assert news["headline"] == hostile
    assert crumbs["itemListElement"][2]["name"] == hostile


def test_article_meta_uses_site_settings_from_the_context(
    rf_request, site, make_article, django_assert_num_queries
) -> None:
    article = reload(make_article(tags=["Ferries"]))
    with django_assert_num_queries(1):  # the article's tags; settings come from the context
        head = render("{% article_meta article %}", article=article, request=rf_request, site_settings=site)
    assert head.first("og:site_name") == "The Harbor Ledger"


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("", "http://testserver/business/"),
        ("?page=1", "http://testserver/business/"),
        ("?page=3&utm_source=x", "http://testserver/business/?page=3"),
        ("?utm_source=x&ref=y", "http://testserver/business/"),
        ("?page=abc", "http://testserver/business/"),
        ("?page=²", "http://testserver/business/"),
    ],
)
def test_page_meta_canonical(site, query: str, canonical: str) -> None:
    request = RequestFactory().get(f"/business/{query}")
    head = render('{% page_meta "Business" "All the business news." %}', request=request)
    assert head.canonical() == canonical
    assert head.first("og:url") == canonical


def test_page_meta_tags(site) -> None:
    request = RequestFactory().get("/about/")
    head = render(
        "{% page_meta title description %}", request=request, title="About us", description="Who we are."
    )
    assert head.first("description") == "Who we are."
    assert head.first("og:type") == "website"
    assert head.first("og:title") == "About us"
    assert head.first("og:description") == "Who we are."
    assert head.first("og:site_name") == "The Harbor Ledger"
    assert head.first("og:image") == "http://testserver/media/site/logo.png"
    assert head.first("twitter:card") == "summary"
