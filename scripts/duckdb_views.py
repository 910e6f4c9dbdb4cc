"""The package as a DuckDB database and as Parquet files.

    python scripts/duckdb_views.py      # writes build/border.duckdb and build/parquet/<table>.parquet
    .venv/bin/duckdb build/border.duckdb -readonly -c "SELECT * FROM meeting_summary"

The database holds the tables themselves, not views over CSV paths, so the file
can be copied or sent alone. One table per Table Schema (``schema.TABLES``, in
foreign-key order), typed, with NOT NULL, CHECKs, primary and foreign keys from
the schema; rows from ``data/<table>.csv``, read by column name: a CSV whose
header is not the schema's field list is refused, naming the file and the
columns. Beside them: ``articles`` (each document's normalised text, see
``reference/articles.schema.json``), the convenience views of ``sql/views/``,
``fact_context`` (every quoted fact with the text around it), and one view per
named summary of ``sql/`` (the very file ``summaries.py`` runs).

The file is written in DuckDB's v1.1.0 storage format (``STORAGE_VERSION``), so
DuckDB 1.1.0 and every later release, the 1.x command-line tool included, open
it. It is written to a temporary file and moved into place: a reader never sees
a half-written database, and a failed build leaves the old one as it was. The
Parquet files (``COPY ... (FORMAT parquet)``, one per package table, in CSV row
order) are the same bytes on every run.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.files import Busy, atomic_path  # noqa: E402
from bordercoop.paths import REFERENCE, ROOT  # noqa: E402
from bordercoop.queries import SQL_DIR, VIEWS_DIR, load_queries  # noqa: E402
from bordercoop.schema import (  # noqa: E402
    TABLES,
    duckdb_columns,
    duckdb_table_sql,
    foreign_keys,
    header_problem,
    load_schema,
    primary_key,
    quote_field,
    sql_literal,
    sql_name,
)
from bordercoop.stages.ingest import read_seed_text  # noqa: E402
from bordercoop.transaction import JournalError, locked  # noqa: E402

DB_PATH = Path("build") / "border.duckdb"
PARQUET_DIR = Path("build") / "parquet"
# The oldest storage format DuckDB 2.0 writes whose primary and foreign keys
# older releases read back: DuckDB 1.1.0 and later open the file (1.0.x cannot
# read its key indexes). Change it only with the README's "oldest release".
STORAGE_VERSION = "v1.1.0"
ARTICLES = "articles"
FACT_CONTEXT = "fact_context"
CONTEXT_CHARS = 200  # characters of article text shown before and after each fact


class PackageFileError(ValueError):
    """A package file that cannot be loaded; the message names the file."""


def articles_schema() -> dict:
    import json

    with open(REFERENCE / "articles.schema.json", encoding="utf-8") as fh:
        return json.load(fh)


def load_order() -> list[str]:
    """TABLES with every table after the tables its foreign keys reference."""
    pending, done = list(TABLES), []
    while pending:
        ready = [t for t in pending if all(ref in done or ref == t for _, ref, _ in foreign_keys(t, load_schema(t)))]
        if not ready:
            raise PackageFileError(f"foreign keys form a cycle among {', '.join(pending)}")
        done += ready
        pending = [t for t in pending if t not in ready]
    return done


def read_csv_sql(table: str, path: Path) -> str:
    """A typed ``read_csv`` of one table's CSV: types from the Table Schema, never sniffed."""
    columns = ", ".join(f"{sql_literal(name)}: {sql_literal(kind)}" for name, kind in duckdb_columns(table).items())
    return (
        f"read_csv({sql_literal(str(path))}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}})"
    )


def csv_path(root: Path, table: str) -> Path:
    return Path(root) / "data" / f"{table}.csv"


def shown(root: Path, path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def check_header(root: Path, table: str) -> Path:
    """The table's CSV path, once its header is the schema's field list."""
    path = csv_path(root, table)
    if not path.is_file():
        raise PackageFileError(f"{shown(root, path)}: missing (run `make package` first)")
    with open(path, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh), [])
    problem = header_problem(table, header)
    if problem:
        raise PackageFileError(f"{shown(root, path)}: {problem}; found: {', '.join(header)}")
    return path


def _self_reference_filter(table: str) -> str:
    """WHERE clause: staged rows not loaded yet whose self-references are loaded."""
    key = primary_key(load_schema(table))
    loaded = " AND ".join(f"t.{sql_name(k)} = s.{sql_name(k)}" for k in key)
    conditions = [f"NOT EXISTS (SELECT 1 FROM {sql_name(table)} AS t WHERE {loaded})"]
    for fields_, ref, ref_fields in foreign_keys(table, load_schema(table)):
        if ref != table:
            continue
        unset = " OR ".join(f"s.{sql_name(f)} IS NULL" for f in fields_)
        match = " AND ".join(f"t.{sql_name(r)} = s.{sql_name(f)}" for f, r in zip(fields_, ref_fields, strict=True))
        conditions.append(f"({unset} OR EXISTS (SELECT 1 FROM {sql_name(table)} AS t WHERE {match}))")
    return " AND ".join(conditions)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, staged: str) -> None:
    """Copy staged rows into the table; a table that references itself (a
    province's parent) is filled in generations, referenced rows first."""
    if not any(ref == table for _, ref, _ in foreign_keys(table, load_schema(table))):
        con.execute(f"INSERT INTO {sql_name(table)} SELECT * FROM {staged}")
        return
    where = _self_reference_filter(table)
    while con.execute(f"INSERT INTO {sql_name(table)} SELECT * FROM {staged} AS s WHERE {where}").fetchone()[0]:
        pass
    (left,) = con.execute(f"SELECT (SELECT count(*) FROM {staged}) - (SELECT count(*) FROM {sql_name(table)})").fetchone()
    if left:
        raise PackageFileError(f"{table}: {left} rows reference rows of {table} that are missing or form a cycle")


def load_table(con: duckdb.DuckDBPyConnection, root: Path, table: str) -> None:
    path = check_header(root, table)
    staged = sql_name(f"staged_{table}")
    try:
        con.execute(duckdb_table_sql(table, load_schema(table)))
        con.execute(f"CREATE TEMP TABLE {staged} AS SELECT * FROM {read_csv_sql(table, path)}")
        insert_rows(con, table, staged)
    except duckdb.Error as exc:
        raise PackageFileError(f"{shown(root, path)}: cannot load table {table}: {exc}") from exc
    finally:
        con.execute(f"DROP TABLE IF EXISTS temp.{staged}")


def article_rows(con: duckdb.DuckDBPyConnection, root: Path) -> list[tuple[str, str]]:
    """(document_id, text) of every document, from its seed file, which must
    still be the file the package was built from (same sha256)."""
    rows = []
    for document_id, path, sha256 in con.execute("SELECT document_id, path, sha256 FROM documents ORDER BY document_id").fetchall():
        seed = Path(root) / path
        if not seed.is_file():
            raise PackageFileError(f"{path}: seed of document {document_id} is missing (or build with --without-articles)")
        if hashlib.sha256(seed.read_bytes()).hexdigest() != sha256:
            raise PackageFileError(f"{path}: changed since the package was built (sha256 differs from documents.csv); run `make package`")
        rows.append((document_id, read_seed_text(seed)))
    return rows


def load_articles(con: duckdb.DuckDBPyConnection, root: Path, with_text: bool = True) -> None:
    schema = articles_schema()
    con.execute(duckdb_table_sql(ARTICLES, schema))
    con.execute(f"COMMENT ON TABLE {ARTICLES} IS {sql_literal(schema['description'])}")
    if with_text:
        con.executemany(f"INSERT INTO {ARTICLES} VALUES (?, ?)", article_rows(con, root))


def fact_id_sql(table: str) -> str:
    key = primary_key(load_schema(table))
    if len(key) == 1:
        return f"CAST(f.{sql_name(key[0])} AS VARCHAR)"
    return "concat_ws('/', " + ", ".join(f"f.{sql_name(k)}" for k in key) + ")"


def quoted_tables() -> list[str]:
    """Tables whose rows quote an article at char_start/char_end."""
    return [t for t in TABLES if quote_field(t) and "document_id" in duckdb_columns(t)]


def fact_context_sql() -> str:
    """One row per quoted fact of every table: its quote, the article text at
    its offsets, and up to CONTEXT_CHARS characters before and after."""
    n = CONTEXT_CHARS
    parts = [
        f"SELECT {sql_literal(t)} AS fact_table, {fact_id_sql(t)} AS fact_id, f.document_id, f.char_start, f.char_end, "
        f"f.{sql_name(quote_field(t))} AS evidence FROM {sql_name(t)} AS f"
        for t in quoted_tables()
    ]
    facts = "\n    UNION ALL\n    ".join(parts)
    return f"""CREATE VIEW {FACT_CONTEXT} AS
WITH facts AS (
    {facts}
)
SELECT
    facts.*,
    substring(a.text, greatest(facts.char_start - {n}, 0) + 1, facts.char_start - greatest(facts.char_start - {n}, 0)) AS before,
    substring(a.text, facts.char_start + 1, facts.char_end - facts.char_start) AS text_at_offsets,
    substring(a.text, facts.char_end + 1, {n}) AS after
FROM facts
LEFT JOIN {ARTICLES} AS a ON a.document_id = facts.document_id
ORDER BY facts.document_id, facts.char_start, facts.fact_table, facts.fact_id"""


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """The convenience views, fact_context, then one view per named summary
    (a summary may read a convenience view, e.g. meeting_summary's year)."""
    taken = set(TABLES) | {ARTICLES, FACT_CONTEXT}
    for folder in (VIEWS_DIR, SQL_DIR):
        for query in load_queries(folder).values():
            if query.name in taken:
                raise PackageFileError(f"{folder / (query.name + '.sql')}: view name {query.name} is already taken")
            taken.add(query.name)
            con.execute(query.view_sql())
            con.execute(query.comment_sql())
        if folder == VIEWS_DIR:
            con.execute(fact_context_sql())
            con.execute(f"COMMENT ON VIEW {FACT_CONTEXT} IS 'Every quoted fact with the article text around its offsets.'")


def fill(con: duckdb.DuckDBPyConnection, root: Path, with_text: bool = True) -> None:
    """Tables (typed, keyed, loaded), article texts and views into ``con``."""
    for table in load_order():
        load_table(con, root, table)
        description = load_schema(table).get("description")
        if description:
            con.execute(f"COMMENT ON TABLE {sql_name(table)} IS {sql_literal(description)}")
    load_articles(con, root, with_text)
    create_views(con)


def connect(root: Path | str = ROOT) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the package of ``root`` (the same content as
    build/border.duckdb; a private copy a caller may change)."""
    con = duckdb.connect(":memory:")
    fill(con, Path(root))
    return con


def write_database(root: Path, db_path: Path = DB_PATH, with_text: bool = True) -> Path:
    """(Re)create the database file at ``db_path`` (relative to ``root``) atomically."""
    target = Path(root).resolve() / db_path
    with atomic_path(target) as staging:
        try:
            with duckdb.connect(str(staging), config={"storage_compatibility_version": STORAGE_VERSION}) as con:
                fill(con, Path(root), with_text)
                con.execute("CHECKPOINT")
        finally:
            staging.with_name(staging.name + ".wal").unlink(missing_ok=True)
    return target


def write_parquet(root: Path, out_dir: Path = PARQUET_DIR) -> list[Path]:
    """One Parquet file per package table, read from its CSV with the schema's
    types, in CSV row order; each file written beside its target and moved in."""
    target_dir = Path(root).resolve() / out_dir
    target_dir.mkdir(parents=True, exist_ok=True)
    paths = {table: check_header(root, table) for table in TABLES}  # refuse before replacing any file
    written = []
    with duckdb.connect(":memory:") as con:
        con.execute("SET threads = 1")  # one writer: row groups in one order, the same bytes every run
        for table, path in paths.items():
            target = target_dir / f"{table}.parquet"
            try:
                with atomic_path(target) as staging:
                    con.execute(f"COPY (SELECT * FROM {read_csv_sql(table, path)}) TO {sql_literal(str(staging))} (FORMAT parquet)")
            except duckdb.Error as exc:
                raise PackageFileError(f"{shown(root, path)}: cannot write {shown(root, target)}: {exc}") from exc
            written.append(target)
    for stale in sorted(set(target_dir.glob("*.parquet")) - set(written)):
        stale.unlink()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="package root (default: this repository)")
    parser.add_argument("--db", type=Path, default=DB_PATH, help="database path relative to the root")
    parser.add_argument("--parquet", type=Path, default=PARQUET_DIR, help="Parquet folder relative to the root")
    parser.add_argument("--without-articles", action="store_true", help="leave the articles table empty (no publishers' texts in the file)")
    args = parser.parse_args(argv)
    try:
        with locked(args.root):  # no build replaces the CSVs while they are read
            target = write_database(args.root, args.db, with_text=not args.without_articles)
            parquet = write_parquet(args.root, args.parquet)
    except PackageFileError as exc:
        print(f"error: {exc}\n{args.db} and {args.parquet}/ were left as they were", file=sys.stderr)
        return 1
    except (Busy, JournalError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with duckdb.connect(str(target), read_only=True) as con:
        for table in (*TABLES, ARTICLES):
            (count,) = con.execute(f"SELECT count(*) FROM {sql_name(table)}").fetchone()
            print(f"{table:<18} {count:>5} rows")
    print(f"wrote {target} (storage {STORAGE_VERSION}: DuckDB {STORAGE_VERSION.lstrip('v')} or newer opens it)")
    print(f"wrote {len(parquet)} Parquet files in {parquet[0].parent if parquet else args.parquet}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
