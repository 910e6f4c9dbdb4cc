"""Stage 7, publish: write the CSVs and ``datapackage.json`` into a staging folder;
``bordercoop.transaction.commit`` publishes them only after every check passed.

``datapackage.json`` follows Data Package v2: an ``id``, contributors with
``roles``, resources pointing at ``data/*.csv`` and ``schemas/*.schema.json`` with
``sha256:`` hashes, byte counts and a dialect for the ``\\n`` line ends. Every path
is relative to the package folder: articles from outside it are copied into
``data/articles/`` (see ``ingest.package_path``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tomllib
from pathlib import Path

from bordercoop.files import atomic_write
from bordercoop.paths import REFERENCE as REFERENCE_DIR
from bordercoop.schema import SCHEMA_DIR, TABLES, field_names, load_schema
from bordercoop.stages.assemble import Tables

PACKAGE_META = REFERENCE_DIR / "package.toml"
LINE_TERMINATOR = "\n"
# Table Dialect v2: only what differs from the defaults (header row, ",", '"').
DIALECT = {"lineTerminator": LINE_TERMINATOR}


def csv_bytes(table: str, rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=field_names(table), lineterminator=LINE_TERMINATOR, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _source(d: dict[str, str]) -> dict[str, str]:
    """A Data Package source for one article: its URL and publisher where
    sources.csv gives them, else the saved file."""
    publisher = d["publisher"] or "its publisher"
    source = {"title": d["title"], "path": d["url"] or d["path"],
              "description": f"Seed article {d['document_id']} ({d['path']}, sha256 {d['sha256']}); text © {publisher}."}
    if d["published"]:
        source["description"] += f" Published {d['published']}."
    return source


def descriptor(tables: Tables, blobs: dict[str, bytes]) -> dict:
    with open(PACKAGE_META, "rb") as fh:
        meta = tomllib.load(fh)
    sources = [_source(d) for d in tables["documents"]]
    sources.append({"title": "pycountry (ISO 3166-2 subdivision codes)", "path": "https://pypi.org/project/pycountry/"})
    resources = []
    for table in TABLES:
        blob = blobs[table]
        schema = load_schema(table)
        resources.append({
            "name": table,
            "path": f"data/{table}.csv",
            "type": "table",
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": DIALECT,
            "description": schema.get("description", ""),
            "schema": f"schemas/{table}.schema.json",
            "hash": "sha256:" + hashlib.sha256(blob).hexdigest(),
            "bytes": len(blob),
        })
    out = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": meta["name"],
        "id": meta["id"],
        "title": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "created": meta["created"],
        "keywords": meta["keywords"],
        "licenses": meta["licenses"],
        "contributors": meta["contributors"],
        "sources": sources,
        "resources": resources,
    }
    if meta.get("homepage"):
        out["homepage"] = meta["homepage"]
    return out


def write_staging(tables: Tables, staging: Path, articles: dict[str, Path] | None = None) -> Path:
    """Write ``staging/data/*.csv``, ``staging/schemas/`` and
    ``staging/datapackage.json``, and copy ``articles`` (package path -> file
    outside the package) into the package, each file fsynced; returns the
    descriptor path. ``bordercoop.transaction.commit`` then publishes them."""
    blobs = {t: csv_bytes(t, tables[t]) for t in TABLES}
    for table, blob in blobs.items():
        atomic_write(staging / "data" / f"{table}.csv", blob)
    for inside, source in sorted((articles or {}).items()):
        atomic_write(staging / inside, source.read_bytes())
    for schema in sorted(p for p in SCHEMA_DIR.iterdir() if p.is_file()):
        atomic_write(staging / "schemas" / schema.name, schema.read_bytes())
    text = json.dumps(descriptor(tables, blobs), ensure_ascii=False, indent=2) + "\n"
    return atomic_write(staging / "datapackage.json", text)
