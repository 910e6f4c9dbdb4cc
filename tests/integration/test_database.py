"""build/border.duckdb and build/parquet/: tables with keys, read by column name,
convenience views, a file that works alone and in the 1.x DuckDB CLI.

Expected values are recomputed from data/*.csv and the seeds with the csv module,
so the tests hold for any corpus.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest

import duckdb_views
import summaries
from bordercoop.queries import VIEWS_DIR, load_queries
from bordercoop.schema import TABLES, field_names, fields, foreign_keys, header_problem, load_schema, primary_key, quote_field
from bordercoop.stages.ingest import read_seed_text

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "duckdb"  # the duckdb-cli package (1.x) of requirements.lock


def read_csv(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def typed(table: str, row: dict[str, str]) -> tuple[Any, ...]:
    """A CSV row as Python values of its schema types (empty = None)."""
    cast = {"string": str, "integer": int, "number": float, "date": dt.date.fromisoformat, "boolean": lambda v: v == "true"}
    return tuple(cast[f["type"]](row[f["name"]]) if row[f["name"]] != "" else None for f in fields(table))


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb_views.connect(ROOT)


@pytest.fixture(scope="module")
def db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return duckdb_views.write_database(ROOT, tmp_path_factory.mktemp("db") / "border.duckdb")


def package_copy(tmp_path: Path) -> Path:
    """A package root with a copy of data/ (enough for a loader that fails on a CSV)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def rewrite_header(path: Path, header: list[str], reorder: bool) -> None:
    """Write the CSV with a new header; with ``reorder`` the cells move with their names."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        old = list(rows[0]) if rows else header
        for row in rows:
            writer.writerow([row[name] for name in header] if reorder else [row[name] for name in old])


# --- the file ----------------------------------------------------------------------


def test_database_copied_alone_answers_queries(db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = tmp_path / "elsewhere" / "shared.duckdb"
    alone.parent.mkdir()
    shutil.copy(db_file, alone)
    monkeypatch.chdir(alone.parent)
    with duckdb.connect(alone.name, read_only=True) as con:
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert tables == {*TABLES, duckdb_views.ARTICLES}
        for table in TABLES:
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == len(read_csv(ROOT, table)), table
        meetings = read_csv(ROOT, "meetings")
        assert con.execute("SELECT count(*) FROM meeting_summary").fetchone()[0] == len(meetings)
        assert con.execute("SELECT count(*) FROM fact_context WHERE text_at_offsets = evidence").fetchone()[0] == sum(
            len(read_csv(ROOT, t)) for t in duckdb_views.quoted_tables()
        )
        (sql,) = con.execute("SELECT string_agg(sql, ' ') FROM duckdb_views() WHERE NOT internal").fetchone()
    assert str(ROOT) not in sql and ".csv" not in sql  # nothing points back at the repository


def test_file_is_in_the_pre_2_0_storage_format(db_file: Path) -> None:
    header = db_file.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == 64  # storage version 64: DuckDB 0.10 to 1.1 format


def test_duckdb_1x_cli_opens_the_file(db_file: Path) -> None:
    assert CLI.is_file(), f"{CLI} missing: duckdb-cli is pinned in requirements.lock"
    sql = "SELECT version() AS version, (SELECT count(*) FROM meeting_summary) AS meetings, (SELECT count(*) FROM provinces) AS provinces"
    done = subprocess.run([str(CLI), str(db_file), "-readonly", "-json", "-c", sql], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert row["version"].startswith("v1.")
    assert (row["meetings"], row["provinces"]) == (len(read_csv(ROOT, "meetings")), len(read_csv(ROOT, "provinces")))


def test_failed_build_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    root = package_copy(tmp_path)
    (root / "data" / "patrols.csv").write_text("patrol_id\nx\n", encoding="utf-8")
    db = root / "border.duckdb"
    db.write_bytes(b"previous")
    with pytest.raises(duckdb_views.PackageFileError):
        duckdb_views.write_database(root, Path("border.duckdb"))
    assert db.read_bytes() == b"previous"
    assert sorted(p.name for p in root.iterdir()) == ["border.duckdb", "data"]  # no temporary file left


# --- tables and keys ----------------------------------------------------------------


def test_load_order_puts_referenced_tables_first() -> None:
    order = duckdb_views.load_order()
    assert sorted(order) == sorted(TABLES)
    for table in TABLES:
        for _, ref, _ in foreign_keys(table, load_schema(table)):
            assert order.index(ref) <= order.index(table), (table, ref)


@pytest.mark.parametrize("table", TABLES)
def test_tables_declare_the_schema_keys(con: duckdb.DuckDBPyConnection, table: str) -> None:
    rows = con.execute(
        "SELECT constraint_type, constraint_column_names, referenced_table, referenced_column_names "
        "FROM duckdb_constraints() WHERE table_name = ? AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')",
        [table],
    ).fetchall()
    schema = load_schema(table)
    assert [list(r[1]) for r in rows if r[0] == "PRIMARY KEY"] == [primary_key(schema)]
    declared = sorted((list(r[1]), r[2], list(r[3])) for r in rows if r[0] == "FOREIGN KEY")
    assert declared == sorted(foreign_keys(table, schema))


def test_keys_are_enforced(con: duckdb.DuckDBPyConnection) -> None:
    meeting = con.execute("SELECT * FROM meetings LIMIT 1").fetchall()[0]
    with pytest.raises(duckdb.ConstraintException):
        con.execute(f"INSERT INTO meetings VALUES ({', '.join('?' * len(meeting))})", list(meeting))
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO meeting_parties VALUES ('no-such-meeting', 0, 'VN', NULL, NULL, 'rule', NULL)")


# --- columns by name -------------------------------------------------------------------


def test_header_problem_names_the_columns() -> None:
    names = field_names("meetings")
    assert header_problem("meetings", names) is None
    swapped = [names[0], names[1], names[3], names[2], *names[4:]]
    assert "column 3 is 'status', the schema's is 'kind'" in header_problem("meetings", swapped)
    renamed = ["category" if n == "kind" else n for n in names]
    assert "missing kind; unexpected category" in header_problem("meetings", renamed)
    assert "repeated kind" in header_problem("meetings", [*names, "kind"])


def test_reordered_columns_are_refused_without_traceback(tmp_path: Path) -> None:
    root = package_copy(tmp_path)
    names = field_names("meetings")
    rewrite_header(root / "data" / "meetings.csv", [names[0], names[1], names[3], names[2], *names[4:]], reorder=True)
    db = root / "build" / "border.duckdb"
    db.parent.mkdir()
    db.write_bytes(b"previous")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "duckdb_views.py"), "--root", str(root)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "data/meetings.csv: header does not match schemas/meetings.schema.json" in done.stderr
    assert "'status'" in done.stderr and "'kind'" in done.stderr
    assert db.read_bytes() == b"previous"
    assert not (root / "build" / "parquet").exists()


def test_renamed_column_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = package_copy(tmp_path)
    names = field_names("provinces")
    rewrite_header(root / "data" / "provinces.csv", ["name" if n == "name_en" else n for n in names], reorder=False)
    assert duckdb_views.main(["--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "data/provinces.csv" in err and "missing name_en; unexpected name" in err


# --- views ----------------------------------------------------------------------


def test_every_view_is_created(con: duckdb.DuckDBPyConnection) -> None:
    views = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert views == {*load_queries(VIEWS_DIR), *summaries.load_queries(), duckdb_views.FACT_CONTEXT}


def test_summary_views_are_the_summary_queries(con: duckdb.DuckDBPyConnection) -> None:
    for name, query in summaries.load_queries().items():
        columns, rows = summaries.run(con, query)
        cursor = con.execute(f'SELECT * FROM "{name}"')
        assert [d[0] for d in cursor.description] == columns
        assert cursor.fetchall() == rows, name


def expected_year(m: dict[str, str]) -> int | None:
    start, end = m["date_start"], m["date_end"]
    return int(start[:4]) if start and end and start[:4] == end[:4] and m["date_precision"] != "unknown" else None


def test_meeting_summary_one_row_per_meeting_with_both_sides(con: duckdb.DuckDBPyConnection) -> None:
    provinces = {p["province_id"]: p for p in read_csv(ROOT, "provinces")}
    sides: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in sorted(read_csv(ROOT, "meeting_parties"), key=lambda p: int(p["party_index"])):
        side = sides[p["meeting_id"]]
        vn = p["country_code"] == "VN"
        if not vn:
            side["neighbour"].append(p["country_code"])
        if p["province_id"]:
            side["vn_units" if vn else "foreign_units"].append(provinces[p["province_id"]]["name_vi" if vn else "name_en"])
    cursor = con.execute("SELECT * FROM meeting_summary")
    columns = [d[0] for d in cursor.description]
    rows = {r["meeting_id"]: r for r in (dict(zip(columns, row, strict=True)) for row in cursor.fetchall())}
    meetings = read_csv(ROOT, "meetings")
    assert sorted(rows) == sorted(m["meeting_id"] for m in meetings)
    documents = {d["document_id"]: d for d in read_csv(ROOT, "documents")}
    for m in meetings:
        row, side = rows[m["meeting_id"]], sides[m["meeting_id"]]
        assert row["neighbour"] == (", ".join(sorted(set(side["neighbour"]))) or None)
        assert row["vn_units"] == (", ".join(side["vn_units"]) or None)
        assert row["foreign_units"] == (", ".join(side["foreign_units"]) or None)
        assert (row["kind"], row["status"], row["evidence"]) == (m["kind"], m["status"], m["evidence"])
        assert row["year"] == expected_year(m), m["meeting_id"]
        assert row["title"] == documents[m["document_id"]]["title"]
        assert (row["url"] or "") == documents[m["document_id"]]["url"]


def test_year_is_null_when_the_year_is_not_known() -> None:
    con = duckdb_views.connect(ROOT)  # a private copy: add meetings with known and unknown years
    (document_id,) = con.execute("SELECT min(document_id) FROM documents").fetchone()
    cases = {  # id: (date_start, date_end, precision, expected year)
        "m-open-end": ("2021-07-01", None, "unknown", None),  # "not before 2021-07-01"
        "m-unknown": (None, None, "unknown", None),
        "m-two-years": ("2024-12-01", "2025-01-31", "month", None),
        "m-month": ("2021-07-01", "2021-07-31", "month", 2021),
        "m-day": ("2025-04-14", "2025-04-15", "day", 2025),
    }
    by_year = "SELECT year, meetings FROM meetings_per_country_year WHERE neighbour = 'unknown'"
    before = dict(con.execute(by_year).fetchall())
    for meeting_id, (start, end, precision, _) in cases.items():
        event_id = f"e{meeting_id[1:]}-0"  # one event per meeting, counted by the summary (role event)
        con.execute(
            "INSERT INTO events (event_id, meeting_id, first_document_id, kind, status, role, date_start, date_end, date_precision, countries, mention_count) "
            "VALUES (?, ?, ?, 'talks', 'held', 'event', ?, ?, ?, 'VN', 1)",
            [event_id, meeting_id, document_id, start, end, precision],
        )
        con.execute(
            "INSERT INTO meetings (meeting_id, document_id, kind, status, date_start, date_end, date_precision, evidence, char_start, char_end, method, event_id, role) "
            "VALUES (?, ?, 'talks', 'held', ?, ?, ?, 'x', 0, 1, 'rule', ?, 'event')",
            [meeting_id, document_id, start, end, precision, event_id],
        )
    years = dict(con.execute("SELECT meeting_id, year FROM meeting_summary WHERE meeting_id IN (SELECT unnest(?))", [list(cases)]).fetchall())
    assert years == {meeting_id: case[3] for meeting_id, case in cases.items()}
    # the summary counts by the same year (the new meetings have no parties: neighbour 'unknown')
    after = dict(con.execute(by_year).fetchall())
    added = {year: after[year] - before.get(year, 0) for year in after if after[year] != before.get(year, 0)}
    assert added == {"2021": 1, "2025": 1, "unknown": 3}


def test_fact_context_quotes_every_fact_at_its_offsets(con: duckdb.DuckDBPyConnection) -> None:
    texts = {d["document_id"]: read_seed_text(ROOT / d["path"]) for d in read_csv(ROOT, "documents")}
    n = duckdb_views.CONTEXT_CHARS
    expected = sorted(
        (t, row["document_id"], int(row["char_start"]), int(row["char_end"]), row[quote_field(t)])
        for t in duckdb_views.quoted_tables()
        for row in read_csv(ROOT, t)
    )
    rows = con.execute("SELECT fact_table, document_id, char_start, char_end, evidence, text_at_offsets, before, after FROM fact_context").fetchall()
    assert sorted(r[:5] for r in rows) == expected
    for table, document_id, start, end, evidence, at, before, after in rows:
        text = texts[document_id]
        assert at == evidence == text[start:end], (table, document_id, start)
        assert before == text[max(start - n, 0):start] and after == text[end:end + n]


def test_fact_ids_are_unique(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("SELECT count(*) - count(DISTINCT (fact_table, fact_id)) FROM fact_context").fetchone()[0] == 0


def test_article_text_holds_each_document(con: duckdb.DuckDBPyConnection) -> None:
    documents = read_csv(ROOT, "documents")
    rows = {r[0]: r[1:] for r in con.execute("SELECT document_id, text, body FROM article_text").fetchall()}
    assert sorted(rows) == sorted(d["document_id"] for d in documents)
    for d in documents:
        text = read_seed_text(ROOT / d["path"])
        assert rows[d["document_id"]] == (text, text[int(d["body_start"]):int(d["body_end"])])
        assert len(text) == int(d["n_chars"])


def test_database_without_articles(tmp_path: Path) -> None:
    db = duckdb_views.write_database(ROOT, tmp_path / "facts-only.duckdb", with_text=False)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM article_text WHERE text IS NULL").fetchone()[0] == len(read_csv(ROOT, "documents"))
        assert con.execute("SELECT count(*) FROM fact_context WHERE evidence IS NOT NULL AND before IS NULL").fetchone()[0] > 0


def test_changed_seed_is_refused(tmp_path: Path) -> None:
    root = package_copy(tmp_path)
    shutil.copytree(ROOT / "seeds", root / "seeds")
    first = read_csv(ROOT, "documents")[0]["path"]
    (root / first).write_text("changed\n", encoding="utf-8")
    with pytest.raises(duckdb_views.PackageFileError, match=f"{first}: changed since the package was built"):
        duckdb_views.connect(root)


# --- Parquet ---------------------------------------------------------------------------


def test_parquet_equals_the_csvs_and_is_deterministic(tmp_path: Path) -> None:
    first = duckdb_views.write_parquet(ROOT, tmp_path / "one")
    second = duckdb_views.write_parquet(ROOT, tmp_path / "two")
    assert [p.name for p in first] == [f"{t}.parquet" for t in TABLES]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    with duckdb.connect(":memory:") as con:
        for table, path in zip(TABLES, first, strict=True):
            types = [(f["name"], _type(con, f)) for f in fields(table)]
            cursor = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
            assert [(d[0], str(d[1])) for d in cursor.description] == types
            assert cursor.fetchall() == [typed(table, row) for row in read_csv(ROOT, table)], table


def _type(con: duckdb.DuckDBPyConnection, f: dict[str, Any]) -> str:
    """The Python client's name of a schema field's DuckDB type."""
    from bordercoop.schema import DUCKDB_TYPES

    return str(con.execute(f"SELECT NULL::{DUCKDB_TYPES[f['type']]} AS x").description[0][1])
