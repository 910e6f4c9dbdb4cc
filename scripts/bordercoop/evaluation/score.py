"""Score the extraction rules against a folder of articles with expected facts.

    python scripts/evaluate.py                       # every set, and ../shared/realdev if present
    python scripts/evaluate.py tests/sets/vi/devset --no-realdev

Each folder holds ``*.txt`` articles and an ``expected.json`` (see
tests/sets/vi/devset/README.md for its format). Prints precision and recall per table,
then every difference, so a curator or rule writer sees what to fix.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bordercoop.evaluation.realdev import RealdevError, score_realdev
from bordercoop.facts import REGISTRY, DocumentFacts
from bordercoop.paths import REALDEV, SHARED_SCORER, TEST_SETS
from bordercoop.stages.extract import extract_document
from bordercoop.stages.ingest import ingest

# The names the scores are reported under: each fact type's key in expected.json.
TABLES = tuple(f.key for f in REGISTRY)


def extracted_facts(f: DocumentFacts) -> dict[str, set]:
    """What the rules found, in the comparable form of expected.json (the one
    projection: each fact type's ``compare``)."""
    return {t.key: t.compare(f) for t in REGISTRY}


def expected_facts(entry: dict) -> dict[str, set]:
    return {t.key: t.expected(entry) for t in REGISTRY}


@dataclass
class Score:
    """Counts of expected, found and matching facts (as multisets)."""

    true_positives: int = 0
    found: int = 0
    expected: int = 0
    differences: list[str] = field(default_factory=list)

    def add(self, expected: Iterable, found: Iterable) -> bool:
        """Count one article's facts; True when they match exactly."""
        want, got = Counter(expected), Counter(found)
        self.expected += sum(want.values())
        self.found += sum(got.values())
        self.true_positives += sum((want & got).values())
        return want == got

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0


def score_folder(folder: Path) -> dict[str, Score]:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    documents = ingest(folder).documents
    missing = set(expected) - {d.document_id for d in documents}
    if missing:
        raise SystemExit(f"{folder}/expected.json names articles that are not there: {sorted(missing)}")
    scores = {t: Score() for t in TABLES}
    for doc in documents:
        if doc.document_id not in expected:
            raise SystemExit(f"{folder}/{doc.document_id}.txt has no entry in expected.json")
        got, want = extracted_facts(extract_document(doc)), expected_facts(expected[doc.document_id])
        for t in TABLES:
            if not scores[t].add(want[t], got[t]):
                scores[t].differences.append(f"{doc.document_id}: extra {sorted(got[t] - want[t], key=repr)} missing {sorted(want[t] - got[t], key=repr)}")
    return scores


def _default_folders() -> list[Path]:
    """Every written set: ``tests/sets/<lang>/<set>/`` with an expected.json."""
    return sorted(p.parent for p in TEST_SETS.glob("*/*/expected.json"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, help="sets to score (default: every tests/sets/<lang>/<set>)")
    parser.add_argument("--realdev", type=Path, default=REALDEV,
                        help="real annotated articles scored by the shared scorer, when the folder exists (default: %(default)s)")
    parser.add_argument("--no-realdev", action="store_true", help="skip the real development set")
    args = parser.parse_args(argv)
    for folder in args.folders or _default_folders():
        scores = score_folder(folder)
        print(f"{folder}")
        print(f"  {'table':<20} {'found':>5} {'expected':>8} {'precision':>9} {'recall':>6}")
        for t, s in scores.items():
            print(f"  {t:<20} {s.found:>5} {s.expected:>8} {s.precision:>9.2f} {s.recall:>6.2f}")
        for t, s in scores.items():
            for d in s.differences:
                print(f"  [{t}] {d}")
    if not args.no_realdev and args.realdev.is_dir():
        print(f"{args.realdev} (shared scorer {SHARED_SCORER})")
        try:
            report = score_realdev(args.realdev)
        except RealdevError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print("".join(f"  {line}\n" for line in report.splitlines()), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
