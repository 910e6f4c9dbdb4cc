"""Stage 2, extract: one article -> candidate facts for every table, by rule.

Each fact carries code-point offsets into the article's normalised text; the
evidence column is cut from the text at those offsets in ``assemble``, so the
two cannot disagree. Notes list what looked like a fact but was not kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from article import read_article
from extract_borders import extract_lengths, extract_mentions, extract_province_borders
from extract_meetings import extract_meetings
from extract_patrols import extract_patrols
from ingest import Document


@dataclass
class DocumentFacts:
    document: Document
    meetings: list[dict] = field(default_factory=list)
    meeting_parties: list[dict] = field(default_factory=list)
    patrols: list[dict] = field(default_factory=list)
    border_lengths: list[dict] = field(default_factory=list)
    province_borders: list[dict] = field(default_factory=list)
    province_mentions: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> list[dict]:
        return getattr(self, name)


FACT_TABLES = ("meetings", "meeting_parties", "patrols", "border_lengths", "province_borders", "province_mentions")


def meeting_id(document_id: str, trigger_start: int) -> str:
    return f"m-{document_id}-{trigger_start}"


def patrol_id(document_id: str, anchor: int) -> str:
    return f"p-{document_id}-{anchor}"


def extract_document(doc: Document) -> DocumentFacts:
    art = read_article(doc)
    facts = DocumentFacts(doc)
    meetings, notes = extract_meetings(art)
    facts.notes.extend(notes)
    for m in meetings:
        mid = meeting_id(doc.document_id, m.pop("trigger_start"))
        parties = m.pop("parties")
        facts.meetings.append({"meeting_id": mid, "document_id": doc.document_id, **m, "method": "rule", "note": ""})
        for i, p in enumerate(parties):
            facts.meeting_parties.append({"meeting_id": mid, "party_index": i, **p, "method": "rule", "note": ""})
    main = next((m for m in facts.meetings if m["kind"] in {"talks", "online_talks"} and m["status"] == "held"), None)
    patrols, notes = extract_patrols(art, main)
    facts.notes.extend(notes)
    for p in patrols:
        linked = p.pop("meeting_id_of")
        facts.patrols.append({
            "patrol_id": patrol_id(doc.document_id, p.pop("anchor")),
            "document_id": doc.document_id,
            "meeting_id": linked["meeting_id"] if linked else "",
            **p,
            "method": "rule",
            "note": "",
        })
    lengths, notes = extract_lengths(art)
    facts.notes.extend(notes)
    facts.border_lengths = [{"document_id": doc.document_id, **r, "method": "rule", "note": ""} for r in lengths]
    borders, notes = extract_province_borders(art)
    facts.notes.extend(notes)
    facts.province_borders = [{"document_id": doc.document_id, **r, "method": "rule", "note": ""} for r in borders]
    facts.province_mentions = [{"document_id": doc.document_id, **r} for r in extract_mentions(art)]
    return facts
