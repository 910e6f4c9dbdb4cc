"""Score the extraction rules against a folder of articles with expected facts.

    python scripts/evaluate.py tests/devset tests/heldout

Each folder holds ``*.txt`` articles and an ``expected.json`` (see
tests/devset/README.md for its format). Prints precision and recall per table,
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract import DocumentFacts, extract_document  # noqa: E402
from ingest import ingest  # noqa: E402

TABLES = ("meetings", "patrols", "border_lengths", "provinces_mentioned", "province_borders")


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def extracted_facts(f: DocumentFacts) -> dict[str, set]:
    """What the rules found, in the comparable form of expected.json."""
    sides: dict[str, set] = {}
    for p in f.meeting_parties:
        sides.setdefault(p["meeting_id"], set()).add(p["country_code"])
    return {
        "meetings": {(m["kind"], m["status"], _iso(m["date_start"]), _iso(m["date_end"]), m["date_precision"],
                      tuple(sorted(sides[m["meeting_id"]]))) for m in f.meetings},
        "patrols": {(p["country_b"], p["level"], p["patrol_count"], p["personnel"], p["personnel_scope"]) for p in f.patrols},
        "border_lengths": {(r["country_b"], r["segment"], float(r["length_km"])) for r in f.border_lengths},
        "provinces_mentioned": {m["province_id"] for m in f.province_mentions},
        # expected sets list Vietnamese provinces only
        "province_borders": {(b["province_id"], b["neighbour_country"]) for b in f.province_borders if b["province_id"].startswith("vn-")},
    }


def expected_facts(e: dict) -> dict[str, set]:
    return {
        "meetings": {(m["kind"], m["status"], m["date_start"], m["date_end"], m["date_precision"], tuple(sorted(m["countries"]))) for m in e["meetings"]},
        "patrols": {(p["country_b"], p["level"], p["patrol_count"], p["personnel"], p["personnel_scope"]) for p in e["patrols"]},
        "border_lengths": {(r["country_b"], r["segment"], float(r["length_km"])) for r in e["border_lengths"]},
        "provinces_mentioned": set(e["provinces_mentioned"]),
        "province_borders": {tuple(x) for x in e["province_borders"]},
    }


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for folder in args.folders:
        scores = score_folder(folder)
        print(f"{folder}")
        print(f"  {'table':<20} {'found':>5} {'expected':>8} {'precision':>9} {'recall':>6}")
        for t, s in scores.items():
            print(f"  {t:<20} {s.found:>5} {s.expected:>8} {s.precision:>9.2f} {s.recall:>6.2f}")
        for t, s in scores.items():
            for d in s.differences:
                print(f"  [{t}] {d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
