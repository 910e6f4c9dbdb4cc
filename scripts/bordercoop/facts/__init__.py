"""The fact types: one module each, registered here once.

Everything that needs the list of fact tables (extract, curate, assemble,
validate, the report, the evaluation, the benchmark, the schemas' resource
order) derives it from ``REGISTRY``. To add a fact type: a Table Schema in
``schemas/``, a module here with a ``FACT`` record, its words in
``lang/<code>/<table>.toml``, and one line below (see scripts/README.md).
"""

from __future__ import annotations

from bordercoop.facts import border_lengths, meetings, patrols, province_borders, province_mentions
from bordercoop.facts.base import DocumentFacts, FactType

# Extraction order: a fact type may read the rows of those before it (patrols
# link to the document's talks).
REGISTRY: tuple[FactType, ...] = (
    meetings.FACT,
    patrols.FACT,
    border_lengths.FACT,
    province_borders.FACT,
    province_mentions.FACT,
)

BY_TABLE: dict[str, FactType] = {f.table: f for f in REGISTRY}
# Every table the fact types fill, children after their parent.
FACT_TABLES: tuple[str, ...] = tuple(t for f in REGISTRY for t in f.tables)
# Tables whose rows carry evidence offsets that a curation can match.
CURATED_TABLES: tuple[str, ...] = tuple(f.table for f in REGISTRY if f.curated)
# Tables counted per document in the extraction report, and those that make a
# document "ok" there.
REPORTED_TABLES: tuple[str, ...] = tuple(f.table for f in REGISTRY)
SOURCE_TABLES: tuple[str, ...] = tuple(f.table for f in REGISTRY if f.source_fact)
# Sort keys of every fact table (children included).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    **{f.table: f.sort_keys for f in REGISTRY},
    **{name: keys for f in REGISTRY for name, keys in f.children},
}
# The id field of each table whose rows have generated ids ("m" -> meeting_id).
ID_PREFIXES: dict[str, str] = {f.table: f.id_prefix for f in REGISTRY if f.id_prefix}

__all__ = ["BY_TABLE", "CURATED_TABLES", "FACT_TABLES", "ID_PREFIXES", "REGISTRY", "REPORTED_TABLES",
           "SORT_KEYS", "SOURCE_TABLES", "DocumentFacts", "FactType"]
