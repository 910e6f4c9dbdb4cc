"""Assertions that hold for any corpus of seeds: run on the committed seeds (via
the session pipeline) and on the seeds plus an added article (test_added_article).

The hand-checked facts are those of the five seed articles, picked by document
id, so another article in seeds/ neither adds to nor hides them."""

from __future__ import annotations

from collections.abc import Mapping

from bordercoop.schema import TABLES, quote_field

Tables = Mapping[str, list[dict[str, str]]]

S000, S001, S002, S003, S004 = (
    "000_bab3cb856d3fb1ea", "001_795e1a688bf95eec", "002_e09a1e6ea1454227", "003_7d26435aaa9e1440", "004_e411e5d8253a8af0",
)
SEED_IDS = (S000, S001, S002, S003, S004)


def of_seeds(tables: Tables, table: str, *ids: str) -> list[dict[str, str]]:
    wanted = set(ids or SEED_IDS)
    return [r for r in tables[table] if r["document_id"] in wanted]


def evidence_is_the_text_at_its_offsets(tables: Tables, texts: Mapping[str, str]) -> int:
    checked = 0
    for table in TABLES:
        column = quote_field(table)
        for r in tables[table] if column else ():
            assert texts[r["document_id"]][int(r["char_start"]):int(r["char_end"])] == r[column], (table, r)
            checked += 1
    return checked


def nothing_comes_from_boilerplate(tables: Tables) -> None:
    ends = {d["document_id"]: int(d["body_end"]) for d in tables["documents"]}
    for table in TABLES:
        for r in tables[table] if quote_field(table) else ():
            assert int(r["char_end"]) <= ends[r["document_id"]], (table, r)
    # seed 004's "Tin mới" items are dated 19-8 and name Phú Thọ, Gia Lai, Cà Mau, Hòa Bình
    m004 = of_seeds(tables, "province_mentions", S004)
    assert not {r["province_id"] for r in m004} & {"vn-phu-tho", "vn-gia-lai", "vn-ca-mau", "vn-hoa-binh", "vn-can-tho"}


def every_meeting_has_both_sides(tables: Tables) -> None:
    sides: dict[str, set[str]] = {}
    for p in tables["meeting_parties"]:
        sides.setdefault(p["meeting_id"], set()).add(p["country_code"])
    for m in tables["meetings"]:
        assert "VN" in sides[m["meeting_id"]] and sides[m["meeting_id"]] - {"VN"}, m["meeting_id"]


def hand_checked_seed_facts(tables: Tables) -> None:
    assert {d["document_id"] for d in tables["documents"]} >= set(SEED_IDS)
    lengths = {(r["document_id"], r["segment"]): r["length_km"] for r in of_seeds(tables, "border_lengths")}
    assert lengths == {(S000, "total"): "1449.566", (S000, "land"): "1065.652", (S000, "water"): "383.914"}
    patrols = {(r["document_id"], r["patrol_count"], r["personnel"], r["personnel_scope"], r["level"]) for r in of_seeds(tables, "patrols")}
    assert patrols == {
        (S000, "9", "945", "per_side", "unspecified"),
        (S002, "1", "24", "unknown", "provincial"),
        (S002, "49", "1080", "total", "post_company"),
    }
    meetings = {(r["document_id"], r["kind"], r["status"], r["date_start"], r["date_end"], r["date_precision"], r["date_basis"])
                for r in of_seeds(tables, "meetings")}
    assert (S002, "talks", "held", "2025-12-09", "2025-12-09", "day", "stated") in meetings
    assert (S004, "talks", "held", "2024-08-28", "2024-08-28", "day", "inferred") in meetings  # 79 năm Quốc khánh
    assert (S004, "visit", "held", "2024-08-26", "2024-08-30", "day", "inferred") in meetings
    assert (S001, "talks", "held", "2025-01-01", "2025-12-31", "year", "stated") in meetings
    assert (S003, "exchange", "planned", "", "", "unknown", "") in meetings  # no year anywhere: unknown
    assert (S000, "online_talks", "held", "2021-07-01", "", "unknown", "curated") in meetings
    borders = {(r["province_id"], r["neighbour_country"]) for r in of_seeds(tables, "province_borders", S000)}
    assert {(p, "CN") for p in ("vn-dien-bien", "vn-lai-chau", "vn-lao-cai", "vn-ha-giang", "vn-cao-bang", "vn-lang-son", "vn-quang-ninh")} <= borders
