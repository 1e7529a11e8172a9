"""Section classifier accuracy on AG News (../shared/data/ag-news-test), with the site's model.

    .venv/bin/python bench/classifier.py [--data DIR] [--held-out 0.2]

AG News's classes map to Broadsheet's demo sections: World -> US News (our coarse home for
national and world news), Business -> Business, Sci/Tech -> Technology. Sports has no section
on the demo site: its items are never trained on and must go to review, so the bench also
reports how many of them the confidence threshold holds back. The test split (7,600 items) is
split again, stratified: the model trains on 80% of the three mapped classes and is scored on
the other 20%. Internal testing only: the corpus is non-commercial (see its SOURCE.md).
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from broadsheet.discovery import classifier  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ag-news-test"
SECTIONS = {"1": "us-news", "3": "business", "4": "technology"}
SPORTS = "2"


def clean(text: str) -> str:
    text = text.replace("#39;", "'").replace("\\", " ")
    text = html.unescape(html.unescape(text))
    return re.sub(r"<[^>]+>", " ", text)


def read(path: Path) -> tuple[list[classifier.Example], list[str]]:
    examples, sports = [], []
    with path.open(encoding="utf-8", newline="") as rows:
        for label, title, description in csv.reader(rows):
            text = classifier.document(clean(title), clean(description))
            if label in SECTIONS:
                examples.append(classifier.Example(text, SECTIONS[label]))
            elif label == SPORTS:
                sports.append(text)
    return examples, sports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--held-out", type=float, default=classifier.HELD_OUT_SHARE)
    parser.add_argument("--confidence", type=float, default=0.5)
    args = parser.parse_args()
    csv_path = args.data / "test.csv"
    if not csv_path.is_file():
        print(f"{csv_path} is missing: nothing to measure")
        return 1
    examples, sports = read(csv_path)
    train, test = classifier.split(examples, args.held_out)
    started = time.perf_counter()
    model = classifier.fit(train)
    seconds = time.perf_counter() - started
    result = classifier.evaluate(model, test, args.confidence)
    print(
        f"AG News: trained on {len(train):,} (3 classes), tested on {len(test):,} held out, fit in {seconds:.1f}s"
    )
    print(f"Accuracy (best guess): {result.accuracy:.1%}")
    print(
        f"At confidence >= {args.confidence:.0%}: {result.filed:,} filed ({result.filed / result.total:.1%}), "
        f"{result.filed_accuracy:.1%} of them right; {result.held:,} held for review"
    )
    print(classifier.confusion_table(result))
    held = sum(probability < args.confidence for _label, probability in classifier.predict(model, sports))
    print(f"Sports (no such section): {held:,} of {len(sports):,} held for review ({held / len(sports):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
