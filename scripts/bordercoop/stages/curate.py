"""Stage 3, curate: apply the human-written curation file to the extracted facts.

``reference/curation.csv`` has one action per row:
- ``set``: change ``field`` to ``value`` on the one row of ``table`` (in
  ``document_id``) whose evidence contains ``match``; the row becomes
  ``method=curated`` and carries the note. Setting a meeting date makes its
  ``date_basis`` curated.
- ``confirm``: keep the matched row as extracted, adding the note (e.g. why a
  year is left unknown).
- ``drop``: remove the matched row (a rule's false positive); the note goes to
  the extraction report.
- ``add``: add a row; ``match`` is its evidence, which must occur exactly once in
  the article body; ``value`` is a JSON object of the other fields.
Every error names the curation file row.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from bordercoop.facts import BY_TABLE, CURATED_TABLES, FACT_TABLES, ID_PREFIXES, DocumentFacts
from bordercoop.facts.base import make_id
from bordercoop.paths import REFERENCE
from bordercoop.schema import DERIVED_FIELDS, date_pairs, field_names, fields
from bordercoop.stages.ingest import SeedError, read_seed

CURATION_PATH = REFERENCE / "curation.csv"
ACTIONS = {"set", "confirm", "drop", "add"}
COLUMNS = ["action", "document_id", "table", "match", "field", "value", "note"]
# Set by the pipeline on every row; a curation cannot give them.
FIXED_FIELDS = {"char_start", "char_end", "evidence", "document_id", "method", "note"}
PARTY_TABLE = "meeting_parties"


class CurationError(ValueError):
    pass


@dataclass(frozen=True)
class Curation:
    path: str
    line: int  # CSV line where the row starts (header = line 1)
    action: str
    document_id: str
    table: str
    match: str
    field: str
    value: str
    note: str

    def where(self, column: str = "") -> str:
        named = f", field {column}" if column else ""
        return f"{self.path} row {self.line}{named} ({self.action} {self.table} in {self.document_id})"


def _read_text(path: Path) -> str:
    """The file decoded as ingest decodes articles (UTF-8 with or without BOM,
    UTF-16, else Windows-1258; NFC, LF line ends), so Excel's exports work."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise CurationError(f"{path}: curation file not found (with no curations it holds only the header {','.join(COLUMNS)})") from exc
    except OSError as exc:
        raise CurationError(f"{path}: cannot read the curation file ({exc.strerror})") from exc
    try:
        return read_seed(raw, path.name).text
    except SeedError as exc:
        raise CurationError(f"{exc} (the curation file must be a CSV text file)") from exc


def _rows(path: Path) -> list[Curation]:
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    if header != COLUMNS:
        raise CurationError(f"{path.name} row 1: header must be {','.join(COLUMNS)}, got {','.join(header) or 'nothing'}")
    items = []
    for row in reader:
        # the line the row starts on: the reader is at its last line (quoted values may hold line ends)
        line = reader.line_num - sum(v.count("\n") for v in row.values() if isinstance(v, str))
        if None in row or any(v is None for v in row.values()):
            raise CurationError(f"{path.name} row {line}: expected {len(COLUMNS)} columns ({','.join(COLUMNS)})")
        values = [v.strip() for v in row.values()]
        if any(values):  # a spreadsheet's empty rows (",,,,,,") are no curation
            items.append(Curation(path.name, line, *values))
    return items


def load_curation(path: Path = CURATION_PATH) -> list[Curation]:
    items = _rows(path)
    for c in items:
        if c.action not in ACTIONS:
            raise CurationError(f"{c.where('action')}: action must be one of {sorted(ACTIONS)}")
        if c.table not in CURATED_TABLES:
            raise CurationError(f"{c.where('table')}: table must be one of {', '.join(CURATED_TABLES)} (meeting parties come with an added meeting)")
        if not c.note:
            raise CurationError(f"{c.where('note')}: every curation needs a note saying why")
        if not c.match:
            raise CurationError(f"{c.where('match')}: match (evidence text) is empty")
    return items


@cache
def _schema_field(table: str, name: str):  # -> frictionless.Field | None
    from frictionless import Field

    found = [f for f in fields(table) if f["name"] == name]
    return Field.from_descriptor(found[0]) if found else None


def _cell_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _coerce(c: Curation, table: str, field: str, value: object, column: str = "value") -> object:
    """A curated value in the type its Table Schema gives the field, checked
    against the field's constraints (type, enum, pattern, minimum, required) by
    Frictionless; NaN and infinities are no values."""
    schema_field = _schema_field(table, field)
    if schema_field is None:
        raise CurationError(f"{c.where(column)}: {table} has no field {field!r}")
    if isinstance(value, (dict, list)):
        raise CurationError(f"{c.where(column)}: {table}.{field} must be a single value, got {json.dumps(value, ensure_ascii=False)}")
    text = _cell_text(value).strip()
    cell, problems = schema_field.read_cell(text)
    if isinstance(cell, Decimal) and not cell.is_finite():
        problems = {"type": "not a finite number"}
    if problems:
        reasons = "; ".join(str(v) for v in problems.values())
        raise CurationError(f"{c.where(column)}: {text!r} is not a valid {schema_field.type} for {table}.{field} ({reasons})")
    return cell


def _require(c: Curation, table: str, given: dict, what: str) -> None:
    """Every required field of ``table`` the build does not set is in ``given``."""
    built = FIXED_FIELDS | {"meeting_id", "party_index", "patrol_id"} | set(DERIVED_FIELDS.get(table, ()))
    missing = [f["name"] for f in fields(table)
               if f.get("constraints", {}).get("required") and f["name"] not in built and given.get(f["name"]) in (None, "")]
    if missing:
        raise CurationError(f"{c.where('value')}: {what} needs {', '.join(missing)} ({table} requires them)")


def _json_object(c: Curation) -> dict[str, Any]:
    def no_constant(name: str) -> None:
        raise CurationError(f"{c.where('value')}: {name} is not a value (write a number, or leave the field out)")

    try:
        values = json.loads(c.value or "{}", parse_float=Decimal, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        raise CurationError(f"{c.where('value')}: value must be a JSON object of fields ({exc})") from exc
    if not isinstance(values, dict):
        raise CurationError(f"{c.where('value')}: value must be a JSON object of fields, got {type(values).__name__}")
    return values


def _append_note(row: dict, note: str) -> None:
    row["note"] = f"{row['note']} {note}".strip() if row.get("note") else note


def _matched_row(c: Curation, doc_facts: DocumentFacts) -> dict:
    text = doc_facts.document.text
    hits = [r for r in doc_facts.table(c.table) if c.match in text[r["char_start"]:r["char_end"]]]
    if len(hits) != 1:
        raise CurationError(f"{c.where('match')}: match {c.match!r} fits {len(hits)} rows of {c.table}; it must fit exactly one")
    return hits[0]


def drop_fact(doc_facts: DocumentFacts, table_name: str, row: dict) -> None:
    """Remove the row, its child rows (a meeting's parties), and blank the links
    other fact rows have to it (a patrol reported at that meeting)."""
    doc_facts.table(table_name).remove(row)
    id_field = field_names(table_name)[0]
    if id_field not in row:
        return
    children = {name for name, _ in BY_TABLE[table_name].children}
    for table in FACT_TABLES:
        if table == table_name or id_field not in field_names(table):
            continue
        rows = doc_facts.table(table)
        if table in children:
            rows[:] = [r for r in rows if r[id_field] != row[id_field]]
        else:
            for r in rows:
                if r[id_field] == row[id_field]:
                    r[id_field] = ""


def _set(c: Curation, row: dict) -> None:
    if c.field not in row or c.field in FIXED_FIELDS:
        raise CurationError(f"{c.where('field')}: field {c.field!r} cannot be set on {c.table}")
    row[c.field] = _coerce(c, c.table, c.field, c.value)
    row["method"] = "curated"
    if c.field in {start for pair in date_pairs(c.table) for start in pair} and "date_basis" in row:
        row["date_basis"] = "curated"


def apply_curation(facts: list[DocumentFacts], curation: list[Curation]) -> tuple[list[DocumentFacts], list[str]]:
    """Apply ``curation`` in file order. Curations for documents not in this build
    are skipped (listed in the returned notes), so the file serves any seed folder."""
    by_doc = {f.document.document_id: f for f in facts}
    notes: list[str] = []
    for c in curation:
        doc_facts = by_doc.get(c.document_id)
        if doc_facts is None:
            notes.append(f"{c.where()}: document not in this build; skipped")
            continue
        if c.action == "add":
            _add(c, doc_facts)
            continue
        row = _matched_row(c, doc_facts)
        if c.action == "drop":
            drop_fact(doc_facts, c.table, row)
            notes.append(f"{c.where()}: dropped: {c.note}")
            continue
        if c.action == "set":
            _set(c, row)
        _append_note(row, c.note)
    return facts, notes


def _parties(c: Curation, meeting_id: str, parties: object) -> list[dict]:
    """The parties of an added meeting: a list of JSON objects of meeting_parties fields."""
    if not isinstance(parties, list) or not parties:
        raise CurationError(f"{c.where('value')}: an added meeting needs \"parties\": [{{\"country_code\": ...}}, ...]")
    rows = []
    for i, p in enumerate(parties):
        if not isinstance(p, dict):
            raise CurationError(f"{c.where('value')}: parties[{i}] must be a JSON object such as {{\"country_code\": \"LA\"}}, got {json.dumps(p, ensure_ascii=False)}")
        for key in p:
            if key in FIXED_FIELDS | {"meeting_id", "party_index"}:
                raise CurationError(f"{c.where('value')}: parties[{i}].{key} is set by the build")
        given = {k: _coerce(c, PARTY_TABLE, k, v) for k, v in p.items()}
        _require(c, PARTY_TABLE, given, f"parties[{i}]")
        rows.append({"province_id": None, "organisation": None, **given, "meeting_id": meeting_id, "party_index": i,
                     "method": "curated", "note": c.note})
    return rows


def _add(c: Curation, doc_facts: DocumentFacts) -> None:
    doc = doc_facts.document
    first = doc.text.find(c.match, doc.body_start, doc.body_end)
    if first == -1 or doc.text.find(c.match, first + 1, doc.body_end) != -1:
        raise CurationError(f"{c.where('match')}: match must occur exactly once in the article body")
    values = _json_object(c)
    parties = values.pop("parties", None)
    for key in values:
        if key in FIXED_FIELDS:
            raise CurationError(f"{c.where('value')}: {key} is set by the build (from match), not by a curation")
    row: dict = {k: _coerce(c, c.table, k, v) for k, v in values.items()}
    _require(c, c.table, row, "an added row")
    row.update({"document_id": doc.document_id, "char_start": first, "char_end": first + len(c.match), "method": "curated", "note": c.note})
    if c.table == "meetings":
        row["meeting_id"] = make_id(ID_PREFIXES["meetings"], doc.document_id, first)
        if row.get("date_start") or row.get("date_end"):
            row.setdefault("date_basis", "curated")
        doc_facts.table(PARTY_TABLE).extend(_parties(c, row["meeting_id"], parties))
    elif parties is not None:
        raise CurationError(f"{c.where('value')}: only an added meeting has parties")
    if c.table == "patrols":
        row["patrol_id"] = make_id(ID_PREFIXES["patrols"], doc.document_id, first)
    doc_facts.table(c.table).append(row)
