"""The DuckDB tables and the summary queries in scripts/sql.

Every expected figure is recomputed here from data/*.csv with the csv module, not
copied from a query's output, so the tests follow the data as it changes.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest

import duckdb_views
import summaries
from bordercoop.schema import TABLES, duckdb_columns

ROOT = Path(__file__).resolve().parents[2]
Row = dict[str, Any]


def read_csv(table: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def or_none(text: str) -> str | None:
    return text or None


def as_date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def nulls_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value or "")


def nulls_first(value: Any) -> tuple[bool, Any]:
    return (value is not None, value or "")


def joined(values: set[str]) -> str | None:
    return ", ".join(sorted(values)) or None


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb_views.connect(ROOT)


def query_rows(con: duckdb.DuckDBPyConnection, name: str) -> list[Row]:
    columns, rows = summaries.run(con, summaries.load_queries()[name])
    return [dict(zip(columns, row, strict=True)) for row in rows]


def neighbours_by_meeting() -> dict[str, set[str]]:
    result: dict[str, set[str]] = defaultdict(set)
    for party in read_csv("meeting_parties"):
        if party["country_code"] != "VN":
            result[party["meeting_id"]].add(party["country_code"])
    return result


# --- tables ----------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_table_has_schema_types(con: duckdb.DuckDBPyConnection, table: str) -> None:
    described = con.execute(f'DESCRIBE "{table}"').fetchall()
    assert [(row[0], row[1]) for row in described] == list(duckdb_columns(table).items())


@pytest.mark.parametrize("table", TABLES)
def test_table_holds_every_row_and_cell(con: duckdb.DuckDBPyConnection, table: str) -> None:
    rows = read_csv(table)
    assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == len(rows)
    for column in duckdb_columns(table):
        non_empty = sum(1 for row in rows if row[column] != "")
        assert con.execute(f'SELECT count("{column}") FROM "{table}"').fetchone()[0] == non_empty, column


def test_csv_is_read_with_schema_types_never_auto_detected() -> None:
    sql = duckdb_views.read_csv_sql("meetings", Path("/x/data/meetings.csv"))
    assert "auto_detect = false" in sql
    assert all(f"'{name}': '{kind}'" in sql for name, kind in duckdb_columns("meetings").items())


# --- summary queries -----------------------------------------------------------------


def test_every_query_has_title_and_description() -> None:
    queries = summaries.load_queries()
    assert len(queries) >= 5
    for query in queries.values():
        assert query.title and query.description, query.name


def test_meetings_per_country_year(con: duckdb.DuckDBPyConnection) -> None:
    """Events, not meeting rows: each real-world meeting once, only role = event."""
    neighbours = neighbours_by_meeting()
    groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for e in read_csv("events"):
        if e["role"] != "event":
            continue
        same_year = e["date_start"] and e["date_end"] and e["date_start"][:4] == e["date_end"][:4]
        year = e["date_start"][:4] if same_year and e["date_precision"] != "unknown" else "unknown"
        for neighbour in neighbours.get(e["meeting_id"]) or {"unknown"}:
            groups[neighbour, year][e["status"]] += 1
            groups[neighbour, year]["mentions"] += int(e["mention_count"])
    expected = [
        {"neighbour": n, "year": y, "meetings": c["held"] + c["planned"] + c["cancelled"], "held": c["held"],
         "planned": c["planned"], "cancelled": c["cancelled"], "mentions": c["mentions"]}
        for (n, y), c in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] == "unknown", item[0][1]))
    ]
    assert query_rows(con, "meetings_per_country_year") == expected


def test_event_mentions(con: duckdb.DuckDBPyConnection) -> None:
    documents: dict[str, list[str]] = defaultdict(list)
    for m in read_csv("meetings"):
        documents[m["event_id"]].append(m["document_id"])
    expected = [
        {
            "event_id": e["event_id"], "neighbour": or_none(e["neighbour"]), "kind": e["kind"], "status": e["status"],
            "role": e["role"], "date_start": as_date(e["date_start"]), "date_end": as_date(e["date_end"]),
            "date_precision": e["date_precision"], "mention_count": int(e["mention_count"]),
            "first_document_id": e["first_document_id"],
            "documents": ", ".join(sorted(documents[e["event_id"]], key=lambda d: (d != e["first_document_id"], d))),
        }
        for e in read_csv("events")
    ]
    expected.sort(key=lambda r: (nulls_last(r["date_start"]), nulls_last(r["date_end"]), r["event_id"]))
    assert query_rows(con, "event_mentions") == expected


def test_meeting_timeline(con: duckdb.DuckDBPyConnection) -> None:
    neighbours = neighbours_by_meeting()
    expected = [
        {
            "neighbour": n, "meeting_id": m["meeting_id"], "document_id": m["document_id"], "kind": m["kind"],
            "status": m["status"], "date_start": as_date(m["date_start"]), "date_end": as_date(m["date_end"]),
            "date_precision": m["date_precision"], "date_basis": or_none(m["date_basis"]), "date_text": or_none(m["date_text"]),
            "event_id": m["event_id"], "role": m["role"],
        }
        for m in read_csv("meetings")
        for n in sorted(neighbours.get(m["meeting_id"]) or {"unknown"})
    ]
    expected.sort(key=lambda r: (r["neighbour"], nulls_last(r["date_start"]), nulls_last(r["date_end"]), r["meeting_id"]))
    assert query_rows(con, "meeting_timeline") == expected


def test_patrols_per_border_period(con: duckdb.DuckDBPyConnection) -> None:
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for p in read_csv("patrols"):
        groups[f"{p['country_a']}-{p['country_b']}", p["period_start"], p["period_end"]].append(p)

    def total(rows: list[dict[str, str]], column: str, scope: str | None = None) -> int | None:
        values = [int(r[column]) for r in rows if r[column] and scope in (None, r["personnel_scope"])]
        return sum(values) if values else None

    expected = [
        {
            "border": border, "period_start": as_date(start), "period_end": as_date(end), "reports": len(rows),
            "patrols": total(rows, "patrol_count"),
            "personnel_per_side": total(rows, "personnel", "per_side"),
            "personnel_total": total(rows, "personnel", "total"),
            "personnel_scope_unknown": total(rows, "personnel", "unknown"),
            "levels": joined({r["level"] for r in rows}),
        }
        for (border, start, end), rows in groups.items()
    ]
    expected.sort(key=lambda r: (r["border"], nulls_last(r["period_start"]), nulls_last(r["period_end"])))
    assert query_rows(con, "patrols_per_border_period") == expected


def test_border_length_segments(con: duckdb.DuckDBPyConnection) -> None:
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in read_csv("border_lengths"):
        groups[f"{row['country_a']}-{row['country_b']}", row["document_id"]].append(row)
    expected = []
    for (border, document_id), rows in sorted(groups.items()):
        km = {r["segment"]: float(r["length_km"]) for r in rows}
        total, land, water = km.get("total"), km.get("land"), km.get("water")
        complete = None not in (total, land, water)
        expected.append({
            "border": border, "document_id": document_id, "total_km": total, "land_km": land, "water_km": water,
            "land_plus_water_km": pytest.approx(land + water) if land is not None and water is not None else None,
            "sum_check": ("ok" if abs(land + water - total) < 0.0005 else "mismatch") if complete else "incomplete",
            "qualifiers": joined({r["qualifier"] for r in rows} - {""}),
        })
    assert query_rows(con, "border_length_segments") == expected


def ancestors(province_id: str, parents: dict[str, str]) -> list[str]:
    chain = [province_id]
    while parents.get(chain[-1]):
        chain.append(parents[chain[-1]])
    return chain


def test_border_provinces_as_parties(con: duckdb.DuckDBPyConnection) -> None:
    provinces = {p["province_id"]: p for p in read_csv("provinces")}
    parents = {pid: p["parent_id"] for pid, p in provinces.items()}
    documents: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in read_csv("province_borders"):
        documents[row["neighbour_country"], row["province_id"]].add(row["document_id"])
    event_of = {m["meeting_id"]: m["event_id"] for m in read_csv("meetings")}
    parties = [(event_of[p["meeting_id"]], p["province_id"]) for p in read_csv("meeting_parties") if p["province_id"]]
    expected = []
    for (country, province_id), docs in documents.items():
        via = [(meeting, party) for meeting, party in parties if province_id in ancestors(party, parents)]
        meetings = len({meeting for meeting, _ in via})
        expected.append({
            "border_with": country, "province_id": province_id, "name_en": provinces[province_id]["name_en"],
            "documents": len(docs), "meetings": meetings,
            "as_itself": len({meeting for meeting, party in via if party == province_id}),
            "via_lower_units": joined({party for _, party in via if party != province_id}),
            "meeting_party": "yes" if meetings else "never",
        })
    expected.sort(key=lambda r: (r["meetings"] == 0, r["border_with"], r["province_id"]))
    assert query_rows(con, "border_provinces_as_parties") == expected


def test_document_facts(con: duckdb.DuckDBPyConnection) -> None:
    counts: Counter[tuple[str, str, str | None, str | None]] = Counter()
    for m in read_csv("meetings"):
        counts[m["document_id"], "meetings", m["method"], m["date_basis"] or "none"] += 1
    for table in ("patrols", "border_lengths"):
        for row in read_csv(table):
            counts[row["document_id"], table, row["method"], None] += 1
    for doc in read_csv("documents"):
        if not any(key[0] == doc["document_id"] for key in counts):
            counts[doc["document_id"], "none", None, None] = 0
    expected = [
        {"document_id": d, "fact": f, "method": m, "date_basis": b, "facts": n}
        for (d, f, m, b), n in sorted(counts.items(), key=lambda i: (i[0][0], i[0][1], nulls_first(i[0][2]), nulls_first(i[0][3])))
    ]
    assert query_rows(con, "document_facts") == expected


# --- printing ------------------------------------------------------------------------------


def test_render_aligns_columns() -> None:
    text = summaries.render(["name", "n"], [("a", 5), ("longer", None), ("b", 120)])
    lines = text.splitlines()
    assert lines[0] == "name      n"
    assert lines[1] == "------  ---"
    assert lines[2:] == ["a         5", "longer    -", "b       120"]


def test_cli_prints_every_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert summaries.main([]) == 0
    out = capsys.readouterr().out
    for query in summaries.load_queries().values():
        assert f"== {query.title} [{query.name}]" in out
