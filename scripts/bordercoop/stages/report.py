"""The extraction report (``build/extraction_report.csv``): per document, what was
found and what looked like a fact but was not kept (including values outside the
plausibility bounds), plus skipped files, articles left out because their facts
failed a check (status ``left out``, with the reasons) and curation notes, so a
curator knows where to look."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from bordercoop.facts import REPORTED_TABLES, SOURCE_TABLES
from bordercoop.files import atomic_write
from bordercoop.stages.extract import DocumentFacts
from bordercoop.stages.ingest import IngestResult
from bordercoop.stages.isolate import LeftOut

REPORT_FIELDS = ["document_id", "path", "status", *REPORTED_TABLES, "detail"]


def _document_row(f: DocumentFacts, unsourced: set[str]) -> dict[str, object]:
    d = f.document
    detail = list(f.notes)
    if d.path in unsourced:
        detail.insert(0, "no row in sources.csv: url, publisher and publication date unknown (years come from the text only)")
    if d.normalised:
        detail.insert(0, f"normalised: {d.normalised}")
    if not d.boilerplate_marker:
        detail.append("no boilerplate marker found: whole text after the title read as body")
    found = {t: len(f.table(t)) for t in REPORTED_TABLES}
    status = "ok" if any(found[t] for t in SOURCE_TABLES) else "no border facts"
    return {"document_id": d.document_id, "path": d.path, "status": status, **found, "detail": " | ".join(detail)}


def write_report(facts: list[DocumentFacts], ingested: IngestResult, curation_notes: list[str], path: Path,
                 left_out: Sequence[LeftOut] = ()) -> None:
    unsourced = set(ingested.unsourced)
    rows = [_document_row(f, unsourced) for f in facts]
    for shown, reason in ingested.skipped:
        rows.append({"document_id": Path(shown).stem, "path": shown, "status": "skipped", "detail": reason})
    for shown, reason in ingested.ignored:
        rows.append({"document_id": "", "path": shown, "status": "ignored", "detail": reason})
    for item in left_out:
        rows.append({"document_id": item.document_id, "path": item.path, "status": "left out", "detail": " | ".join(item.reasons)})
    for note in curation_notes:
        rows.append({"document_id": "", "path": "", "status": "curation", "detail": note})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write(path, buffer.getvalue())
