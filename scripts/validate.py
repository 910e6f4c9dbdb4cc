"""Stage 5, validate: every check the package promises, each failure naming the
table, the row (CSV line number, header = line 1) and the field.

- ``check_tables``: vectorised pandera checks derived from the Table Schemas
  (types, required, enums, patterns, minimums, unique and primary keys), the
  schemas' foreign keys, and the cross-table rules: evidence equals the article
  text at its offsets, land + water = total, every meeting has a Vietnamese and a
  foreign party, start dates not after end dates.
- ``check_package``: Frictionless on a written ``datapackage.json`` (types,
  constraints, keys, sha256 hashes and byte counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assemble import Tables
from border_rules import segments_disagree
from table_schemas import TABLES, cast_frame, fields, load_schema, pandera_schema, raw_frame


@dataclass(frozen=True)
class Issue:
    table: str
    row: int | None  # CSV line number; None for whole-table issues
    field: str
    message: str

    def __str__(self) -> str:
        where = f"table {self.table}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


class ValidationFailed(Exception):
    def __init__(self, issues: list[Issue]):
        self.issues = issues
        shown = "\n  ".join(str(i) for i in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"{len(issues)} validation error(s):\n  {shown}{more}")


def _line(index: int) -> int:
    return int(index) + 2


def _cast_issues(table: str, raw: pd.DataFrame, typed: pd.DataFrame) -> list[Issue]:
    issues = []
    for f in fields(table):
        if f["type"] == "string" or f["name"] not in raw.columns:
            continue
        bad = raw[f["name"]].notna() & typed[f["name"]].isna()
        for i in raw.index[bad]:
            issues.append(Issue(table, _line(i), f["name"], f"{raw.at[i, f['name']]!r} is not a valid {f['type']}"))
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
            row = _line(index) if index is not None else None
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
            issues.append(Issue(table, _line(i), ",".join(key), f"duplicate key {value!r}"))
    return issues


def _values(frame: pd.DataFrame, column: str) -> list:
    """A column as a list of the scalars ``frame.at`` gives, without per-cell indexing."""
    return frame[column].to_numpy(dtype=object).tolist()


def _foreign_key_issues(frames: dict[str, pd.DataFrame]) -> list[Issue]:
    issues = []
    for table in TABLES:
        for fk in load_schema(table).get("foreignKeys", []):
            target = fk["reference"]["resource"] or table
            src_cols, dst_cols = fk["fields"], fk["reference"]["fields"]
            src, dst = frames[table], frames[target]
            keys = set(map(tuple, dst[dst_cols].astype(str).itertuples(index=False, name=None)))
            present = src[src_cols].notna().all(axis=1)
            rows = src[present]
            values = zip(*([str(v) for v in _values(rows, c)] for c in src_cols), strict=True)
            for i, value in zip(rows.index.tolist(), values, strict=True):
                if value not in keys:
                    issues.append(Issue(table, _line(i), ",".join(src_cols), f"{'/'.join(value)!r} not found in {target}.{','.join(dst_cols)}"))
    return issues


def _evidence_issues(frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Issue]:
    issues = []
    docs = frames["documents"].set_index("document_id")
    bodies = _body_bounds(docs)
    for table, column in (("meetings", "evidence"), ("patrols", "evidence"), ("border_lengths", "evidence"),
                          ("province_borders", "evidence"), ("province_mentions", "surface")):
        frame = frames[table]
        columns = (_values(frame, c) for c in ("document_id", "char_start", "char_end", column))
        for index, document_id, char_start, char_end, quoted in zip(frame.index.tolist(), *columns, strict=True):
            text = texts.get(document_id)
            if text is None:
                continue  # dangling document: reported as a foreign key issue
            start, end = int(char_start), int(char_end)
            if not isinstance(quoted, str):
                continue  # empty: reported as a required value
            if text[start:end] != quoted:
                issues.append(Issue(table, _line(index), column, f"{column} does not equal the text of {document_id} at [{start}, {end}): {text[start:end][:60]!r}"))
            elif document_id in bodies:
                body_start, body_end = bodies[document_id]
                if not (body_start <= start and end <= body_end):
                    issues.append(Issue(table, _line(index), "char_start", f"offsets [{start}, {end}) fall outside the article body [{body_start}, {body_end})"))
    return issues


def _body_bounds(docs: pd.DataFrame) -> dict:
    """document_id -> (body_start, body_end), from the first row of each id (a
    repeated id is reported as a duplicate key)."""
    docs = docs[~docs.index.duplicated(keep="first")]
    bounds = zip(_values(docs, "body_start"), _values(docs, "body_end"), strict=True)
    return dict(zip(docs.index.tolist(), bounds, strict=True))


def _sum_issues(frame: pd.DataFrame) -> list[Issue]:
    issues = []
    for (doc, a, b), segs in _segments_by_pair(frame):
        lengths = {seg: length for seg, (length, _, _) in segs.items()}
        if segments_disagree(lengths, qualified=any(q for _, _, q in segs.values())):
            total, land, water = lengths["total"], lengths["land"], lengths["water"]
            issues.append(Issue("border_lengths", _line(segs["total"][1]), "length_km",
                                f"{doc} {a}-{b}: land {land} + water {water} = {land + water:.3f} km, not the total {total} km"))
    return issues


def _segments_by_pair(frame: pd.DataFrame) -> list[tuple[tuple, dict]]:
    """The groups of ``groupby(["document_id", "country_a", "country_b"], sort=True)``
    as ``((doc, a, b), {segment: (length_km, index, qualifier or "")})``: a repeated
    segment keeps its last row, rows with a missing key are left out, keys sorted."""
    groups: dict[tuple, dict] = {}
    names = ("document_id", "country_a", "country_b", "segment", "length_km", "qualifier")
    rows = zip(frame.index.tolist(), *(frame[c].tolist() for c in names), strict=True)
    for index, doc, a, b, segment, length, qualifier in rows:
        if pd.isna(doc) or pd.isna(a) or pd.isna(b):
            continue
        groups.setdefault((doc, a, b), {})[segment] = (length, index, "" if pd.isna(qualifier) else qualifier)
    return sorted(groups.items(), key=lambda item: item[0])


def _party_issues(meetings: pd.DataFrame, parties: pd.DataFrame) -> list[Issue]:
    issues = []
    sides: dict[object, set] = {}
    for meeting_id, country in zip(_values(parties, "meeting_id"), _values(parties, "country_code"), strict=True):
        if not pd.isna(meeting_id):
            sides.setdefault(meeting_id, set()).add(country)
    for index, meeting_id in zip(meetings.index.tolist(), _values(meetings, "meeting_id"), strict=True):
        countries = sides.get(meeting_id, set())
        if "VN" not in countries:
            issues.append(Issue("meetings", _line(index), "meeting_id", f"meeting {meeting_id} has no Vietnamese party"))
        if not countries - {"VN"}:
            issues.append(Issue("meetings", _line(index), "meeting_id", f"meeting {meeting_id} has no foreign party"))
    return issues


def _order_issues(frames: dict[str, pd.DataFrame]) -> list[Issue]:
    issues = []
    for table, start, end in (("meetings", "date_start", "date_end"), ("patrols", "period_start", "period_end")):
        f = frames[table]
        bad = f[start].notna() & f[end].notna() & (f[start] > f[end])
        issues += [Issue(table, _line(i), start, f"{start} is after {end}") for i in f.index[bad]]
    for table in ("meetings", "patrols", "border_lengths", "province_borders", "province_mentions"):
        f = frames[table]
        bad = f["char_start"].notna() & f["char_end"].notna() & (f["char_start"] >= f["char_end"])
        issues += [Issue(table, _line(i), "char_end", "char_end must be greater than char_start") for i in f.index[bad]]
    m = frames["meetings"]
    unknown = m["date_start"].isna() & m["date_end"].isna()
    issues += [Issue("meetings", _line(i), "date_basis", "date_basis given but both dates are empty") for i in m.index[unknown & m["date_basis"].notna()]]
    issues += [Issue("meetings", _line(i), "date_basis", "dates given without a date_basis") for i in m.index[~unknown & m["date_basis"].isna()]]
    # day, month or year precision needs both bounds ("unknown" covers a lone bound)
    partial = m["date_start"].isna() | m["date_end"].isna()
    issues += [Issue("meetings", _line(i), "date_precision", f"precision {m.at[i, 'date_precision']!r} needs both date_start and date_end")
               for i in m.index[partial & (m["date_precision"] != "unknown")]]
    return issues


def check_tables(tables: Tables | dict[str, Path], texts: dict[str, str]) -> list[Issue]:
    """All row and cross-table checks on in-memory tables (or CSV paths)."""
    issues: list[Issue] = []
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
    issues += _sum_issues(frames["border_lengths"])
    issues += _party_issues(frames["meetings"], frames["meeting_parties"])
    issues += _order_issues(frames)
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
