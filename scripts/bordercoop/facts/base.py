"""What a fact type is, and the facts of one document.

A ``FactType`` is the one record the rest of the pipeline reads to know a fact
table: extract, curate, assemble, validate, the report, the evaluation and the
benchmark derive their lists from the registry in ``facts/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from bordercoop.checks import Issue
    from bordercoop.stages.ingest import Document
    from bordercoop.text.article import Article


@dataclass
class DocumentFacts:
    """Rows of every fact table found in one document, plus notes on what looked
    like a fact but was not kept."""

    document: Document
    tables: dict[str, list[dict]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> list[dict]:
        return self.tables.setdefault(name, [])


Extractor = Callable[["Article", DocumentFacts], None]
Projection = Callable[[DocumentFacts], set]
Check = Callable[[dict[str, "pd.DataFrame"]], list["Issue"]]


@dataclass(frozen=True)
class FactType:
    table: str
    extract: Extractor  # appends rows (and notes) to the document's facts
    sort_keys: tuple[str, ...]  # row order in the published table
    compare: Projection  # comparable form of the extracted facts
    expected: Callable[[dict], set]  # the same form of one article's expected.json entry
    expected_key: str = ""  # its key in expected.json (default: the table name)
    id_prefix: str = ""  # "m" -> ids "m-<document>-<offset>"
    children: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (child table, its sort keys)
    curated: bool = True  # rows carry evidence offsets that curation can match
    source_fact: bool = True  # counts as a border fact in the extraction report
    checks: tuple[Check, ...] = ()  # cross-table rules run by validate
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.expected_key or self.table

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table, *(name for name, _ in self.children))


def make_id(prefix: str, document_id: str, offset: int) -> str:
    return f"{prefix}-{document_id}-{offset}"
