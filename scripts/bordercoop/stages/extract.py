"""Stage 2, extract: one article -> candidate facts for every table, by rule.

The article is read once (``text/article.py``: sentences, places, dates, in the
document's language); then each fact type of the registry (``facts/``) adds
its rows in registry order. Each fact carries code-point offsets into the
article's normalised text; the evidence column is cut from the text at those
offsets in ``assemble``, so the two cannot disagree. Notes list what looked
like a fact but was not kept.
"""

from __future__ import annotations

from bordercoop.facts import REGISTRY, DocumentFacts
from bordercoop.stages.ingest import Document
from bordercoop.text.article import read_article


def extract_document(doc: Document) -> DocumentFacts:
    art = read_article(doc)
    facts = DocumentFacts(doc)
    for fact_type in REGISTRY:
        for table in fact_type.tables:
            facts.table(table)
        fact_type.extract(art, facts)
    return facts
