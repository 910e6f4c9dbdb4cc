"""Plausibility bounds (reference/bounds.csv) on extracted rows, and the minus sign."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bordercoop.facts import DocumentFacts
from bordercoop.stages.bounds import BOUNDS_PATH, BoundsError, apply_bounds, load_bounds, package_year
from bordercoop.stages.ingest import Document
from bordercoop.text.numbers import sign_before

TEXT = "Title\nBody one.\nBody two has the fact.\n"


def _facts(published: dt.date | None = None) -> DocumentFacts:
    doc = Document("d", "seeds/d.txt", "0" * 64, "utf-8", "", TEXT, "Title", 6, len(TEXT), "", "vi", published=published)
    facts = DocumentFacts(doc)
    start = TEXT.index("Body two")
    facts.table("meetings").append({"meeting_id": "m-d-1", "document_id": "d", "date_start": dt.date(2024, 5, 1),
                                    "date_end": dt.date(2024, 5, 1), "char_start": start, "char_end": start + 8, "method": "rule"})
    facts.table("meeting_parties").append({"meeting_id": "m-d-1", "party_index": 0, "country_code": "VN", "method": "rule"})
    facts.table("patrols").append({"patrol_id": "p-d-1", "document_id": "d", "meeting_id": "m-d-1", "patrol_count": 3,
                                   "personnel": 0, "char_start": 6, "char_end": 10, "method": "rule"})
    facts.table("border_lengths").append({"document_id": "d", "length_km": Decimal("-1"), "char_start": 6, "char_end": 10, "method": "curated"})
    return facts


def test_rows_outside_are_dropped_with_their_links_and_reported() -> None:
    facts = _facts(published=dt.date(2021, 3, 1))  # 2024 > 2021 + 2
    rejected = apply_bounds([facts], load_bounds())
    assert facts.table("meetings") == [] and facts.table("meeting_parties") == []
    assert facts.table("patrols") == []  # personnel 0 is below 1
    assert [r["length_km"] for r in facts.table("border_lengths")] == [Decimal("-1")]  # curated: the curator's decision
    assert [shown for shown, _ in rejected] == ["seeds/d.txt line 2", "seeds/d.txt line 3"]  # bounds.csv order
    assert "patrols.personnel = 0: outside 1..1000000" in rejected[0][1]
    assert "meetings.date_start = 2024-05-01: year outside 1945..2023" in rejected[1][1] and "'Body two'" in rejected[1][1]
    assert all(n.startswith("looked like a fact, not published") for n in facts.notes)


def test_without_publication_date_the_package_year_is_the_reference() -> None:
    kept, dropped = _facts(), _facts()
    for facts, year in ((kept, package_year() + 2), (dropped, package_year() + 3)):
        facts.table("patrols")[0]["personnel"] = 12
        facts.table("meetings")[0].update(date_start=dt.date(year, 1, 1), date_end=dt.date(year, 1, 1))
        apply_bounds([facts], load_bounds())
    assert len(kept.table("meetings")) == 1 and kept.table("patrols")[0]["meeting_id"] == "m-d-1"
    assert dropped.table("meetings") == []


def test_a_dropped_meeting_unlinks_its_patrols() -> None:
    facts = _facts(published=dt.date(2021, 3, 1))
    facts.table("patrols")[0]["personnel"] = 12
    apply_bounds([facts], load_bounds())
    assert [p["meeting_id"] for p in facts.table("patrols")] == [""]


def test_every_bound_names_a_schema_field() -> None:
    bounds = load_bounds(BOUNDS_PATH)
    assert {(b.table, b.field) for b in bounds} >= {("border_lengths", "length_km"), ("patrols", "personnel"), ("meetings", "date_start")}


def test_max_below_min_is_refused(tmp_path) -> None:
    path = tmp_path / "bounds.csv"
    path.write_text("table,field,min,max,note\npatrols,personnel,10,1,x\n", encoding="utf-8")
    with pytest.raises(BoundsError, match="bounds.csv row 2, field max"):
        load_bounds(path)


@pytest.mark.parametrize(("text", "sign"), [
    ("dài -1 km", -1), ("dài \u22121 km", -1), ("(-5 km)", -1), ("-7 km", -1),
    ("từ 3-5 km", 1), ("Lào-1 km", 1), ("dài 1 km", 1), ("Việt Nam - 1 km", 1),
])
def test_sign_before(text: str, sign: int) -> None:
    start = text.index(" km") - 1  # the figures here are one digit
    assert sign_before(text, start) == sign
