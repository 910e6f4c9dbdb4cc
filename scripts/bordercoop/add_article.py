"""Add one article to the seeds folder: a saved web page or a text file.

    python scripts/add_article.py PAGE.html|FILE.txt [--url URL] [--publisher P] [--published YYYY-MM-DD]

The article is read exactly as the build reads it (``stages/ingest.read_seed``:
a web page through trafilatura, main text, title, date and site name) and written
to ``seeds/<id>.txt`` as UTF-8 text, headline line then body, so the build reads
the same text back. Its row (``file,url,publisher,published``) goes into
``seeds/sources.csv``, rows sorted by file; the options override what the page
states. Refused, with nothing written: a file name or document id already taken,
a text already in the folder, a URL already in sources.csv, a malformed date.
Both files are written to a temporary name and renamed into place.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from bordercoop.files import atomic_write
from bordercoop.paths import SEEDS
from bordercoop.stages.ingest import SeedError, document_id_for, ingest, read_seed, read_seed_bytes, seed_rules
from bordercoop.stages.sources import SOURCES_FILE, Source, SourcesError, row_source, sources_schema


class AddError(ValueError):
    """The article cannot be added; the message names the file and the reason."""


@dataclass(frozen=True)
class Added:
    path: Path
    document_id: str
    title: str
    body_chars: int
    row: dict[str, str]


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _seed_name(source: Path, name: str | None) -> str:
    stem = Path(name).stem if name else document_id_for(source.name)
    return f"{document_id_for(stem + '.txt')}.txt"


def _read_sources(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of sources.csv (the schema's columns when there is none)."""
    if not path.is_file():
        return [f["name"] for f in sources_schema()["fields"]], []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _sources_bytes(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: r.get("file") or ""))
    return out.getvalue().encode("utf-8")


def _refuse_duplicates(seeds: Path, file_name: str, document_id: str, text: str, url: str, rows: list[dict[str, str]]) -> None:
    existing = ingest(seeds)
    if (seeds / file_name).exists() or (seeds / file_name).is_symlink():
        raise AddError(f"{seeds / file_name} already exists; choose another --name")
    for d in existing.documents:
        if d.document_id == document_id:
            raise AddError(f"document id {document_id} is already taken by {d.path}; choose another --name")
        if _text_hash(d.text) == _text_hash(text):
            raise AddError(f"the article's text is already in the seeds folder as {d.path}")
    for shown, _ in existing.skipped:
        if seed_rules().is_article(shown) and Path(shown).stem.lower() == Path(file_name).stem.lower():
            raise AddError(f"{shown} (not read: see the build's messages) already has this name")
    if url and any((r.get("url") or "").strip() == url for r in rows):
        same = next(r.get("file") for r in rows if (r.get("url") or "").strip() == url)
        raise AddError(f"{SOURCES_FILE} already lists {url} for {same}")


def add_article(source: Path, seeds: Path = SEEDS, url: str = "", publisher: str = "", published: str = "",
                name: str | None = None) -> Added:
    """Write ``source`` into ``seeds`` as a text article and its sources.csv row."""
    try:
        reading = read_seed(read_seed_bytes(source, seed_rules()), source.name)
    except OSError as exc:
        raise AddError(f"{source}: cannot be read: {exc.strerror}") from exc
    page = reading.page or Source("", "", None)
    file_name = _seed_name(source, name)
    document_id = document_id_for(file_name)
    row = {"file": file_name, "url": url or page.url, "publisher": publisher or page.publisher,
           "published": published or (page.published.isoformat() if page.published else "")}
    sources_path = seeds / SOURCES_FILE
    header, rows = _read_sources(sources_path)
    row_source(sources_path, len(rows) + 2, row)  # the date must be one sources.csv accepts
    _refuse_duplicates(seeds, file_name, document_id, reading.text, row["url"], rows)
    missing = [c for c in row if c not in header]
    if missing:
        raise AddError(f"{sources_path}: header lacks the columns {', '.join(missing)}")
    atomic_write(seeds / file_name, reading.text.encode("utf-8"))
    atomic_write(sources_path, _sources_bytes(header, [*rows, row]))
    doc = next(d for d in ingest(seeds).documents if d.document_id == document_id)
    return Added(seeds / file_name, document_id, doc.title, len(doc.body), row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("article", type=Path, help="a saved web page (.html, .htm) or a text article (.txt)")
    parser.add_argument("--url", default="", help="where it was published (default: what the page states)")
    parser.add_argument("--publisher", default="", help="the outlet (default: the page's site name)")
    parser.add_argument("--published", default="", help="publication date YYYY-MM-DD (default: the page's date)")
    parser.add_argument("--name", default=None, help="file name in the seeds folder (default: from the article's file name)")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="the seeds folder (default: seeds/)")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"error: seeds folder {args.seeds} does not exist", file=sys.stderr)
        return 2
    try:
        added = add_article(args.article, args.seeds, args.url.strip(), args.publisher.strip(), args.published.strip(), args.name)
    except (AddError, SeedError, SourcesError) as exc:
        print(f"not added; nothing was written: {exc}", file=sys.stderr)
        return 1
    print(f"added {added.path} (document id {added.document_id}): title {added.title!r}, body {added.body_chars:,} characters")
    print(f"{args.seeds / SOURCES_FILE}: " + ", ".join(f"{k}={v}" for k, v in added.row.items()))
    return 0
