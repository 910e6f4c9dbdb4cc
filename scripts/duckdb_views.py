"""Typed DuckDB views over the package's CSV tables.

    python scripts/duckdb_views.py          # writes build/border.duckdb
    duckdb build/border.duckdb              # then e.g. SELECT * FROM meetings;

One VIEW per table in ``table_schemas.TABLES``, reading ``data/<table>.csv`` with
``read_csv(..., auto_detect=false, columns={...})``: the column types come from the
Table Schemas (via ``table_schemas.duckdb_columns``), never from DuckDB's sniffer.
The views hold absolute CSV paths, so the database works from any directory and
always shows the current CSVs (rebuild it only if the repository moves).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.paths import ROOT  # noqa: E402
from bordercoop.schema import TABLES, duckdb_columns  # noqa: E402

DB_PATH = Path("build") / "border.duckdb"


def sql_string(text: str) -> str:
    """A single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def view_sql(table: str, csv_path: Path) -> str:
    """``CREATE OR REPLACE VIEW`` for one table, typed from its Table Schema."""
    columns = ", ".join(f"{sql_string(name)}: {sql_string(kind)}" for name, kind in duckdb_columns(table).items())
    return (
        f'CREATE OR REPLACE VIEW "{table}" AS SELECT * FROM read_csv({sql_string(str(csv_path))}, '
        f"header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {{{columns}}})"
    )


def create_views(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    data_dir = Path(root).resolve() / "data"
    for table in TABLES:
        con.execute(view_sql(table, data_dir / f"{table}.csv"))


def connect(root: Path | str = ROOT) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the typed views over ``root/data``."""
    con = duckdb.connect(":memory:")
    create_views(con, Path(root))
    return con


def write_database(root: Path, db_path: Path) -> Path:
    """(Re)create the database file at ``db_path`` (relative to ``root``)."""
    target = Path(root).resolve() / db_path
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".tmp")
    staging.unlink(missing_ok=True)
    with duckdb.connect(str(staging)) as con:
        create_views(con, Path(root))
    os.replace(staging, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="package root (default: this repository)")
    parser.add_argument("--db", type=Path, default=DB_PATH, help="database path relative to the root")
    args = parser.parse_args(argv)
    target = write_database(args.root, args.db)
    with duckdb.connect(str(target), read_only=True) as con:
        for table in TABLES:
            (count,) = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            print(f"{table:<18} {count:>5} rows")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
