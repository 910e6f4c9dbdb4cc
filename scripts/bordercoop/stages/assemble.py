"""Stage 4, assemble: facts of every document -> tidy tables of string cells.

Each table has exactly the columns of its Table Schema, in schema order, rows in
a fixed order (document, offset, id), and the evidence column cut from the
article text at the row's offsets. Same input, same bytes. The derived tables
(``schema.DERIVED_TABLES``) are left empty for their own stage.
"""

from __future__ import annotations

from bordercoop.facts import FACT_TABLES, SORT_KEYS, DocumentFacts
from bordercoop.schema import BASE_SORT_KEYS, DERIVED_TABLES, TABLES, field_names, format_cell
from bordercoop.text.places import gazetteer_rows

Tables = dict[str, list[dict[str, str]]]


def _row(table: str, values: dict) -> dict[str, str]:
    return {name: format_cell(values.get(name)) for name in field_names(table)}


def _sort(table: str, rows: list[dict]) -> list[dict]:
    keys = {**BASE_SORT_KEYS, **SORT_KEYS}[table]

    def key(r: dict) -> tuple:
        return tuple((0, r[k], "") if isinstance(r[k], int) else (1, 0, str(r[k])) for k in keys)

    return sorted(rows, key=key)


def assemble(facts: list[DocumentFacts]) -> Tables:
    raw: dict[str, list[dict]] = {t: [] for t in TABLES}
    for f in facts:
        d = f.document
        raw["documents"].append({
            "document_id": d.document_id, "path": d.path, "sha256": d.sha256,
            "source_encoding": d.source_encoding, "normalised": d.normalised, "title": d.title,
            "n_chars": len(d.text), "body_start": d.body_start, "body_end": d.body_end,
            "boilerplate_marker": d.boilerplate_marker, "language": d.language, "url": d.url,
            "publisher": d.publisher, "published": d.published,
        })
        for table in FACT_TABLES:
            for r in f.table(table):
                if "evidence" in field_names(table):
                    r = {**r, "evidence": d.text[r["char_start"]:r["char_end"]]}
                raw[table].append(r)
    raw["provinces"] = [dict(r) for r in gazetteer_rows()]
    return {t: [] if t in DERIVED_TABLES else [_row(t, r) for r in _sort(t, raw[t])] for t in TABLES}
