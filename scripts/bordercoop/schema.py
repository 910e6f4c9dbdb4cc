"""The Frictionless Table Schemas in ``schemas/`` are the one source of column
names and types. This module reads them and derives what other tools need:
CSV cell formatting, pandera schemas, and DuckDB column types.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from bordercoop.facts import FACT_TABLES
from bordercoop.paths import REFERENCE, SCHEMAS

SCHEMA_DIR = SCHEMAS

# Tables that are not fact tables: the articles (ingest) and the gazetteer
# (reference data), with their row order.
BASE_SORT_KEYS: dict[str, tuple[str, ...]] = {"documents": ("document_id",), "provinces": ("province_id",)}
# Tables a later stage derives from the fact tables of every document
# (``stages/events.py``); assemble leaves them empty and that stage fills them.
DERIVED_TABLES: tuple[str, ...] = ("events",)
# Fields of fact tables that the same stage fills (a curated row need not give them).
DERIVED_FIELDS: dict[str, tuple[str, ...]] = {"meetings": ("event_id", "role")}
# Resource order: referenced tables before the tables that reference them; the
# derived tables last (events and meetings reference each other).
TABLES: tuple[str, ...] = (*BASE_SORT_KEYS, *FACT_TABLES, *DERIVED_TABLES)

# The cells a boolean field is written as (Frictionless' default true/false values).
BOOLEAN_CELLS = {"true": True, "false": False}
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "boolean": "BOOLEAN"}


@cache
def load_schema(table: str) -> dict[str, Any]:
    with open(SCHEMA_DIR / f"{table}.schema.json", encoding="utf-8") as fh:
        return json.load(fh)


def field_names(table: str) -> list[str]:
    return [f["name"] for f in load_schema(table)["fields"]]


def fields(table: str) -> list[dict[str, Any]]:
    return load_schema(table)["fields"]


def format_cell(value: Any) -> str:
    """One CSV cell: empty for unknown, ISO dates, plain decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, float):
        return repr(value)
    return str(value)


def duckdb_columns(table: str) -> dict[str, str]:
    """``{column: DuckDB type}`` in schema order, for ``read_csv(columns=...)``."""
    return {f["name"]: DUCKDB_TYPES[f["type"]] for f in fields(table)}


def pandera_schema(table: str):  # -> pandera.pandas.DataFrameSchema
    """A pandera schema from the Table Schema: types, required, enum, pattern,
    minimum, minLength."""
    import pandera.pandas as pa

    columns = {}
    for f in fields(table):
        c = f.get("constraints", {})
        checks = []
        if "enum" in c:
            checks.append(pa.Check.isin(c["enum"]))
        if "pattern" in c:
            checks.append(pa.Check.str_matches(rf"(?:{c['pattern']})\Z"))
        if "minimum" in c:
            checks.append(pa.Check.ge(c["minimum"]))
        if "minLength" in c:
            checks.append(pa.Check.str_length(min_value=c["minLength"]))
        dtype = {"string": "string", "integer": "Int64", "number": float, "date": "datetime64[ns]", "boolean": "boolean"}[f["type"]]
        columns[f["name"]] = pa.Column(
            dtype,
            checks=checks,
            nullable=not c.get("required", False),
            coerce=False,
        )
    # uniqueness and primary keys are checked in validate.py, which reports each
    # repeat after the first (pandera would flag every copy)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=table)


def raw_frame(table: str, rows_or_path):  # -> pandas.DataFrame
    """A table (CSV path or list of string-cell dicts) as pandas strings; empty
    cells become missing values."""
    import pandas as pd

    if isinstance(rows_or_path, (str, Path)):
        return pd.read_csv(rows_or_path, dtype=str, keep_default_na=False, na_values=[""])
    return pd.DataFrame(rows_or_path, columns=field_names(table), dtype=object).replace({"": None})


def typed_frame(table: str, rows_or_path):  # -> pandas.DataFrame
    """A table read with :func:`raw_frame` and cast to the schema's types."""
    return cast_frame(table, raw_frame(table, rows_or_path))


def cast_frame(table: str, raw):  # (pandas.DataFrame) -> pandas.DataFrame
    """A copy of a raw string frame with the schema's types; a cell that is not a
    valid value of its type becomes missing (validate.py reports it)."""
    import pandas as pd

    frame = raw.copy()
    for f in fields(table):
        name = f["name"]
        if name not in frame.columns:
            continue
        col = frame[name]
        if f["type"] == "integer":
            plain = col.where(col.isna() | col.astype("string").str.fullmatch(r"-?\d+").fillna(False))
            frame[name] = pd.to_numeric(plain, errors="coerce").astype("Int64")
        elif f["type"] == "number":
            plain = col.where(col.isna() | col.astype("string").str.fullmatch(r"-?\d+(?:\.\d+)?").fillna(False))
            frame[name] = pd.to_numeric(plain, errors="coerce").astype(float)
        elif f["type"] == "date":
            parsed = pd.to_datetime(col, format="%Y-%m-%d", errors="coerce")
            # a real date pandas cannot hold in nanoseconds (year 2735) is missing too
            held = parsed.isna() | ((parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max))
            frame[name] = parsed.where(held).astype("datetime64[ns]")
        elif f["type"] == "boolean":
            frame[name] = col.map(BOOLEAN_CELLS, na_action="ignore").astype("boolean")
        else:
            frame[name] = col.astype("string")
    return frame


@cache
def country_names() -> dict[str, str]:
    """``{ISO 3166-1 alpha-2 code: English name}`` of Vietnam and its neighbours, in
    the order the schemas enumerate them (``reference/countries.csv``: the one list)."""
    with open(REFERENCE / "countries.csv", encoding="utf-8", newline="") as fh:
        return {row["code"]: row["name_en"] for row in csv.DictReader(fh)}


def countries() -> tuple[str, ...]:
    """The country codes of ``country_names``, in their order."""
    return tuple(country_names())


def country_enum_problems() -> list[tuple[str, str, str]]:
    """(table, field, message) for every schema field that enumerates countries
    with another list than ``countries()``."""
    known = set(countries())
    problems = []
    for table in TABLES:
        for f in fields(table):
            enum = f.get("constraints", {}).get("enum", [])
            if known & set(enum) and tuple(enum) != countries():
                problems.append((table, f["name"], f"country enum {enum} is not reference/countries.csv {list(countries())}"))
    return problems


def date_pairs(table: str) -> list[tuple[str, str]]:
    """(start, end) date fields of a table: ``x_start`` with ``x_end``."""
    names = {f["name"]: f["type"] for f in fields(table)}
    return [(n, n[:-len("_start")] + "_end") for n, t in names.items()
            if t == "date" and n.endswith("_start") and names.get(n[:-len("_start")] + "_end") == "date"]


def quote_field(table: str) -> str | None:
    """The column that quotes the article at ``char_start``/``char_end``."""
    names = field_names(table)
    if "char_start" not in names:
        return None
    return "evidence" if "evidence" in names else "surface" if "surface" in names else None


# --- keys and DuckDB tables ------------------------------------------------------


def primary_key(schema: dict[str, Any]) -> list[str]:
    key = schema.get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def foreign_keys(table: str, schema: dict[str, Any]) -> list[tuple[list[str], str, list[str]]]:
    """(fields, referenced table, referenced fields) of each foreign key; a
    Frictionless self-reference (``resource: ""``) names ``table`` itself."""
    keys = []
    for fk in schema.get("foreignKeys", []):
        fields_, ref = fk["fields"], fk["reference"]
        ref_fields = ref["fields"]
        keys.append((
            [fields_] if isinstance(fields_, str) else list(fields_),
            ref.get("resource") or table,
            [ref_fields] if isinstance(ref_fields, str) else list(ref_fields),
        ))
    return keys


def sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _column_checks(f: dict[str, Any]) -> list[str]:
    """DuckDB CHECK expressions for a field's enum, minimum, minLength and pattern."""
    c, col = f.get("constraints", {}), sql_name(f["name"])
    checks = []
    if "enum" in c:
        checks.append(f"{col} IN ({', '.join(sql_literal(v) for v in c['enum'])})")
    if "minimum" in c:
        checks.append(f"{col} >= {sql_literal(c['minimum'])}")
    if "minLength" in c:
        checks.append(f"length({col}) >= {int(c['minLength'])}")
    if "pattern" in c:
        checks.append(f"regexp_full_match({col}, {sql_literal(c['pattern'])})")
    return checks


def _column_sql(f: dict[str, Any], key: list[str]) -> str:
    c = f.get("constraints", {})
    parts = [sql_name(f["name"]), DUCKDB_TYPES[f["type"]]]
    if c.get("required") or f["name"] in key:
        parts.append("NOT NULL")
    if c.get("unique") and key != [f["name"]]:
        parts.append("UNIQUE")
    parts += [f"CHECK ({check})" for check in _column_checks(f)]
    return " ".join(parts)


def duckdb_table_sql(table: str, schema: dict[str, Any]) -> str:
    """``CREATE TABLE`` from a Table Schema: its types, NOT NULL for required
    fields, CHECKs for enum/minimum/minLength/pattern, the primary key and the
    foreign keys (so referenced tables must be created and filled first)."""
    key = primary_key(schema)
    lines = [_column_sql(f, key) for f in schema["fields"]]
    if key:
        lines.append(f"PRIMARY KEY ({', '.join(map(sql_name, key))})")
    for fields_, ref_table, ref_fields in foreign_keys(table, schema):
        lines.append(
            f"FOREIGN KEY ({', '.join(map(sql_name, fields_))}) "
            f"REFERENCES {sql_name(ref_table)} ({', '.join(map(sql_name, ref_fields))})"
        )
    return f"CREATE TABLE {sql_name(table)} (\n    " + ",\n    ".join(lines) + "\n)"


def header_problem(table: str, header: list[str]) -> str | None:
    """Why a CSV header is not the schema's field list (names and order), or None."""
    expected = field_names(table)
    if header == expected:
        return None
    missing = [n for n in expected if n not in header]
    unexpected = [n for n in header if n not in expected]
    if missing or unexpected:
        parts = [f"missing {', '.join(missing)}" if missing else "", f"unexpected {', '.join(unexpected)}" if unexpected else ""]
        what = "; ".join(p for p in parts if p)
    elif len(header) != len(expected):
        what = f"repeated {', '.join(sorted({n for n in header if header.count(n) > 1}))}"
    else:
        at = next(i for i, (h, e) in enumerate(zip(header, expected, strict=True)) if h != e)
        what = f"same columns in another order: column {at + 1} is {header[at]!r}, the schema's is {expected[at]!r}"
    return f"header does not match schemas/{table}.schema.json ({what}); expected: {', '.join(expected)}"
