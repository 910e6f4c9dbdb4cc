"""Rules for border lengths: the length of Vietnam's border with a neighbour, as
a total, its land part or its water part.

A km figure counts only where the sentence names the country pair (or a word
for "the two countries") and the clause is about the border itself, not a
road, a distance, or one province's stretch. Words and patterns:
``lang/<code>/border_lengths.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import pandas as pd

from bordercoop.checks import Issue, csv_line
from bordercoop.facts.base import DocumentFacts, FactType
from bordercoop.lang import Language
from bordercoop.text.article import Article, Sentence
from bordercoop.text.numbers import parse_number, sign_before
from bordercoop.text.phrases import cue
from bordercoop.text.places import Mention

# "932,7/1.137 km": a figure right after another and a slash is the whole.
_RATIO_BEFORE = re.compile(r"\d\s*/\s*$")
# Land + water may differ from the total by this much (rounding of stated figures).
TOLERANCE_KM = Decimal("0.001")


def segments_add_up(total: Decimal | float, land: Decimal | float, water: Decimal | float) -> bool:
    """True when land + water = total to within TOLERANCE_KM."""
    return abs(Decimal(str(land)) + Decimal(str(water)) - Decimal(str(total))) <= TOLERANCE_KM


def segments_disagree(lengths: Mapping[str, Decimal | float], qualified: bool) -> bool:
    """True when total, land and water are all stated exactly (no qualifier such
    as "about" or "more than") and land + water is not the total: the one rule
    extraction and validation share."""
    return (
        not qualified
        and {"total", "land", "water"} <= lengths.keys()
        and not segments_add_up(lengths["total"], lengths["land"], lengths["water"])
    )


@dataclass
class LengthSentence:
    """A sentence that may state border lengths, with what its figures share."""

    s: Sentence
    has_pair: bool
    local_units: list[Mention]
    country: str | None = None  # the neighbour, when the sentence goes on about the previous one's border


def _words(art: Article, name: str) -> re.Pattern[str]:
    return cue(art.lang, "border_lengths", name)


def _mentions_border(art: Article, start: int, end: int) -> bool:
    segment = art.folded[start:end]
    return any(w in segment for w in art.lang.words("border_lengths", "border_words"))


def _local_subject_before(art: Article, s: Sentence, units: list[Mention], pos: int) -> bool:
    """True when, in the same ";"-part of the sentence, a unit with a verb of
    having (``local_verb``) comes before ``pos`` and Vietnam is not named after it
    (a country pair would make it the national border)."""
    part_start = art.part_start(s, pos)
    lead = art.lang.pattern("border_lengths", "lead")
    while part_start > s.start and lead.match(art.folded[part_start:pos].lstrip()):
        # "...; of which the section with Laos ...": a breakdown of the part before
        part_start = art.part_start(s, part_start - 1)
    local_verb = art.lang.pattern("border_lengths", "local_verb")
    subjects = [u for u in units if part_start <= u.start < pos and local_verb.match(art.folded, u.end, u.end + 60)]
    if not subjects:
        return False
    last = subjects[-1].end
    return not any(n.key == "VN" and last <= n.start < pos for n in s.names)


def _length_country(art: Article, s: Sentence, pos: int, pair_end: int) -> str | None:
    """The neighbour of a length: named in the pair right after the number, else
    the nearest country named before it (one sentence may give the borders with
    two neighbours), else the article's."""
    countries = [n for n in s.names if n.is_country and n.key != "VN"]
    after = [n for n in countries if pos < n.start < pair_end]
    if pair_end > pos and after:
        return after[0].country_code
    before = [n for n in countries if n.start < pos]
    if before:
        return before[-1].country_code
    return countries[0].country_code if countries else art.foreign


def _segment_after(art: Article, end: int) -> str | None:
    """The segment a language names right after the figure (``segment_after_land``,
    ``segment_after_water`` patterns, where the language has them)."""
    patterns = art.lang.section("border_lengths").get("patterns", {})
    for segment in ("land", "water"):
        if f"segment_after_{segment}" in patterns and art.lang.pattern("border_lengths", f"segment_after_{segment}").match(art.folded[end:end + 40]):
            return segment
    return None


def _segment(art: Article, clause: str) -> str | None:
    clause = _without_qualifier(art, clause)
    if _words(art, "water").search(clause):
        return "water"
    if _words(art, "land").search(clause):
        return "land"
    if _words(art, "total").search(clause) or art.lang.pattern("border_lengths", "copula_before").search(clause):
        return "total"
    return None


@cache
def _qualifier_regex(lang: Language) -> re.Pattern[str]:
    """A qualifier (``[border_lengths] qualifiers``, longest first) ending the
    folded text it is searched in."""
    alternation = lang.alternation(lang.words("border_lengths", "qualifiers"))
    return re.compile(rf"(?<!\w)(?:{alternation})$" if alternation else r"(?!)")


def _without_qualifier(art: Article, clause: str) -> str:
    """The clause before a figure without its closing qualifier ("is about ")."""
    stripped = clause.rstrip()
    m = _qualifier_regex(art.lang).search(stripped)
    return stripped[:m.start()] if m else clause


def _qualifier(art: Article, clause_start: int, pos: int) -> str:
    """"about", "nearly", "more than"... written right before the figure."""
    before = art.folded[clause_start:pos].rstrip()
    m = _qualifier_regex(art.lang).search(before)
    return art.text[clause_start + m.start():clause_start + len(before)] if m else ""


def _evidence_start(art: Article, clause_start: int, pos: int) -> int:
    """The clause from its first letter or digit, without a lead word (``lead``)."""
    ev_start = clause_start
    while ev_start < pos and not art.text[ev_start].isalnum():
        ev_start += 1
    lead = art.lang.pattern("border_lengths", "lead").match(art.folded[ev_start:pos])
    if lead and lead.end() < pos - ev_start:
        ev_start += lead.end()
    return ev_start


def _is_local(art: Article, ls: LengthSentence, m: re.Match[str], clause_start: int, pair_after: re.Match[str] | None) -> bool:
    """A distance or one unit's stretch, not the country border."""
    near = art.folded[max(clause_start, m.start() - 60):m.start()]
    # "the seven border provinces of ... share a border of 1,450 km with China": the national border
    provinces_listed = art.lang.pattern("border_lengths", "provinces_subject").match(art.folded, ls.s.start)
    local = not pair_after and not provinces_listed and (
        art.lang.pattern("border_lengths", "local_subject").search(near)
        or _local_subject_before(art, ls.s, ls.local_units, m.start())
    )
    not_length = _words(art, "not_length").search(near) and not art.lang.pattern("border_lengths", "province_count").search(near)
    return bool(not_length or local)


def _length_row(art: Article, ls: LengthSentence, m: re.Match[str], clause_start: int, notes: list[str]) -> dict | None:
    s = ls.s
    clause = art.folded[clause_start:m.start()]
    if not (_mentions_border(art, s.start, m.start()) or art.lang.pattern("border_lengths", "border_after").match(art.folded, m.end())):
        return None
    value_text = art.text[m.start("n"):m.end("n")]
    if not ls.has_pair:
        notes.append(f"km figure without a country pair: {value_text} km in {art.text[s.start:s.end][:100]!r}")
        return None
    pair_after = art.lang.pattern("border_lengths", "pair_after").match(art.folded, m.end(), min(s.end, m.end() + 60))
    # "932,7/1.137 km of the Vietnam - Cambodia border": done of the total; the total is the border's length
    of_total = bool(pair_after and _RATIO_BEFORE.search(art.folded, max(0, m.start() - 12), m.start()))
    if not of_total and _is_local(art, ls, m, clause_start, pair_after):
        notes.append(f"km figure is a distance or a local stretch, not a border length: {value_text} km")
        return None
    # "The 1,137-kilometre border between Vietnam and Cambodia", "The 1,449.566 km border, of
    # which ...": a figure naming the border itself (after ``border_determiner``) is its length
    named_border = art.lang.pattern("border_lengths", "border_after").match(art.folded, m.end()) and (
        pair_after or art.lang.pattern("border_lengths", "border_determiner").search(art.folded, max(s.start, m.start() - 12), m.start()))
    segment = "total" if of_total else _segment_after(art, m.end()) or _segment(art, clause) or ("total" if named_border else None)
    if segment is None:
        notes.append(f"km figure with no border segment word: {value_text} km")
        return None
    pair_end = m.end() + (pair_after.end() - m.end() + 20 if pair_after else 0)
    return {
        "country_a": "VN",
        "country_b": ls.country or _length_country(art, s, m.start(), pair_end),
        "segment": segment,
        "length_km": sign_before(art.text, m.start("n")) * parse_number(art.lang, value_text),  # bounds judge a sign
        "qualifier": _qualifier(art, clause_start, m.start()),
        "char_start": _evidence_start(art, clause_start, m.start()),
        "char_end": m.end(),
    }


def _pair_of(s: Sentence) -> str | None:
    """The neighbour of a sentence that names Vietnam and exactly one neighbour."""
    foreign = {c for c in s.countries() if c != "VN"}
    return next(iter(foreign)) if "VN" in s.countries() and len(foreign) == 1 else None


def _length_sentence(art: Article, s: Sentence, before: Sentence | None) -> LengthSentence | None:
    """A sentence that may state a border length. Its figures have a country pair
    when it names Vietnam and a neighbour, speaks of "the two countries" or "the
    common border" in an article about one neighbour, or names no country after
    a sentence that named the pair ("The 1,449.566 km border, of which ...")."""
    if not _mentions_border(art, s.start, s.end) or not art.lang.pattern("border_lengths", "km").search(art.folded, s.start, s.end):
        return None
    foreign = [c for c in s.countries() if c != "VN"]
    pair_word = cue(art.lang, "sides", "pair").search(art.folded[s.start:s.end]) or _words(art, "shared").search(art.folded[s.start:s.end])
    has_pair = bool(("VN" in s.countries() and foreign) or (pair_word and art.foreign))
    ls = LengthSentence(s, has_pair, [n for n in s.names if n.is_unit])
    if not has_pair and not s.countries() and before is not None and _pair_of(before):
        ls.has_pair, ls.country = True, _pair_of(before)
    return ls


def extract_lengths(art: Article) -> tuple[list[dict], list[str]]:
    rows: list[dict] = []
    notes: list[str] = []
    previous: list[dict] = []  # rows of the sentence before
    for i, s in enumerate(art.sentences):
        ls = _length_sentence(art, s, art.sentences[i - 1] if i else None)
        if ls is None:
            previous = []
            continue
        if not ls.has_pair and previous and art.lang.pattern("border_lengths", "continues_previous").match(art.folded, s.start):
            # "Of this, the land border is ...": the border of the sentence before
            ls.has_pair, ls.country = True, previous[-1]["country_b"]
        here: list[dict] = []
        prev_end = s.start
        for m in art.lang.pattern("border_lengths", "km").finditer(art.folded, s.start, s.end):
            row = _length_row(art, ls, m, prev_end, notes)
            prev_end = m.end()
            if row is not None:
                here.append(row)
        _total_before_breakdown(art, here)
        rows += here
        previous = here
    return _dedupe(rows, notes), notes


def _total_before_breakdown(art: Article, here: list[dict]) -> None:
    """"The land border is 1,449.566 km, of which 1,065.652 km on land and 383.914
    km on rivers": a figure followed in its sentence by a breakdown (``lead``) into
    land and water is the total."""
    if len(here) < 3 or {r["segment"] for r in here[1:]} < {"land", "water"} or here[0]["segment"] == "water":
        return
    if art.lang.pattern("border_lengths", "lead").search(art.folded, here[0]["char_end"], here[1]["char_end"]):
        here[0]["segment"] = "total"


def _dedupe(rows: list[dict], notes: list[str]) -> list[dict]:
    """One row per (pair, segment): the first statement; a later, different figure
    is noted. An exact total that land + water do not add up to drops land and water."""
    kept: dict[tuple[str, str, str], dict] = {}
    for r in rows:
        key = (r["country_a"], r["country_b"], r["segment"])
        if key in kept:
            if kept[key]["length_km"] != r["length_km"]:
                notes.append(f"second, different {r['segment']} length {r['length_km']} km kept out (first: {kept[key]['length_km']})")
            continue
        kept[key] = r
    by_pair: dict[tuple[str, str], dict[str, dict]] = {}
    for (a, b, seg), r in kept.items():
        by_pair.setdefault((a, b), {})[seg] = r
    for (a, b), segs in by_pair.items():
        lengths = {seg: r["length_km"] for seg, r in segs.items()}
        if segments_disagree(lengths, qualified=any(r["qualifier"] for r in segs.values())):
            total = lengths["land"] + lengths["water"]
            notes.append(f"{a}-{b}: land + water = {total} km is not the total {segs['total']['length_km']} km; land and water dropped")
            del kept[(a, b, "land")]
            del kept[(a, b, "water")]
    return list(kept.values())


def extract(art: Article, facts: DocumentFacts) -> None:
    lengths, notes = extract_lengths(art)
    facts.notes.extend(notes)
    doc_id = facts.document.document_id
    facts.table("border_lengths").extend({"document_id": doc_id, **r, "method": "rule", "note": ""} for r in lengths)


def compare(facts: DocumentFacts) -> set:
    return {(r["country_b"], r["segment"], float(r["length_km"])) for r in facts.table("border_lengths")}


def expected(entry: dict) -> set:
    return {(r["country_b"], r["segment"], float(r["length_km"])) for r in entry["border_lengths"]}


def _segments_by_pair(frame: pd.DataFrame) -> list[tuple[tuple, dict]]:
    """The groups of ``groupby(["document_id", "country_a", "country_b"], sort=True)``
    as ``((doc, a, b), {segment: (length_km, index, qualifier or "")})``: a repeated
    segment keeps its last row, rows with a missing key are left out, keys sorted."""
    groups: dict[tuple, dict] = {}
    names = ("document_id", "country_a", "country_b", "segment", "length_km", "qualifier")
    rows = zip(frame.index.tolist(), *(frame[c].tolist() for c in names), strict=True)
    for index, doc, a, b, segment, length, qualifier in rows:
        if pd.isna(doc) or pd.isna(a) or pd.isna(b):
            continue
        groups.setdefault((doc, a, b), {})[segment] = (length, index, "" if pd.isna(qualifier) else qualifier)
    return sorted(groups.items(), key=lambda item: item[0])


def check_sums(frames: dict[str, pd.DataFrame]) -> list[Issue]:
    """Land + water = total (±TOLERANCE_KM) where all three are stated exactly."""
    issues = []
    for (doc, a, b), segs in _segments_by_pair(frames["border_lengths"]):
        lengths = {seg: length for seg, (length, _, _) in segs.items()}
        if segments_disagree(lengths, qualified=any(q for _, _, q in segs.values())):
            total, land, water = lengths["total"], lengths["land"], lengths["water"]
            issues.append(Issue("border_lengths", csv_line(segs["total"][1]), "length_km",
                                f"{doc} {a}-{b}: land {land} + water {water} = {land + water:.3f} km, not the total {total} km"))
    return issues


FACT = FactType(
    table="border_lengths",
    extract=extract,
    sort_keys=("document_id", "country_a", "country_b", "segment"),
    compare=compare,
    expected=expected,
    checks=(check_sums,),
)
