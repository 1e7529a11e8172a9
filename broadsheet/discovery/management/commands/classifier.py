"""`broadsheet classifier train|evaluate FILE`: the section classifier, trained and scored."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "train or evaluate the section classifier"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        actions.add_parser(
            "train",
            help="train on the published articles, print accuracy on a held-out split, save the model",
        )
        evaluate = actions.add_parser("evaluate", help="score a JSON Lines file of {text, section} objects")
        evaluate.add_argument("file", type=Path, help="JSON Lines: one object per line with text and section")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "train":
            self.train()
        else:
            self.evaluate(options["file"])

    def train(self) -> None:
        from broadsheet.discovery import classifier
        from broadsheet.discovery.errors import ClassifierError

        started = time.perf_counter()
        examples = classifier.site_examples()
        train_set, test_set = classifier.split(examples)
        confidence = settings.BROADSHEET_CLASSIFIER_CONFIDENCE / 100
        try:
            model = classifier.fit(train_set)
            result = classifier.evaluate(model, test_set, confidence)
            # The saved model learns from every example; the held-out score is for the first fit.
            path = classifier.save(classifier.fit(examples))
        except ClassifierError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Trained on {len(train_set):,} articles, tested on {len(test_set):,} held out")
        self._scores(result, confidence)
        self.stdout.write(
            f"Model saved to {path} (trained on all {len(examples):,}) in {time.perf_counter() - started:.1f}s"
        )

    def evaluate(self, file: Path) -> None:
        from broadsheet.discovery import classifier
        from broadsheet.discovery.errors import ClassifierError
        from broadsheet.newsroom.models import Section

        model = classifier.models.get(classifier.model_path())
        if model is None:
            raise CommandError("no trained model: run `broadsheet classifier train` first")
        slug_for: dict[str, str] = {}
        names: dict[str, str] = {}
        for name, slug in Section.objects.values_list("name", "slug"):
            slug_for[name.lower()] = slug_for[slug.lower()] = slug
            names[slug] = name
        try:
            examples = classifier.read_jsonl(file, slug_for)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from exc
        except ClassifierError as exc:
            raise CommandError(str(exc)) from exc
        if not examples:
            raise CommandError(f"{file} holds no examples")
        confidence = settings.BROADSHEET_CLASSIFIER_CONFIDENCE / 100
        result = classifier.evaluate(model, examples, confidence)
        self.stdout.write(f"{len(examples):,} examples from {file}")
        self._scores(result, confidence, names)

    def _scores(self, result: Any, confidence: float, names: dict[str, str] | None = None) -> None:
        from broadsheet.discovery.classifier import confusion_table

        self.stdout.write(
            f"Accuracy: {result.accuracy:.1%} ({result.correct:,}/{result.total:,}, best guess)"
        )
        self.stdout.write(
            f"At confidence >= {confidence:.0%}: {result.filed:,} filed, {result.filed_accuracy:.1%} of them "
            f"correctly; {result.held:,} held for review"
        )
        self.stdout.write(confusion_table(result, names))
