"""The /search/ page: form, highlighted results, section filter, pages, empty and error states."""

from __future__ import annotations

import pytest
from django.urls import reverse

from broadsheet.search import query

pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("site:search")


def test_results_are_highlighted_and_not_indexed_by_robots(client, make_article) -> None:
    article = make_article(headline="Lighthouse keeper retires", body="<p>Forty years at the lighthouse.</p>")
    response = client.get(URL, {"q": "lighthouse"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Lighthouse</mark> keeper retires" in html
    assert "at the <mark>lighthouse</mark>" in html
    assert f'href="{article.get_absolute_url()}"' in html
    assert "1 result for <strong>lighthouse</strong>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert 'value="lighthouse"' in html


def test_section_filter(client, make_article, sport) -> None:
    on_business = make_article(headline="Stadium bond approved")
    on_sport = make_article(headline="Stadium opens its gates", section=sport)
    html = client.get(URL, {"q": "stadium", "section": "sport"}).content.decode()
    assert "1 result for <strong>stadium</strong> in Sport" in html
    # (The sidebar may list any story: look at the results list only.)
    results = html.split('class="river search-results"')[1].split("</ol>")[0]
    assert on_sport.get_absolute_url() in results
    assert on_business.get_absolute_url() not in results
    assert '<option value="sport" selected>Sport</option>' in html
    # An unknown section is ignored rather than an error.
    html = client.get(URL, {"q": "stadium", "section": "<nope>"}).content.decode()
    assert "2 results for <strong>stadium</strong>" in html


def test_pagination(client, make_article, ago) -> None:
    for i in range(12):
        make_article(headline=f"Lighthouse report {i}", published_at=ago(days=i))
    html = client.get(URL, {"q": "lighthouse", "section": "business"}).content.decode()
    assert "12 results for <strong>lighthouse</strong>" in html
    assert html.count('class="river__item"') == 10
    assert 'rel="next" href="?q=lighthouse&amp;section=business&amp;page=2"' in html
    assert 'rel="prev"' not in html
    html = client.get(URL, {"q": "lighthouse", "section": "business", "page": "2"}).content.decode()
    assert html.count('class="river__item"') == 2
    assert "page 2 of 2" in html
    assert 'rel="prev" href="?q=lighthouse&amp;section=business&amp;page=1"' in html
    assert 'rel="next"' not in html
    # Nonsense page numbers are page 1; pages past the end say so.
    assert client.get(URL, {"q": "lighthouse", "page": "x"}).status_code == 200
    html = client.get(URL, {"q": "lighthouse", "page": "99999999999999"}).content.decode()
    assert "No more results" in html


def test_empty_states(client, make_article) -> None:
    make_article(headline="Lighthouse keeper retires")
    html = client.get(URL).content.decode()
    assert "Type a few words" in html
    html = client.get(URL, {"q": "zeppelin"}).content.decode()
    assert "No results for <strong>zeppelin</strong>" in html


def test_markup_in_headlines_and_queries_is_escaped(client, make_article) -> None:
    make_article(headline="<script>alert(1)</script> Lighthouse", body="<p>Lighthouse.</p>")
    html = client.get(URL, {"q": "lighthouse"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Lighthouse</mark>" in html
    html = client.get(URL, {"q": '<img src=x onerror="alert(2)">'}).content.decode()
    assert "No results for <strong>&lt;img src=x onerror=&quot;alert(2)&quot;&gt;</strong>" in html
    assert "<img src=x" not in html


@pytest.mark.parametrize("text", ['"', "(", "body:x", "id:1", "\\", "a\x00b", "x" * 2000, "🚢", "NOT"])
def test_hostile_queries_render(client, make_article, text: str) -> None:
    make_article(headline="Lighthouse keeper retires")
    assert client.get(URL, {"q": text}).status_code == 200


def test_corrupt_index_is_a_friendly_503(client, make_article, search_dir) -> None:
    make_article(headline="Lighthouse keeper retires")
    (search_dir / "meta.json").write_text("{not json")
    response = client.get(URL, {"q": "lighthouse"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "Search is temporarily unavailable" in html
    assert "Traceback" not in html
    assert response["Retry-After"] == "60"
    assert "no-cache" in response["Cache-Control"]


def test_view_uses_the_public_entry_point(client, make_article, monkeypatch) -> None:
    calls = []
    real = query.query

    def spy(q, **kwargs):
        calls.append((q, kwargs))
        return real(q, **kwargs)

    monkeypatch.setattr("broadsheet.site.search_views.query", spy)
    client.get(URL, {"q": "ferry", "page": "3"})
    assert calls == [("ferry", {"section": None, "page": 3})]
