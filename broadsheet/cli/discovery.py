"""CLI commands for discovery: `classifier train|evaluate FILE` and `discovery cluster|refresh`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from broadsheet.cli.errors import CliError


def add_parsers(commands: argparse._SubParsersAction) -> None:
    classifier = commands.add_parser("classifier", help="train or evaluate the section classifier")
    actions = classifier.add_subparsers(dest="classifier_command", metavar="ACTION", required=True)
    actions.add_parser(
        "train", help="train on the published articles, print accuracy on a held-out split, save the model"
    )
    evaluate = actions.add_parser("evaluate", help="score a JSON Lines file of {text, section} objects")
    evaluate.add_argument("file", type=Path, help="JSON Lines: one object per line with text and section")

    discovery = commands.add_parser("discovery", help="story clusters, related lists, trending")
    tasks = discovery.add_subparsers(dest="discovery_command", metavar="ACTION", required=True)
    cluster = tasks.add_parser(
        "cluster", help="cluster and relate recent articles not yet in a story (after a bulk import)"
    )
    cluster.add_argument("--hours", type=int, default=72, help="how far back to look (default 72)")
    tasks.add_parser("refresh", help="recompute trending and top stories now (the periodic task's work)")


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "classifier":
        if args.classifier_command == "train":
            return train()
        return evaluate(args.file)
    if args.discovery_command == "cluster":
        return cluster(args.hours)
    return refresh()


def train() -> int:
    from django.conf import settings

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
        raise CliError(str(exc)) from exc
    print(f"Trained on {len(train_set):,} articles, tested on {len(test_set):,} held out")
    _print_scores(result, confidence)
    print(f"Model saved to {path} (trained on all {len(examples):,}) in {time.perf_counter() - started:.1f}s")
    return 0


def evaluate(file: Path) -> int:
    from django.conf import settings

    from broadsheet.discovery import classifier
    from broadsheet.discovery.errors import ClassifierError
    from broadsheet.newsroom.models import Section

    model = classifier.models.get(classifier.model_path())
    if model is None:
        raise CliError("no trained model: run `broadsheet classifier train` first")
    slug_for: dict[str, str] = {}
    names: dict[str, str] = {}
    for name, slug in Section.objects.values_list("name", "slug"):
        slug_for[name.lower()] = slug_for[slug.lower()] = slug
        names[slug] = name
    try:
        examples = classifier.read_jsonl(file, slug_for)
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror or exc}") from exc
    except ClassifierError as exc:
        raise CliError(str(exc)) from exc
    if not examples:
        raise CliError(f"{file} holds no examples")
    confidence = settings.BROADSHEET_CLASSIFIER_CONFIDENCE / 100
    result = classifier.evaluate(model, examples, confidence)
    print(f"{len(examples):,} examples from {file}")
    _print_scores(result, confidence, names)
    return 0


def _print_scores(result: object, confidence: float, names: dict[str, str] | None = None) -> None:
    from broadsheet.discovery.classifier import Evaluation, confusion_table

    assert isinstance(result, Evaluation)
    print(f"Accuracy: {result.accuracy:.1%} ({result.correct:,}/{result.total:,}, best guess)")
    print(
        f"At confidence >= {confidence:.0%}: {result.filed:,} filed, {result.filed_accuracy:.1%} of them "
        f"correctly; {result.held:,} held for review"
    )
    print(confusion_table(result, names))


def cluster(hours: int) -> int:
    import datetime as dt

    from broadsheet.core import clock
    from broadsheet.discovery import related, stories
    from broadsheet.newsroom.models import Article

    since = clock.now() - dt.timedelta(hours=max(hours, 1))
    pending = (
        Article.objects.published()
        .filter(published_at__gte=since, story_membership__isnull=True)
        .order_by("published_at", "id")
        .values_list("pk", flat=True)
    )
    done = 0
    started = time.perf_counter()
    for article_id in list(pending):
        stories.assign(article_id)
        related.compute(article_id)
        done += 1
    print(f"Clustered and related {done:,} articles in {time.perf_counter() - started:.1f}s")
    return 0


def refresh() -> int:
    from broadsheet.discovery.tasks import refresh_top_stories
    from broadsheet.readership.tasks import refresh_trending

    refresh_trending.call()
    refresh_top_stories.call()
    print("Trending and top stories refreshed")
    return 0
