"""Per-article failure isolation: which article (or curation row) a failed check
belongs to.

A validation issue names a table row; here it is traced back to the article that
row came from (its ``document_id``, or for a child row such as a meeting party,
its parent's, by the schemas' foreign keys) and said in the curator's terms: the
file, the line of the article where the fact's evidence starts, the table and
field. The pipeline leaves such an article out (all its rows, from every table,
and its ``documents`` row) and builds the rest; ``--strict`` fails instead.

Not every issue is an article's:
- a row a curation wrote or changed (``method=curated``) is the curation file's:
  the issue names the curation row, and the build fails;
- whole-table issues (a schema column missing), the gazetteer (``provinces``)
  and anything that cannot be traced to an article are the package's: the build
  fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bordercoop.checks import Issue, line_of
from bordercoop.facts import CURATED_TABLES
from bordercoop.schema import field_names, load_schema
from bordercoop.stages.assemble import Tables
from bordercoop.stages.curate import Curation
from bordercoop.stages.ingest import Document


@dataclass(frozen=True)
class LeftOut:
    """An article left out of the package, and why (each reason names the file)."""

    document_id: str
    path: str
    reasons: tuple[str, ...]


class ArticlesRejected(Exception):
    """``--strict``: an article failed a check; the message names each file."""

    def __init__(self, left_out: Sequence[LeftOut]):
        self.left_out = list(left_out)
        lines = [reason for item in left_out for reason in item.reasons]
        super().__init__(f"{len(left_out)} article(s) fail a check (--strict):\n  " + "\n  ".join(lines))


@dataclass
class Attribution:
    by_document: dict[str, list[str]] = field(default_factory=dict)  # document_id -> reasons
    curation: list[str] = field(default_factory=list)  # curation-row messages
    package: list[Issue] = field(default_factory=list)


def _row(tables: Tables, issue: Issue) -> dict[str, str] | None:
    rows = tables.get(issue.table)
    if issue.row is None or rows is None or not 2 <= issue.row < len(rows) + 2:
        return None
    return rows[issue.row - 2]


def _fact_row(tables: Tables, table: str, row: dict[str, str]) -> tuple[str, dict[str, str]] | None:
    """(table, row) of the fact that carries the document id: the row itself, or
    its parent through a foreign key (a meeting party -> its meeting)."""
    if "document_id" in row:
        return table, row
    for fk in load_schema(table).get("foreignKeys", []):
        target = fk["reference"]["resource"]
        if not target or target == table or "document_id" not in field_names(target):
            continue
        key = list(zip(fk["fields"], fk["reference"]["fields"], strict=True))
        for parent in tables[target]:
            if all(parent[dst] == row[src] for src, dst in key):
                return target, parent
    return None


def _curations_of(curation: Sequence[Curation], table: str, row: dict[str, str]) -> list[Curation]:
    """The curation rows that wrote or changed a curated fact row."""
    if row.get("method") != "curated" or table not in CURATED_TABLES:
        return []
    evidence = row.get("evidence", "")
    return [c for c in curation
            if c.document_id == row["document_id"] and c.table == table and c.action in {"set", "add"} and c.match in evidence]


def _reason(doc: Document | None, name: str, issue: Issue, fact: dict[str, str]) -> str:
    where = name
    start = fact.get("char_start", "")
    if doc is not None and start.isdigit():
        where += f" line {line_of(doc.text, int(start))}"
    evidence = fact.get("evidence", "")
    quoted = f" (evidence {evidence[:80]!r})" if evidence else ""
    return f"{where}: {issue.table}, field {issue.field or '-'}: {issue.message}{quoted}"


def attribute(issues: Sequence[Issue], tables: Tables, documents: Sequence[Document],
              curation: Sequence[Curation], names: Mapping[str, str] | None = None) -> Attribution:
    """Sort issues into articles', curation rows' and the package's. ``names``:
    document id -> the file as the curator knows it (default: its package path)."""
    docs = {d.document_id: d for d in documents}
    names = names or {d.document_id: d.path for d in documents}
    result = Attribution()
    for issue in issues:
        row = _row(tables, issue)
        traced = _fact_row(tables, issue.table, row) if row is not None and issue.table != "provinces" else None
        if traced is None or not traced[1].get("document_id"):
            result.package.append(issue)
            continue
        table, fact = traced
        curations = _curations_of(curation, table, fact)
        if curations:
            result.curation += [f"{c.where()}: the curated row fails a check: {issue.table}, field {issue.field}: {issue.message}"
                                for c in curations]
            continue
        document_id = fact["document_id"]
        name = names.get(document_id, document_id)
        result.by_document.setdefault(document_id, []).append(_reason(docs.get(document_id), name, issue, fact))
    return result


def articles_left_out(by_document: dict[str, list[str]], documents: Sequence[Document],
                      names: Mapping[str, str] | None = None) -> list[LeftOut]:
    paths = names or {d.document_id: d.path for d in documents}
    return [LeftOut(d, paths.get(d, d), tuple(dict.fromkeys(reasons))) for d, reasons in sorted(by_document.items())]
