"""Rule regressions on a short article written for this test (tests/rules/):
plans lend no year, courtesy calls are meetings, per-patrol personnel is not a
period figure, a province's own stretch is not a border length."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercoop.stages.extract import extract_document
from bordercoop.stages.ingest import ingest

RULES = Path(__file__).resolve().parent / "rules"


@pytest.fixture(scope="module")
def all_facts() -> dict:
    return {d.document_id: extract_document(d) for d in ingest(RULES).documents}


@pytest.fixture(scope="module")
def facts(all_facts):
    return all_facts["quang_tri_probe"]


def test_meetings(facts) -> None:
    got = {(m["kind"], m["status"], str(m["date_start"]), str(m["date_end"]), m["date_precision"], m["date_basis"]) for m in facts.table("meetings")}
    assert got == {
        ("other", "held", "2025-03-15", "2025-03-15", "day", "stated"),  # tiếp xã giao
        ("talks", "held", "2025-03-16", "2025-03-16", "day", "inferred"),  # year not from the 2026 plan
        ("visit", "held", "2024-06-02", "2024-06-04", "day", "stated"),
        ("talks", "planned", "2026-03-01", "2026-03-31", "month", "stated"),
    }
    talks = next(m for m in facts.table("meetings") if m["status"] == "held" and m["kind"] == "talks")
    assert talks["venue"] == "Đồn Biên phòng Cửa khẩu quốc tế Lao Bảo"


def test_per_patrol_personnel_is_not_recorded(facts) -> None:
    (p,) = facts.table("patrols")
    assert (p["patrol_count"], p["personnel"], p["personnel_scope"], str(p["period_start"]), str(p["period_end"])) == (24, None, "unknown", "2024-01-01", "2024-12-31")
    assert any("per patrol" in n for n in facts.notes)


def test_only_the_country_border_is_a_length(facts) -> None:
    assert [(r["country_b"], r["segment"], str(r["length_km"])) for r in facts.table("border_lengths")] == [("LA", "total", "2337.459")]


def test_province_borders(facts) -> None:
    got = {(b["province_id"], b["neighbour_country"]) for b in facts.table("province_borders")}
    assert got == {("vn-quang-tri", "LA"), ("la-savannakhet", "VN"), ("la-salavan", "VN")}


def test_boilerplate_is_ignored(facts) -> None:
    assert "vn-quang-binh" not in {m["province_id"] for m in facts.table("province_mentions")}


def test_province_border_phrasings(all_facts) -> None:
    got = {(b["province_id"], b["neighbour_country"]) for b in all_facts["tay_ninh_probe"].table("province_borders")}
    assert got == {
        ("vn-tay-ninh", "KH"), ("kh-svay-rieng", "VN"), ("kh-prey-veng", "VN"), ("kh-tbong-khmum", "VN"),
        ("vn-kon-tum", "LA"), ("vn-kon-tum", "KH"),
    }  # "hợp tác ... trên tuyến biên giới" does not say Quảng Trị lies on it
