"""Build the data package: seeds/*.txt -> data/*.csv + datapackage.json.

    python scripts/build.py                      # seeds/ -> data/, datapackage.json
    python scripts/build.py --seeds DIR --out DIR  # any folder of articles -> DIR

Stages (one module each): ingest -> extract -> curate -> assemble -> validate ->
publish. Everything is written to a staging folder first and swapped into place
only if every check passes, so a failed build leaves the old package untouched.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assemble import Tables, assemble  # noqa: E402
from curate import CurationError, apply_curation, load_curation  # noqa: E402
from extract import DocumentFacts, extract_document  # noqa: E402
from ingest import Document, IngestResult, ingest  # noqa: E402
from publish import swap_into_place, write_staging  # noqa: E402
from validate import Issue, ValidationFailed, check_package, check_tables  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPORT_FIELDS = ["document_id", "path", "status", "meetings", "patrols", "border_lengths",
                 "province_borders", "province_mentions", "detail"]


@dataclass
class BuildResult:
    tables: Tables
    ingested: IngestResult
    facts: list[DocumentFacts]
    curation_notes: list[str]
    timings: dict[str, float] = field(default_factory=dict)


def run_pipeline(seeds: Path, out: Path) -> BuildResult:
    """Ingest, extract, curate, assemble and validate; raises ValidationFailed or
    CurationError without writing anything."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ingested = ingest(seeds, package_root=out)  # paths recorded relative to the package
    timings["ingest"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    facts = [_extract(d) for d in ingested.documents]
    timings["extract"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    facts, curation_notes = apply_curation(facts, load_curation())
    timings["curate"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    tables = assemble(facts)
    timings["assemble"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    issues = check_tables(tables, {d.document_id: d.text for d in ingested.documents})
    timings["validate"] = time.perf_counter() - t0
    if issues:
        raise ValidationFailed(issues)
    return BuildResult(tables, ingested, facts, curation_notes, timings)


class ExtractionError(RuntimeError):
    """A rule failed on one article; the message names the file."""


def _extract(doc: Document) -> DocumentFacts:
    try:
        return extract_document(doc)
    except Exception as exc:  # a rule bug must not hide which article triggered it
        raise ExtractionError(f"{doc.path}: extraction failed: {type(exc).__name__}: {exc}") from exc


def write_report(result: BuildResult, path: Path) -> None:
    """Per-document extraction report: what was found, and what looked like a
    fact but was not kept (so a curator knows where to look)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for f in result.facts:
        d = f.document
        detail = list(f.notes)
        if d.normalised:
            detail.insert(0, f"normalised: {d.normalised}")
        if not d.boilerplate_marker:
            detail.append("no boilerplate marker found: whole text after the title read as body")
        found = {t: len(f.table(t)) for t in ("meetings", "patrols", "border_lengths", "province_borders", "province_mentions")}
        status = "ok" if any(found[t] for t in ("meetings", "patrols", "border_lengths", "province_borders")) else "no border facts"
        rows.append({"document_id": d.document_id, "path": d.path, "status": status, **found, "detail": " | ".join(detail)})
    for shown, reason in result.ingested.skipped:
        rows.append({"document_id": Path(shown).stem, "path": shown, "status": "skipped", "detail": reason})
    for note in result.curation_notes:
        rows.append({"document_id": "", "path": "", "status": "curation", "detail": note})
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build(seeds: Path, out: Path, quiet: bool = False) -> BuildResult:
    started = time.perf_counter()
    result = run_pipeline(seeds, out)
    for shown, reason in result.ingested.skipped:
        print(f"skipped {shown}: {reason}", file=sys.stderr)
    for shown, what in result.ingested.notices:
        print(f"normalised {shown}: {what}", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        t0 = time.perf_counter()
        descriptor = write_staging(result.tables, staging)
        issues: list[Issue] = check_package(descriptor)
        result.timings["frictionless"] = time.perf_counter() - t0
        if issues:
            raise ValidationFailed(issues)
        swap_into_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_report(result, out / "build" / "extraction_report.csv")
    result.timings["total"] = time.perf_counter() - started
    if not quiet:
        counts = ", ".join(f"{t}={len(rows)}" for t, rows in result.tables.items())
        print(f"built {out / 'datapackage.json'}: {counts}")
        print("stage seconds: " + ", ".join(f"{k}={v:.2f}" for k, v in result.timings.items()))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of article .txt files")
    parser.add_argument("--out", type=Path, default=None, help="package folder to write (default: the repository)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else ROOT
    if not args.seeds.is_dir():
        print(f"error: seeds folder {args.seeds} does not exist", file=sys.stderr)
        return 2
    try:
        build(args.seeds, out, quiet=args.quiet)
    except (ValidationFailed, CurationError, ExtractionError) as exc:
        print(f"build failed; nothing was written to {out}:\n{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
