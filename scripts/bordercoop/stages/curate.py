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
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bordercoop.facts import BY_TABLE, CURATED_TABLES, FACT_TABLES, ID_PREFIXES, DocumentFacts
from bordercoop.facts.base import make_id
from bordercoop.paths import REFERENCE
from bordercoop.schema import date_pairs, field_names, fields

CURATION_PATH = REFERENCE / "curation.csv"
ACTIONS = {"set", "confirm", "drop", "add"}
COLUMNS = ["action", "document_id", "table", "match", "field", "value", "note"]


class CurationError(ValueError):
    pass


@dataclass(frozen=True)
class Curation:
    path: str
    line: int
    action: str
    document_id: str
    table: str
    match: str
    field: str
    value: str
    note: str

    def where(self) -> str:
        return f"{self.path} row {self.line} ({self.action} {self.table} in {self.document_id})"


def load_curation(path: Path = CURATION_PATH) -> list[Curation]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise CurationError(f"{path.name}: header must be {','.join(COLUMNS)}, got {reader.fieldnames}")
        items = []
        for i, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise CurationError(f"{path.name} row {i}: expected {len(COLUMNS)} columns ({','.join(COLUMNS)})")
            items.append(Curation(path.name, i, **{k: v.strip() for k, v in row.items()}))
    for c in items:
        if c.action not in ACTIONS:
            raise CurationError(f"{c.where()}: action must be one of {sorted(ACTIONS)}")
        if c.table not in CURATED_TABLES:
            raise CurationError(f"{c.where()}: table must be one of {', '.join(CURATED_TABLES)} (meeting parties come with an added meeting)")
        if not c.note:
            raise CurationError(f"{c.where()}: every curation needs a note saying why")
        if not c.match:
            raise CurationError(f"{c.where()}: match (evidence text) is empty")
    return items


def _coerce(c: Curation, table: str, field: str, value: object) -> object:
    """A curated value in the type its Table Schema gives the field."""
    types = {f["name"]: f["type"] for f in fields(table)}
    if field not in types:
        raise CurationError(f"{c.where()}: {table} has no field {field!r}")
    if value in ("", None):
        return None
    text = str(value)
    try:
        if types[field] == "date":
            return dt.date.fromisoformat(text)
        if types[field] == "integer":
            return int(text)
        if types[field] == "number":
            return Decimal(text)
    except (ValueError, ArithmeticError) as exc:
        raise CurationError(f"{c.where()}: field {field}: {text!r} is not a valid {types[field]} ({exc})") from exc
    return text


def _append_note(row: dict, note: str) -> None:
    row["note"] = f"{row['note']} {note}".strip() if row.get("note") else note


def _matched_row(c: Curation, doc_facts: DocumentFacts) -> dict:
    text = doc_facts.document.text
    hits = [r for r in doc_facts.table(c.table) if c.match in text[r["char_start"]:r["char_end"]]]
    if len(hits) != 1:
        raise CurationError(f"{c.where()}: match {c.match!r} fits {len(hits)} rows of {c.table}; it must fit exactly one")
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
    if c.field not in row or c.field in {"char_start", "char_end", "evidence", "document_id", "method", "note"}:
        raise CurationError(f"{c.where()}: field {c.field!r} cannot be set on {c.table}")
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


def _add(c: Curation, doc_facts: DocumentFacts) -> None:
    doc = doc_facts.document
    first = doc.text.find(c.match, doc.body_start, doc.body_end)
    if first == -1 or doc.text.find(c.match, first + 1, doc.body_end) != -1:
        raise CurationError(f"{c.where()}: match must occur exactly once in the article body")
    try:
        values = json.loads(c.value or "{}")
    except json.JSONDecodeError as exc:
        raise CurationError(f"{c.where()}: value must be a JSON object of fields ({exc})") from exc
    if not isinstance(values, dict):
        raise CurationError(f"{c.where()}: value must be a JSON object of fields")
    parties = values.pop("parties", None)
    row: dict = {k: _coerce(c, c.table, k, v) for k, v in values.items()}
    row.update({"document_id": doc.document_id, "char_start": first, "char_end": first + len(c.match), "method": "curated", "note": c.note})
    if c.table == "meetings":
        row["meeting_id"] = make_id(ID_PREFIXES["meetings"], doc.document_id, first)
        if row.get("date_start") or row.get("date_end"):
            row.setdefault("date_basis", "curated")
        if not parties:
            raise CurationError(f"{c.where()}: an added meeting needs \"parties\": [{{\"country_code\": ...}}, ...]")
        for i, p in enumerate(parties):
            doc_facts.table("meeting_parties").append({
                "meeting_id": row["meeting_id"], "party_index": i, "country_code": p.get("country_code", ""),
                "province_id": p.get("province_id", ""), "organisation": p.get("organisation", ""),
                "method": "curated", "note": c.note,
            })
    if c.table == "patrols":
        row["patrol_id"] = make_id(ID_PREFIXES["patrols"], doc.document_id, first)
    doc_facts.table(c.table).append(row)
