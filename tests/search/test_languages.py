"""Searching stories in other languages: each is stemmed the way its own language inflects."""

from __future__ import annotations

import json

import pytest
import tantivy

from broadsheet.search import backend, languages, query, replica
from broadsheet.search.query import SearchResults

pytestmark = pytest.mark.django_db(transaction=True)


def ids(results: SearchResults) -> list[int]:
    return [hit.article_id for hit in results.hits]


def test_german_story_is_found_by_another_inflection(make_article) -> None:
    german = make_article(
        headline="Das alte Haus am Hafen",
        dek="",
        body="<p>Die Besitzer des Hauses wollen es verkaufen.</p>",
        language="de",
    )
    make_article(headline="Council meets", dek="", body="<p>Nothing about houses.</p>")
    assert ids(query.query("Häuser")) == [german.pk]
    assert ids(query.query("hauses verkaufst besitzern")) == [german.pk]


def test_french_story_is_found_by_another_inflection(make_article) -> None:
    french = make_article(
        headline="Les maisons du port",
        dek="",
        body="<p>Les habitants mangeaient au marché.</p>",
        language="fr",
    )
    assert ids(query.query("maison")) == [french.pk]
    assert ids(query.query("mangé")) == [french.pk]
    assert ids(query.query('"les maison"')) == [french.pk]


def test_english_search_is_unchanged_beside_other_languages(make_article) -> None:
    english = make_article(
        headline="Lighthouse keeper retires", dek="", body="<p>He kept the lights running.</p>"
    )
    make_article(headline="Der Leuchtturm", dek="", body="<p>Ein Wärter geht.</p>", language="de")
    results = query.query("running light")
    assert ids(results) == [english.pk]
    assert "<mark>running</mark>" in results.hits[0].snippet_html
    # German stemming is not applied to an English story: "lights" is not "Leucht…".
    assert query.query("keepers").total == 1


def test_story_without_a_stemmer_is_found_by_its_words(make_article) -> None:
    urdu = make_article(
        headline="کراچی میں بارش", dek="", body="<p>شہر میں شدید بارش ہوئی۔</p>", language="ur"
    )
    chinese = make_article(headline="北京 天气", dek="", body="<p>今天 下雨</p>", language="zh")
    assert ids(query.query("بارش")) == [urdu.pk]
    assert "<mark>بارش</mark>" in query.query("بارش").hits[0].headline_html
    assert ids(query.query("天气")) == [chinese.pk]


def test_excluded_word_excludes_its_inflections(make_article) -> None:
    german = make_article(headline="Das Haus brennt", dek="", body="<p>Feuer.</p>", language="de")
    other = make_article(headline="Das Feuer im Wald", dek="", body="<p>Feuer.</p>", language="de")
    assert ids(query.query("feuer -häuser")) == [other.pk]
    assert german.pk in ids(query.query("feuer"))


def test_languages_present_are_the_only_fields_asked(make_article) -> None:
    make_article(headline="English only", dek="")
    view = backend.readers.view(backend.search_dir())
    assert view is not None and view.languages == ()
    make_article(headline="Das Haus", dek="", language="de-AT")
    make_article(headline="Huset", dek="", language="nb")
    view = backend.readers.view(backend.search_dir())
    assert view is not None and view.languages == ("de", "no")


def test_codes_map_to_stemmers() -> None:
    assert languages.stemmed_code("de-CH") == "de"
    assert languages.stemmed_code("nn") == "no"
    assert languages.stemmed_code("en") is None
    assert languages.stemmed_code("ur") is None
    assert languages.stemmed_code("") is None


def test_index_from_an_older_schema_is_rebuilt_by_the_replica(make_article, search_dir) -> None:
    german = make_article(headline="Das Haus", dek="", body="<p>Hauses.</p>", language="de")
    # An index as version 1 built it: no language fields, a state file without a schema.
    state = json.loads(replica.state_path(search_dir).read_text())
    for child in search_dir.iterdir():
        child.unlink()
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("published_at", fast=True)
    for name in ("headline", "body"):
        builder.add_text_field(name, stored=True, tokenizer_name=backend.TOKENIZER)
    builder.add_text_field("dek", tokenizer_name=backend.TOKENIZER)
    builder.add_text_field("section", tokenizer_name="raw")
    old = tantivy.Index(builder.build(), path=str(search_dir))
    writer = old.writer(heap_size=15_000_000, num_threads=1)
    writer.add_document(
        tantivy.Document(
            id=german.pk, published_at=1, headline="Das Haus", dek="", body="Hauses.", section="x"
        )
    )
    writer.commit()
    writer.wait_merging_threads()
    del state["schema"]
    replica.state_path(search_dir).write_text(json.dumps(state))
    backend.readers.forget(search_dir)

    # Searching the old index still works, in English only.
    assert ids(query.query("haus")) == [german.pk]
    assert query.query("häuser").total == 0
    assert not backend.schema_matches(search_dir)

    replica.catch_up()

    assert sorted(child.name for child in search_dir.parent.iterdir()) == ["search", "search.lock"]
    assert replica.read_state(search_dir).schema == backend.SCHEMA_VERSION  # type: ignore[union-attr]
    assert ids(query.query("häuser")) == [german.pk]
