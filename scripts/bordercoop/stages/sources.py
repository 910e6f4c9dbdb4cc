"""Where each article came from: the optional ``sources.csv`` beside the articles.

Described by ``reference/sources.schema.json`` (file, url, publisher, published;
extra columns allowed). A row for a file that is not there, a repeated file, a
missing column or a malformed date is an error naming the row and field; the
build then writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bordercoop.paths import REFERENCE

SOURCES_FILE = "sources.csv"


class SourcesError(ValueError):
    """A problem in sources.csv; the message names the row and field."""


@dataclass(frozen=True)
class Source:
    url: str
    publisher: str
    published: dt.date | None


@cache
def sources_schema() -> dict[str, Any]:
    with open(REFERENCE / "sources.schema.json", encoding="utf-8") as fh:
        return json.load(fh)


def row_source(path: Path, line: int, row: dict[str, str]) -> Source:
    """One row of ``sources.csv`` as a Source; a malformed date is a SourcesError naming the row."""
    published = (row.get("published") or "").strip()
    try:
        date = dt.date.fromisoformat(published) if published else None
    except ValueError:
        raise SourcesError(f"{path}: row {line}, field published: {published!r} is not an ISO date (YYYY-MM-DD)") from None
    if published and len(published) != 10:
        raise SourcesError(f"{path}: row {line}, field published: {published!r} is not an ISO date (YYYY-MM-DD)")
    return Source((row.get("url") or "").strip(), (row.get("publisher") or "").strip(), date)


def load_sources(seed_dir: Path, article_names: set[str]) -> dict[str, Source]:
    """file name -> Source, from ``seed_dir/sources.csv`` (empty when there is none)."""
    path = seed_dir / SOURCES_FILE
    if not path.is_file():
        return {}
    columns = [f["name"] for f in sources_schema()["fields"]]
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise SourcesError(f"{path}: header must have the columns {','.join(columns)} (missing: {', '.join(missing)})")
        found: dict[str, Source] = {}
        for line, row in enumerate(reader, start=2):
            name = (row.get("file") or "").strip()
            if not name:
                raise SourcesError(f"{path}: row {line}, field file: empty")
            if name in found:
                raise SourcesError(f"{path}: row {line}, field file: {name!r} is listed twice")
            if name not in article_names:
                raise SourcesError(f"{path}: row {line}, field file: {name!r} is not an article in {seed_dir}")
            found[name] = row_source(path, line, row)
    return found
