"""Stage 7, publish: write the CSVs and ``datapackage.json`` into a staging folder,
then swap them into place only after every check passed.

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
import os
import shutil
import tomllib
from pathlib import Path

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
    outside the package) into the package; returns the descriptor path."""
    (staging / "data").mkdir(parents=True, exist_ok=True)
    blobs = {t: csv_bytes(t, tables[t]) for t in TABLES}
    for table, blob in blobs.items():
        (staging / "data" / f"{table}.csv").write_bytes(blob)
    for inside, source in sorted((articles or {}).items()):
        (staging / inside).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staging / inside)
    shutil.copytree(SCHEMA_DIR, staging / "schemas", dirs_exist_ok=True)
    path = staging / "datapackage.json"
    text = json.dumps(descriptor(tables, blobs), ensure_ascii=False, indent=2) + "\n"
    path.write_bytes(text.encode("utf-8"))
    return path


def swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out/data`` and ``out/datapackage.json`` with the staged ones. The
    old ones are moved aside first and restored if anything fails."""
    out.mkdir(parents=True, exist_ok=True)
    backup = staging.parent / (staging.name + ".old")
    if backup.exists():
        shutil.rmtree(backup)
    backup.mkdir()
    moved: list[tuple[Path, Path]] = []
    try:
        for name in ("data", "datapackage.json"):
            if (out / name).exists():
                os.replace(out / name, backup / name)
                moved.append((backup / name, out / name))
        os.replace(staging / "data", out / "data")
        os.replace(staging / "datapackage.json", out / "datapackage.json")
        if not (out / "schemas").resolve() == SCHEMA_DIR.resolve():
            shutil.copytree(staging / "schemas", out / "schemas", dirs_exist_ok=True)
    except BaseException:
        for src, dst in moved:
            if dst.exists():
                shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
            os.replace(src, dst)
        raise
    finally:
        shutil.rmtree(backup, ignore_errors=True)
