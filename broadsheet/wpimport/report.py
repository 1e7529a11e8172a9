"""What an import did: counts per kind and outcome, and warnings grouped by reason with examples."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

OUTCOMES = ("created", "updated", "unchanged", "skipped")
# "image": attachments brought into the media library (unchanged: its bytes were there already).
KINDS = ("post", "page", "attachment", "image", "section", "tag", "author", "redirect", "other")
# Each reason keeps this many examples; the rest are only counted.
EXAMPLES_PER_REASON = 3


@dataclass
class ImportReport:
    dry_run: bool = False
    source: str = ""
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    warnings: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    permalink_structures: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        assert outcome in OUTCOMES, outcome
        self.counts.setdefault(kind, Counter())[outcome] += n

    def warn(self, reason: str, example: str = "") -> None:
        self.warnings[reason] += 1
        shown = self.examples.setdefault(reason, [])
        if example and example not in shown and len(shown) < EXAMPLES_PER_REASON:
            shown.append(example)

    def count(self, kind: str, outcome: str) -> int:
        return self.counts.get(kind, Counter())[outcome]

    def total(self, outcome: str, kinds: tuple[str, ...] = ("post", "page", "attachment", "other")) -> int:
        """Items (not the sections, tags and authors they brought along) with this outcome."""
        return sum(self.count(kind, outcome) for kind in kinds)

    def rows(self) -> list[tuple[str, int, int, int, int]]:
        """(kind, created, updated, unchanged, skipped) for every kind that saw anything."""
        return [
            (kind, *(self.count(kind, outcome) for outcome in OUTCOMES))  # type: ignore[misc]
            for kind in KINDS
            if kind in self.counts
        ]

    def grouped_warnings(self) -> list[tuple[str, int, list[str]]]:
        return [(reason, n, self.examples.get(reason, [])) for reason, n in self.warnings.most_common()]
