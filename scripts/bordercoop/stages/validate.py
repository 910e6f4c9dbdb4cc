"""Stage 6, validate: every check the package promises, each failure naming the
table, the row (CSV line number, header = line 1) and the field.

- ``check_tables``: vectorised pandera checks derived from the Table Schemas
  (types, required, enums, patterns, minimums, unique and primary keys), the
  schemas' foreign keys, and the cross-table rules: evidence equals the article
  text at its offsets, land + water = total, every meeting has a Vietnamese and a
  foreign party, start dates not after end dates, each event's mention count
  and representative (``stages/events.py``).
- ``check_package``: Frictionless on a written ``datapackage.json`` (types,
  constraints, keys, sha256 hashes and byte counts).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bordercoop.checks import Issue, ValidationFailed, column_values, csv_line
from bordercoop.facts import REGISTRY
from bordercoop.schema import (
    TABLES,
    cast_frame,
    country_enum_problems,
    date_pairs,
    fields,
    load_schema,
    pandera_schema,
    quote_field,
    raw_frame,
)
from bordercoop.stages.assemble import Tables
from bordercoop.stages.events import check_events

__all__ = ["Issue", "ValidationFailed", "check_package", "check_tables"]

# What a type can hold beyond its syntax (pandas' nanosecond dates).
RANGES = {"date": f" in {pd.Timestamp.min.date() + pd.Timedelta(days=1)}..{pd.Timestamp.max.date()}"}


def _cast_issues(table: str, raw: pd.DataFrame, typed: pd.DataFrame) -> list[Issue]:
    issues = []
    for f in fields(table):
        if f["type"] == "string" or f["name"] not in raw.columns:
            continue
        bad = raw[f["name"]].notna() & typed[f["name"]].isna()
        for i in raw.index[bad]:
            issues.append(Issue(table, csv_line(i), f["name"], f"{raw.at[i, f['name']]!r} is not a valid {f['type']}{RANGES.get(f['type'], '')}"))
    return issues


def _pandera_issues(table: str, frame: pd.DataFrame) -> list[Issue]:
    import pandera.errors as pe

    try:
        pandera_schema(table).validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        issues = []
        for case in exc.failure_cases.itertuples(index=False):
            column = case.column if isinstance(case.column, str) else ""
            index = case.index if isinstance(case.index, (int,)) or (hasattr(case.index, "__int__") and not pd.isna(case.index)) else None
            row = csv_line(index) if index is not None else None
            check = str(case.check)
            if check.startswith("column_in_dataframe") or check.startswith("column_in_schema"):
                issues.append(Issue(table, None, str(case.failure_case), f"column missing or unexpected ({check})"))
            elif check == "not_nullable":
                issues.append(Issue(table, row, column, "required value is empty"))
            else:
                issues.append(Issue(table, row, column, f"{case.failure_case!r} fails {check}"))
        return issues
    return []


def _key_issues(table: str, frame: pd.DataFrame) -> list[Issue]:
    """Primary key and unique columns: every repeat after the first occurrence."""
    schema = load_schema(table)
    keys = [schema.get("primaryKey", [])] + [[f["name"]] for f in fields(table) if f.get("constraints", {}).get("unique")]
    issues, seen = [], set()
    for key in keys:
        if not key or tuple(key) in seen:
            continue
        seen.add(tuple(key))
        repeats = frame.duplicated(subset=key, keep="first")
        for i in frame.index[repeats]:
            value = "/".join(str(frame.at[i, k]) for k in key)
            issues.append(Issue(table, csv_line(i), ",".join(key), f"duplicate key {value!r}"))
    return issues


def _foreign_key_issues(frames: dict[str, pd.DataFrame]) -> list[Issue]:
    issues = []
    for table in TABLES:
        for fk in load_schema(table).get("foreignKeys", []):
            target = fk["reference"].get("resource") or table  # v2: no resource = this table
            src_cols, dst_cols = fk["fields"], fk["reference"]["fields"]
            src, dst = frames[table], frames[target]
            keys = set(map(tuple, dst[dst_cols].astype(str).itertuples(index=False, name=None)))
            present = src[src_cols].notna().all(axis=1)
            rows = src[present]
            values = zip(*([str(v) for v in column_values(rows, c)] for c in src_cols), strict=True)
            for i, value in zip(rows.index.tolist(), values, strict=True):
                if value not in keys:
                    issues.append(Issue(table, csv_line(i), ",".join(src_cols), f"{'/'.join(value)!r} not found in {target}.{','.join(dst_cols)}"))
    return issues


def _evidence_issues(frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Issue]:
    issues = []
    docs = frames["documents"].set_index("document_id")
    bodies = _body_bounds(docs)
    for table in TABLES:
        column = quote_field(table)
        if column is None:
            continue
        frame = frames[table]
        columns = (column_values(frame, c) for c in ("document_id", "char_start", "char_end", column))
        for index, document_id, char_start, char_end, quoted in zip(frame.index.tolist(), *columns, strict=True):
            text = texts.get(document_id)
            if text is None:
                continue  # dangling document: reported as a foreign key issue
            start, end = int(char_start), int(char_end)
            if not isinstance(quoted, str):
                continue  # empty: reported as a required value
            if text[start:end] != quoted:
                issues.append(Issue(table, csv_line(index), column, f"{column} does not equal the text of {document_id} at [{start}, {end}): {text[start:end][:60]!r}"))
            elif document_id in bodies:
                body_start, body_end = bodies[document_id]
                if not (body_start <= start and end <= body_end):
                    issues.append(Issue(table, csv_line(index), "char_start", f"offsets [{start}, {end}) fall outside the article body [{body_start}, {body_end})"))
    return issues


def _body_bounds(docs: pd.DataFrame) -> dict:
    """document_id -> (body_start, body_end), from the first row of each id (a
    repeated id is reported as a duplicate key)."""
    docs = docs[~docs.index.duplicated(keep="first")]
    bounds = zip(column_values(docs, "body_start"), column_values(docs, "body_end"), strict=True)
    return dict(zip(docs.index.tolist(), bounds, strict=True))


def _order_issues(frames: dict[str, pd.DataFrame]) -> list[Issue]:
    issues = []
    for table in TABLES:
        f = frames[table]
        for start, end in date_pairs(table):
            bad = f[start].notna() & f[end].notna() & (f[start] > f[end])
            issues += [Issue(table, csv_line(i), start, f"{start} is after {end}") for i in f.index[bad]]
    for table in TABLES:
        if quote_field(table) is None:
            continue
        f = frames[table]
        bad = f["char_start"].notna() & f["char_end"].notna() & (f["char_start"] >= f["char_end"])
        issues += [Issue(table, csv_line(i), "char_end", "char_end must be greater than char_start") for i in f.index[bad]]
    return issues


def check_tables(tables: Tables | dict[str, Path], texts: dict[str, str]) -> list[Issue]:
    """All row and cross-table checks on in-memory tables (or CSV paths)."""
    issues: list[Issue] = [Issue(t, None, f, m) for t, f, m in country_enum_problems()]
    frames: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        source = tables[table]
        raw = raw_frame(table, source)
        typed = cast_frame(table, raw)
        issues += _cast_issues(table, raw, typed)
        issues += _pandera_issues(table, typed)
        issues += _key_issues(table, typed)
        frames[table] = typed
    if any(i.row is None for i in issues):
        return issues  # missing columns: the cross-table rules cannot run
    issues += _foreign_key_issues(frames)
    issues += _evidence_issues(frames, texts)
    issues += _order_issues(frames)
    for check in (*(c for fact_type in REGISTRY for c in fact_type.checks), check_events):
        issues += check(frames)
    return issues


def check_package(descriptor: Path) -> list[Issue]:
    """Frictionless validation of a written package (hashes, types, keys)."""
    from frictionless import Package

    report = Package(str(descriptor)).validate()
    issues = []
    for task in report.tasks:
        for err in task.errors:
            row = getattr(err, "row_number", None)
            field = getattr(err, "field_name", "") or ""
            issues.append(Issue(task.name or task.place, row, field, f"{err.type}: {err.note}"))
    for err in report.errors:
        issues.append(Issue("datapackage.json", None, "", f"{err.type}: {err.note}"))
    return issues
