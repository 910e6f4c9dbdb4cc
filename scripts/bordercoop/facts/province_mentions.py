"""Every gazetteer unit named in an article body (never in boilerplate)."""

from __future__ import annotations

from bordercoop.facts.base import DocumentFacts, FactType
from bordercoop.text.article import Article
from bordercoop.text.places import places


def extract(art: Article, facts: DocumentFacts) -> None:
    doc_id = facts.document.document_id
    facts.table("province_mentions").extend(
        {"document_id": doc_id, "province_id": n.key, "char_start": n.start, "char_end": n.end, "surface": n.surface}
        for n in art.names
        if n.key in places()
    )


def compare(facts: DocumentFacts) -> set:
    return {m["province_id"] for m in facts.table("province_mentions")}


def expected(entry: dict) -> set:
    return set(entry["provinces_mentioned"])


FACT = FactType(
    table="province_mentions",
    extract=extract,
    sort_keys=("document_id", "char_start"),
    compare=compare,
    expected=expected,
    expected_key="provinces_mentioned",
    curated=False,
    source_fact=False,
)
