"""Stage 4, bounds: extracted values outside plausibility bounds are not published.

``reference/bounds.csv`` gives, per table and field, the smallest and largest
plausible value (border length per segment, counts, personnel; for date fields
the years, where ``published+N`` means N years after the article's publication
year, or after the package's ``created`` year when the article's is unknown).
A rule's row holding a value outside them is dropped as a fact (with its child
rows, and other rows' links to it blanked, as a curation ``drop`` does) and
listed in the extraction report as something that looked like a fact, with the
file, line and evidence. Curated rows are a curator's decision and are kept.
A bounds file that names an unknown table or field, or gives a value that is
not of the field's type, fails the build naming its row and field.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bordercoop.checks import line_of
from bordercoop.facts import FACT_TABLES, DocumentFacts
from bordercoop.paths import REFERENCE
from bordercoop.schema import fields
from bordercoop.stages.curate import drop_fact

BOUNDS_PATH = REFERENCE / "bounds.csv"
PACKAGE_META = REFERENCE / "package.toml"
COLUMNS = ["table", "field", "min", "max", "note"]
LOOKED_LIKE_A_FACT = "looked like a fact, not published (outside the plausibility bounds)"
RELATIVE = re.compile(r"published\+(\d+)")


class BoundsError(ValueError):
    """The bounds file itself is wrong; the message names its row and field."""


@dataclass(frozen=True)
class Bound:
    line: int
    table: str
    field: str
    kind: str  # the field's Table Schema type
    low: Decimal
    high: Decimal | None  # None: relative to the publication year
    years_after: int = 0

    def limits(self, year: int) -> tuple[Decimal, Decimal]:
        return self.low, self.high if self.high is not None else Decimal(year + self.years_after)

    def measure(self, value: object) -> Decimal | None:
        """The value as compared: a date's year, a number as it is."""
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            return Decimal(value.year)
        return Decimal(str(value))


def _number(path: Path, line: int, column: str, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise BoundsError(f"{path.name} row {line}, field {column}: {text!r} is not a number") from exc
    if not value.is_finite():
        raise BoundsError(f"{path.name} row {line}, field {column}: {text!r} is not a finite number")
    return value


def _bound(path: Path, line: int, row: dict[str, str]) -> Bound:
    table, name = row["table"], row["field"]
    if table not in FACT_TABLES:
        raise BoundsError(f"{path.name} row {line}, field table: {table!r} is not a fact table ({', '.join(FACT_TABLES)})")
    kinds = {f["name"]: f["type"] for f in fields(table)}
    if kinds.get(name) not in {"integer", "number", "date"}:
        raise BoundsError(f"{path.name} row {line}, field field: {table} has no integer, number or date field {name!r}")
    low = _number(path, line, "min", row["min"])
    relative = RELATIVE.fullmatch(row["max"])
    if relative and kinds[name] == "date":
        return Bound(line, table, name, kinds[name], low, None, int(relative.group(1)))
    high = _number(path, line, "max", row["max"])
    if high < low:
        raise BoundsError(f"{path.name} row {line}, field max: {high} is below min {low}")
    return Bound(line, table, name, kinds[name], low, high)


def load_bounds(path: Path = BOUNDS_PATH) -> list[Bound]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames != COLUMNS:
                raise BoundsError(f"{path.name}: header must be {','.join(COLUMNS)}, got {reader.fieldnames}")
            return [_bound(path, reader.line_num, {k: (v or "").strip() for k, v in row.items() if k})
                    for row in reader]
    except (OSError, UnicodeDecodeError) as exc:
        raise BoundsError(f"{path}: cannot be read as a UTF-8 CSV ({exc})") from exc


def package_year() -> int:
    """The year of the package's ``created`` date: the reference for articles
    without a publication date (fixed in package.toml, so builds are reproducible)."""
    with open(PACKAGE_META, "rb") as fh:
        return int(str(tomllib.load(fh)["created"])[:4])


def _outside(bound: Bound, row: dict, year: int) -> str | None:
    value = bound.measure(row.get(bound.field))
    if value is None:
        return None
    low, high = bound.limits(year)
    if low <= value <= high:
        return None
    shown = row[bound.field].isoformat() if isinstance(row[bound.field], dt.date) else str(row[bound.field])
    unit = "year " if bound.kind == "date" else ""
    return f"{bound.table}.{bound.field} = {shown}: {unit}outside {low}..{high} (bounds.csv row {bound.line})"


def apply_bounds(facts: list[DocumentFacts], bounds: list[Bound], names: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Drop every rule row with a value outside ``bounds``; returns (file and
    line, message) for each, and adds the message to the document's report notes.
    ``names``: document id -> the file as the curator knows it (default: its package path)."""
    fallback = package_year()
    rejected: list[tuple[str, str]] = []
    for doc_facts in facts:
        doc = doc_facts.document
        year = doc.published.year if doc.published else fallback
        for bound in bounds:
            for row in list(doc_facts.table(bound.table)):
                reason = None if row.get("method") == "curated" else _outside(bound, row, year)
                if reason is None:
                    continue
                drop_fact(doc_facts, bound.table, row)
                start, end = row.get("char_start", 0), row.get("char_end", 0)
                evidence = doc.text[start:end]
                message = f"{reason}; evidence {evidence[:120]!r}"
                doc_facts.notes.append(f"{LOOKED_LIKE_A_FACT}: {message}")
                name = (names or {}).get(doc.document_id, doc.path)
                rejected.append((f"{name} line {line_of(doc.text, start)}", message))
    return rejected
