"""Rules for border provinces: units a sentence says lie on a border.

Three shapes, each from ``lang/<code>/province_borders.toml``: a list of units
after a cue (``list_after``: "the border provinces (...)"); foreign units after
a cue of adjoining (``foreign_list_after``); and a unit as the subject of a verb
of having a border or adjoining (``patterns.subject``), with the units chained
to it. What a text says, not geography.
"""

from __future__ import annotations

from bordercoop.facts.base import DocumentFacts, FactType
from bordercoop.text.article import Article, Sentence
from bordercoop.text.phrases import cue
from bordercoop.text.places import Mention

FOREIGN_LIST_REACH = 60  # a foreign unit this close after an adjoining cue


def _scope_end(art: Article, start: int, end: int) -> int:
    """A list runs to the closing bracket it opened, else to ";" or the sentence end."""
    opened = art.folded.find("(", start, end)
    close = art.folded.find(")", start, end)
    semi = art.folded.find(";", start, end)
    if opened != -1 and close != -1 and (semi == -1 or close < semi):
        return close
    return semi if semi != -1 else end


def _subject_units(units: list[Mention], i: int, art: Article) -> list[Mention]:
    """The unit at ``i`` and the units chained to it (``chain_gap``) before it."""
    chain = [units[i]]
    j = i
    gap = art.lang.pattern("province_borders", "chain_gap")
    while j > 0:
        if not gap.fullmatch(art.folded[units[j - 1].end:units[j].start]):
            break
        chain.append(units[j - 1])
        j -= 1
    return chain


def _border_row(province_id: str, neighbour: str, start: int, end: int) -> dict:
    return {"province_id": province_id, "neighbour_country": neighbour, "char_start": start, "char_end": end}


def _listed(art: Article, s: Sentence, units: list[Mention]) -> list[dict]:
    """Units listed after a border-province cue; a foreign unit borders Vietnam, a
    Vietnamese one the neighbour the sentence (else the article) names."""
    rows = []
    foreign_in_sentence = [n.country_code for n in s.names if n.country_code != "VN"]
    for c in cue(art.lang, "province_borders", "list_after").finditer(art.folded, s.start, s.end):
        scope_end = _scope_end(art, c.end(), s.end)
        for u in units:
            if c.end() <= u.start < scope_end:
                neighbour = "VN" if u.country_code != "VN" else (foreign_in_sentence[0] if foreign_in_sentence else art.foreign)
                if neighbour:
                    rows.append(_border_row(u.key, neighbour, s.start, s.end))
    return rows


def _foreign_listed(art: Article, s: Sentence, units: list[Mention]) -> list[dict]:
    """Foreign units right after an adjoining cue border Vietnam."""
    rows = []
    for c in cue(art.lang, "province_borders", "foreign_list_after").finditer(art.folded, s.start, s.end):
        scope_end = _scope_end(art, c.end(), s.end)
        for u in units:
            if c.end() <= u.start < scope_end and u.country_code != "VN" and u.start - c.end() <= FOREIGN_LIST_REACH:
                rows.append(_border_row(u.key, "VN", s.start, s.end))
    return rows


def _subjects(art: Article, s: Sentence, units: list[Mention]) -> list[dict]:
    """"<unit> has ... a border with <country>" / "<unit> adjoins <country>": the
    unit (and the units chained to it) lie on that border."""
    rows = []
    subject = art.lang.pattern("province_borders", "subject")
    for i, u in enumerate(units):
        m = subject.match(art.folded, u.end, s.end)
        if not m:
            continue
        clause_end = min(_scope_end(art, m.end(), s.end), m.end() + 100)
        targets = [n.country_code for n in s.names if m.end() <= n.start < clause_end and n.country_code != u.country_code]
        for code in dict.fromkeys(targets):
            if u.country_code != "VN" and code != "VN":
                continue
            rows.extend(_border_row(sub.key, code, s.start, s.end) for sub in _subject_units(units, i, art) if sub.country_code != code)
    return rows


def extract_province_borders(art: Article) -> list[dict]:
    rows: list[dict] = []
    for s in art.sentences:
        units = [n for n in s.names if n.is_unit]
        sentence = art.folded[s.start:s.end]
        if not units or not any(w in sentence for w in art.lang.words("province_borders", "border_words")):
            continue
        rows += _listed(art, s, units) + _foreign_listed(art, s, units) + _subjects(art, s, units)
    unique: dict[tuple[str, str], dict] = {}
    for r in rows:
        unique.setdefault((r["province_id"], r["neighbour_country"]), r)
    return list(unique.values())


def extract(art: Article, facts: DocumentFacts) -> None:
    doc_id = facts.document.document_id
    rows = extract_province_borders(art)
    facts.table("province_borders").extend({"document_id": doc_id, **r, "method": "rule", "note": ""} for r in rows)


def compare(facts: DocumentFacts) -> set:
    # the written sets list Vietnamese provinces only
    return {(b["province_id"], b["neighbour_country"]) for b in facts.table("province_borders") if b["province_id"].startswith("vn-")}


def expected(entry: dict) -> set:
    return {tuple(x) for x in entry["province_borders"]}


FACT = FactType(
    table="province_borders",
    extract=extract,
    sort_keys=("document_id", "province_id", "neighbour_country"),
    compare=compare,
    expected=expected,
)
