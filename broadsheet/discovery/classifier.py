"""The section classifier: TF-IDF and a linear model trained on the site's own articles.

`train_model` fits it on published articles (their sections are the labels) and saves it
under DATA_DIR/models; `classify` is the ingest categorise hook (settings.BROADSHEET_CLASSIFIER):
it answers a section slug, or None (hold for review) when no model is trained or the model's
confidence is under settings.BROADSHEET_CLASSIFIER_CONFIDENCE. The model is loaded on first
use and cached per process, and loaded again when its file changes.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import joblib
from django.conf import settings
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline

from broadsheet.core.sanitize import strip_tags
from broadsheet.discovery.errors import ClassifierError

logger = logging.getLogger(__name__)

MODEL_FILE = "section-classifier.joblib"
# Newest articles per section used for training: bounds training time on a big archive.
MAX_PER_SECTION = 5000
# Characters of body text after the headline and standfirst: a feed summary is about this long.
BODY_CHARS = 1500
HELD_OUT_SHARE = 0.2
SEED = 1
HELD = "(held)"


class SectionLike(Protocol):
    slug: str


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str  # a section slug


@dataclass
class Evaluation:
    total: int = 0
    correct: int = 0
    held: int = 0
    confident_correct: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (true, predicted or HELD)

    @property
    def accuracy(self) -> float:
        """Share of examples whose best guess is right, confident or not."""
        return self.correct / self.total if self.total else 0.0

    @property
    def filed(self) -> int:
        return self.total - self.held

    @property
    def filed_accuracy(self) -> float:
        """Share of the confidently filed examples filed under the right section."""
        return self.confident_correct / self.filed if self.filed else 0.0


def build_pipeline() -> Pipeline:
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    sublinear_tf=True,
                    ngram_range=(1, 2),
                    min_df=2,
                    max_features=200_000,
                    strip_accents="unicode",
                ),
            ),
            ("model", SGDClassifier(loss="log_loss", alpha=2e-5, max_iter=50, tol=1e-4, random_state=SEED)),
        ]
    )


def document(headline: str, text: str) -> str:
    """What the model reads: the headline twice (it says the most), then the text."""
    return f"{headline}\n{headline}\n{text[:BODY_CHARS]}"


def fit(examples: Sequence[Example]) -> Pipeline:
    labels = {e.label for e in examples}
    if len(labels) < 2:
        raise ClassifierError(f"Training needs articles in at least two sections (found {len(labels)}).")
    pipeline = build_pipeline()
    pipeline.fit([e.text for e in examples], [e.label for e in examples])
    return pipeline


def split(
    examples: Sequence[Example], held_out: float = HELD_OUT_SHARE, seed: int = SEED
) -> tuple[list[Example], list[Example]]:
    """A stratified split: the same share of every section is held out."""
    by_label: dict[str, list[Example]] = {}
    for example in examples:
        by_label.setdefault(example.label, []).append(example)
    rng = random.Random(seed)
    train: list[Example] = []
    test: list[Example] = []
    for label in sorted(by_label):
        group = by_label[label][:]
        rng.shuffle(group)
        cut = round(len(group) * held_out) if len(group) > 1 else 0
        test.extend(group[:cut])
        train.extend(group[cut:])
    return train, test


def predict(pipeline: Pipeline, texts: Sequence[str]) -> list[tuple[str, float]]:
    """(label, probability) of the most likely section for each text."""
    if not texts:
        return []
    probabilities = pipeline.predict_proba(list(texts))
    classes = pipeline.classes_
    return [(str(classes[row.argmax()]), float(row.max())) for row in probabilities]


def evaluate(pipeline: Pipeline, examples: Sequence[Example], confidence: float) -> Evaluation:
    result = Evaluation()
    for example, (label, probability) in zip(
        examples, predict(pipeline, [e.text for e in examples]), strict=True
    ):
        result.total += 1
        confident = probability >= confidence
        result.correct += label == example.label
        result.held += not confident
        result.confident_correct += confident and label == example.label
        result.confusion[(example.label, label if confident else HELD)] += 1
    return result


def confusion_table(result: Evaluation, names: dict[str, str] | None = None) -> str:
    """Rows: the true section; columns: the section filed under, or held for review."""
    names = names or {}
    truths = sorted({t for t, _p in result.confusion})
    predicted = sorted({p for _t, p in result.confusion} - {HELD}) + [HELD]
    label = [names.get(s, s) for s in truths]
    heads = [names.get(s, s) for s in predicted]
    first = max([len("true \\ filed"), *(len(x) for x in label)])
    widths = [max(len(h), 5) for h in heads]
    lines = [
        "true \\ filed".ljust(first)
        + "  "
        + "  ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True))
    ]
    for truth, name in zip(truths, label, strict=True):
        cells = [
            str(result.confusion.get((truth, p), 0)).rjust(w) for p, w in zip(predicted, widths, strict=True)
        ]
        lines.append(name.ljust(first) + "  " + "  ".join(cells))
    return "\n".join(lines)


# -- the site's own articles ----------------------------------------------------------------


def site_examples(max_per_section: int = MAX_PER_SECTION) -> list[Example]:
    """Published articles as training examples, the newest `max_per_section` of each section."""
    from broadsheet.newsroom.models import Article, Section

    examples: list[Example] = []
    for section in Section.objects.only("id", "slug"):
        rows = (
            Article.objects.published()
            .in_section(section.pk)
            .latest_first()
            .values_list("headline", "dek", "body")[:max_per_section]
        )
        examples.extend(
            Example(document(headline, f"{strip_tags(dek)}\n{strip_tags(body)}"), section.slug)
            for headline, dek, body in rows
        )
    return examples


def read_jsonl(path: Path, slug_for: dict[str, str]) -> list[Example]:
    """Labelled examples from JSON Lines (`text` and `section`, the section's name or slug)."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, section = str(row["text"]), str(row["section"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ClassifierError(
                    f"{path}:{number}: expected an object with 'text' and 'section'"
                ) from exc
            slug = slug_for.get(section.strip().lower())
            if slug is None:
                raise ClassifierError(f"{path}:{number}: no section named {section!r}")
            examples.append(Example(text, slug))
    return examples


# -- the model file and the hook ------------------------------------------------------------


def model_path() -> Path:
    return Path(settings.DATA_DIR) / "models" / MODEL_FILE


def save(pipeline: Pipeline, path: Path | None = None) -> Path:
    """Write the model atomically: a reader never loads a half-written file."""
    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    joblib.dump(pipeline, partial)
    os.replace(partial, path)
    return path


class ModelCache:
    """The loaded model per file, reloaded when the file's mtime or size changes.

    One instance lives for the process (`models`), like the search index's reader handles:
    loading the model per entry would cost far more than classifying it.
    """

    def __init__(self) -> None:
        self._loaded: dict[Path, tuple[tuple[int, int], Any]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> Pipeline | None:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        signature = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._loaded.get(path)
            if cached is None or cached[0] != signature:
                cached = (signature, joblib.load(path))
                self._loaded[path] = cached
                logger.info("section classifier loaded from %s", path)
            return cached[1]  # type: ignore[no-any-return]


models = ModelCache()


def classify(headline: str, text: str, sections: Iterable[SectionLike]) -> str | None:
    """The categorise hook: a section slug among `sections`, or None to hold the entry."""
    pipeline = models.get(model_path())
    if pipeline is None:
        return None
    allowed = {s.slug for s in sections}
    ((label, probability),) = predict(pipeline, [document(headline, text)])
    confidence = settings.BROADSHEET_CLASSIFIER_CONFIDENCE / 100
    if probability < confidence or label not in allowed:
        logger.debug("classifier holds %r: %s at %.2f", headline[:80], label, probability)
        return None
    return label
