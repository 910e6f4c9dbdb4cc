"""The rules on the sets of articles written for this project (not copied news),
covering Laos, Cambodia and China, traps included: the Vietnamese development set
(tests/sets/vi/devset/), two sets first written blind to the rules (heldout/,
blind/; their first-run scores are in the README), the Vietnamese patterns of real
border news (vi/patterns/) and the English set (en/written/). Scoring lives in
scripts/evaluate.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercoop.evaluation.score import TABLES, score_folder

SETS = Path(__file__).resolve().parent.parent / "sets"

# A wrong fact is worse than a missing one: precision must hold. Known
# disagreements on the held-out set: a per-patrol figure ("mỗi đợt mỗi bên cử 15
# cán bộ") is not recorded as personnel; a border stated as a range ("từ tỉnh Điện Biên đến tỉnh
# Kon Tum") and a long-distance subject are not read.
# Known disagreements on the patterns set: a planned talks without a date; on the
# English set: a per-side figure read as a total; on the second blind sets: a
# patrol level named in an earlier sentence, a state visit named in passing.
MIN_PRECISION = {
    "vi/devset": dict.fromkeys(TABLES, 1.0),
    "vi/heldout": {**dict.fromkeys(TABLES, 1.0), "patrols": 0.9},
    # patrol levels the blind set infers from units named in earlier sentences
    "vi/blind": {**dict.fromkeys(TABLES, 1.0), "patrols": 0.8},
    "vi/patterns": dict.fromkeys(TABLES, 1.0),
    "en/written": {**dict.fromkeys(TABLES, 1.0), "patrols": 0.9},
    # first written blind to the rules (first-run scores in the README)
    "vi/blind2": {**dict.fromkeys(TABLES, 1.0), "patrols": 0.9},
    "en/blind2": {**dict.fromkeys(TABLES, 1.0), "meetings": 0.9, "patrols": 0.9},
    # third blind sets: meetings inside named programmes, trilateral plans and patrol
    # levels named in earlier sentences remain open (README)
    "vi/blind3": {**dict.fromkeys(TABLES, 1.0), "meetings": 0.85, "patrols": 0.85, "provinces_mentioned": 0.95},
    "en/blind3": {**dict.fromkeys(TABLES, 1.0), "meetings": 0.85, "patrols": 0.6},
}
MIN_RECALL = {
    "vi/devset": {**dict.fromkeys(TABLES, 1.0), "province_borders": 0.85},
    "vi/heldout": {**dict.fromkeys(TABLES, 1.0), "patrols": 0.9, "province_borders": 0.8},
    "vi/blind": {**dict.fromkeys(TABLES, 1.0), "meetings": 0.9, "patrols": 0.8, "province_borders": 0.85},
    "vi/patterns": {**dict.fromkeys(TABLES, 1.0), "meetings": 0.95, "province_borders": 0.8},
    "en/written": {**dict.fromkeys(TABLES, 1.0), "patrols": 0.9, "province_borders": 0.9, "provinces_mentioned": 0.95},
    "vi/blind2": {**dict.fromkeys(TABLES, 1.0), "patrols": 0.9, "province_borders": 0.9},
    # English border-province phrasings ("Binh Phuoc borders Cambodia's Kratie") are read only in part
    "en/blind2": {**dict.fromkeys(TABLES, 1.0), "patrols": 0.9, "province_borders": 0.5},
    "vi/blind3": {**dict.fromkeys(TABLES, 1.0), "meetings": 0.8, "patrols": 0.85, "border_lengths": 0.75, "province_borders": 0.9},
    "en/blind3": {**dict.fromkeys(TABLES, 1.0), "meetings": 0.75, "patrols": 0.6, "province_borders": 0.5},
}


@pytest.fixture(scope="module", params=sorted(MIN_RECALL))
def scored(request) -> tuple[str, dict]:
    return request.param, score_folder(SETS / request.param)


@pytest.mark.parametrize("table", TABLES)
def test_rules_on_written_sets(scored, table: str) -> None:
    name, scores = scored
    s = scores[table]
    print(f"{name} {table}: precision {s.precision:.2f} recall {s.recall:.2f}")
    assert s.precision >= MIN_PRECISION[name][table], s.differences
    assert s.recall >= MIN_RECALL[name][table], s.differences
