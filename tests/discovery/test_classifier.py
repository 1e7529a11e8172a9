"""The section classifier: train and evaluate commands, the categorise hook, confidence, reloads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from broadsheet.cli import main
from broadsheet.demo.corpus import generate_corpus
from broadsheet.discovery import classifier
from broadsheet.ingest.categorise import SectionRef, choose_section, load_classifier
from broadsheet.newsroom.models import Section

pytestmark = pytest.mark.django_db
AG_NEWS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ag-news-test" / "test.csv"


@pytest.fixture
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def trained(data_dir, capsys) -> str:
    generate_corpus(400, seed=5)
    assert main(["classifier", "train"]) == 0
    return capsys.readouterr().out


def refs() -> list[SectionRef]:
    return [SectionRef(s.pk, s.name, s.slug) for s in Section.objects.all()]


def test_train_prints_held_out_accuracy_and_saves_the_model(trained, data_dir):
    assert "tested on" in trained
    accuracy = float(trained.split("Accuracy: ")[1].split("%")[0])
    assert accuracy > 80  # the corpus's sections use distinct vocabularies
    assert (data_dir / "models" / classifier.MODEL_FILE).is_file()
    assert "(held)" in trained  # the confusion table's last column


def test_the_default_hook_files_a_clear_entry_and_holds_a_vague_one(trained, settings):
    hook = load_classifier()
    assert hook is classifier.classify
    article = Section.objects.get(slug="film").articles.first()
    assert article is not None
    filing = choose_section(
        fixed_section_id=None, categories=[], sections=refs(), headline=article.headline,
        text=article.dek, classifier=hook,
    )  # fmt: skip
    assert (filing.how, filing.section_id) == ("classifier", article.section_id)
    settings.BROADSHEET_CLASSIFIER_CONFIDENCE = 100
    held = choose_section(
        fixed_section_id=None, categories=[], sections=refs(), headline=article.headline,
        text=article.dek, classifier=hook,
    )  # fmt: skip
    assert (held.how, held.section_id) == ("held", None)


def test_without_a_model_everything_is_held(data_dir):
    assert classifier.classify("Quarterly earnings beat forecasts", "", refs()) is None


def test_the_model_is_reloaded_when_its_file_changes(data_dir):
    path = classifier.model_path()
    texts = ["harbour ferry tide boat"] * 3 + ["guitar concert band song"] * 3
    first = classifier.fit([classifier.Example(t, "a" if i < 3 else "b") for i, t in enumerate(texts)])
    classifier.save(first, path)
    sections = [SectionRef(1, "A", "a"), SectionRef(2, "B", "b"), SectionRef(3, "C", "c")]
    assert classifier.classify("ferry", "harbour tide boat", sections) == "a"
    second = classifier.fit([classifier.Example(t, "c" if i < 3 else "b") for i, t in enumerate(texts)])
    classifier.save(second, path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a coarse clock
    assert classifier.classify("ferry", "harbour tide boat", sections) == "c"


def test_evaluate_scores_a_jsonl_file_with_a_confusion_table(trained, tmp_path, capsys):
    rows = [
        {"text": a.headline + " " + a.dek, "section": a.section.name}
        for a in Section.objects.get(slug="music").articles.select_related("section")[:5]
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert main(["classifier", "evaluate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "5 examples" in out
    assert "Accuracy:" in out
    assert "Music" in out


def test_evaluate_refuses_a_bad_file_with_one_line(trained, tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "section": "No Such Section"}\n', encoding="utf-8")
    assert main(["classifier", "evaluate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "no section named 'No Such Section'" in err


def test_evaluate_without_a_model_says_to_train(data_dir, tmp_path, capsys):
    assert main(["classifier", "evaluate", str(tmp_path / "x.jsonl")]) == 1
    assert "classifier train" in capsys.readouterr().err


@pytest.mark.skipif(not AG_NEWS.is_file(), reason="../shared/data/ag-news-test is not on this machine")
def test_ag_news_accuracy_stays_above_its_floor():
    import csv

    examples = []
    mapping = {"1": "us-news", "3": "business", "4": "technology"}
    with AG_NEWS.open(encoding="utf-8", newline="") as rows:
        for label, title, description in csv.reader(rows):
            if label in mapping:
                examples.append(classifier.Example(classifier.document(title, description), mapping[label]))
    train, test = classifier.split(examples[::2])  # half the rows keeps the test quick
    result = classifier.evaluate(classifier.fit(train), test, 0.5)
    assert result.accuracy > 0.8  # bench/classifier.py: 86% on the full split
