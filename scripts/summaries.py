"""Print the named summary queries (``scripts/sql/*.sql``) as plain-text tables.

    python scripts/summaries.py                 # every summary
    python scripts/summaries.py NAME [NAME...]  # some, by file name without .sql
    python scripts/summaries.py --list          # names, titles and descriptions

Each ``.sql`` file starts with a ``-- title: ...`` line and a one-line ``-- ...``
description, and runs against the tables of ``duckdb_views.connect``; the same
file is the view of that name in build/border.duckdb. Unknown values print as ``-``.
"""

from __future__ import annotations

import argparse
import sys
from numbers import Number
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.queries import SQL_DIR, Query, load_queries, load_query  # noqa: E402, F401
from bordercoop.schema import format_cell  # noqa: E402
from duckdb_views import ROOT, connect  # noqa: E402

MISSING = "-"


def run(con: duckdb.DuckDBPyConnection, query: Query) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and result rows (Python values) of one query."""
    cursor = con.execute(query.sql)
    return [d[0] for d in cursor.description], cursor.fetchall()


def cell_text(value: Any) -> str:
    return format_cell(value) or MISSING


def text_rows(rows: list[tuple[Any, ...]]) -> list[list[str]]:
    return [[cell_text(v) for v in row] for row in rows]


def is_numeric(rows: list[tuple[Any, ...]], index: int) -> bool:
    values = [row[index] for row in rows if row[index] is not None]
    return bool(values) and all(isinstance(v, Number) and not isinstance(v, bool) for v in values)


def render(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """An aligned plain-text table; numeric columns are right-aligned."""
    cells = text_rows(rows)
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    right = [is_numeric(rows, i) for i in range(len(columns))]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)]
        return "  ".join(parts).rstrip()

    body = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    if not cells:
        body.append("(no rows)")
    return "\n".join(body)


def report(con: duckdb.DuckDBPyConnection, query: Query) -> str:
    columns, rows = run(con, query)
    return f"== {query.title} [{query.name}]\n{query.description}\n\n{render(columns, rows)}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the summary queries in scripts/sql as plain-text tables.")
    parser.add_argument("names", nargs="*", help="query names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the queries and exit")
    parser.add_argument("--root", type=Path, default=ROOT, help="package root (default: this repository)")
    args = parser.parse_args(argv)
    queries = load_queries()
    unknown = [n for n in args.names if n not in queries]
    if unknown:
        parser.error(f"unknown query {', '.join(unknown)}; choose from {', '.join(queries)}")
    if args.list:
        print("\n".join(f"{q.name}: {q.title}. {q.description}" for q in queries.values()))
        return 0
    con = connect(args.root)
    print("\n".join(report(con, queries[name]) for name in args.names or queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
