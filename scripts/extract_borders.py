"""Rules for border facts: country-pair border lengths, provinces said to lie on a
border, and every gazetteer unit named in the body.

Lengths: "Việt Nam và Trung Quốc có tổng chiều dài đường biên giới là
1.449,566 km, trong đó, đường biên giới trên đất liền là 1.065,652 km, đường biên
giới nước là 383,914km". A km figure counts only where the sentence names the
country pair (or "hai nước") and the clause is about the border itself, not a
road, a distance, or one province's stretch ("tỉnh có 139,6 km đường biên giới").
"""

from __future__ import annotations

import re
from functools import cache

from article import Article
from border_rules import segments_disagree
from places import places
from vntext import NUMBER_SOURCE, fold, lexicon, parse_vi_number, phrases_regex

_KM = re.compile(rf"(?<![\w.,])(?P<n>{NUMBER_SOURCE})\s*km(?![²2\w])")
# After a unit: "(cũ)", "(sau hợp nhất với tỉnh X)", "là địa phương", "là một trong những tỉnh" ... "có"
_UNIT_PREDICATE = (
    r"\s*(?:\([^()]{0,80}\)\s*)?(?:mới\s+|hiện\s+|hiện nay\s+|cũ\s+)?"
    r"(?:là\s+(?:một\s+trong\s+(?:những|các)\s+|một\s+)?(?:tỉnh|địa phương|đơn vị|huyện|thành phố)(?:\s+\w+){0,2}?\s+)?"
)
_LOCAL_VERB = re.compile(_UNIT_PREDICATE + r"(?:có|với|dài|quản lý|phụ trách)(?!\w)")
# "hơn 2.337 km đường biên giới Việt Nam - Lào": the pair follows the number
_PAIR_AFTER = re.compile(r"\s*(?:đường\s+|tuyến\s+)?biên\s+giới\s+(?:trên\s+đất\s+liền\s+|đất\s+liền\s+)?(?:giữa\s+)?(?:hai\s+nước|việt\s+nam\s*(?:-|và|với)\s*\w)")
_LOCAL_SUBJECT = re.compile(r"(?<!\w)(tỉnh|huyện|xã|đồn|thành phố|tp|địa bàn)\s+(?!\d)")


def _words(name: str) -> re.Pattern[str]:
    return phrases_regex(lexicon()["border_lengths"][name])


@cache
def _not_length() -> re.Pattern[str]:
    return phrases_regex(lexicon()["border_lengths"]["not_length"])


def _local_subject_before(art: Article, s, units: list, pos: int) -> bool:
    """True when, in the same ";"-part of the sentence, a unit with a verb of
    having ("Quảng Ninh có ...", "Đồng Nai là tỉnh có ...") comes before ``pos``
    and no country pair ("Việt Nam - Trung Quốc") is named after it."""
    part_start = max(s.start, art.folded.rfind(";", s.start, pos) + 1)
    subjects = [u for u in units if part_start <= u.start < pos and _LOCAL_VERB.match(art.folded, u.end, u.end + 30)]
    if not subjects:
        return False
    last = subjects[-1].end
    return not any(n.key == "VN" and last <= n.start < pos for n in s.names)


def _length_country(art: Article, s, pos: int, pair_end: int) -> str | None:
    """The neighbour of a length: named in the pair right after the number, else
    the nearest country named before it ("với Lào dài 2.337,459 km và với
    Campuchia dài 1.137 km"), else the article's."""
    countries = [n for n in s.names if n.is_country and n.key != "VN"]
    after = [n for n in countries if pos < n.start < pair_end]
    if pair_end > pos and after:
        return after[0].country_code
    before = [n for n in countries if n.start < pos]
    if before:
        return before[-1].country_code
    return countries[0].country_code if countries else art.foreign


def _segment(clause: str) -> str | None:
    if _words("water").search(clause):
        return "water"
    if _words("land").search(clause):
        return "land"
    if _words("total").search(clause) or re.search(r"(?<!\w)là\s*$", clause):
        return "total"
    return None


def extract_lengths(art: Article) -> tuple[list[dict], list[str]]:
    rows: list[dict] = []
    notes: list[str] = []
    for s in art.sentences:
        sent = art.folded[s.start:s.end]
        if "biên giới" not in sent or "km" not in sent:
            continue
        foreign = [c for c in s.countries() if c != "VN"]
        has_pair = ("VN" in s.countries() and foreign) or (phrases_regex(lexicon()["sides"]["pair"]).search(sent) and art.foreign)
        local_units = [n for n in s.names if n.is_unit]
        prev_end = s.start
        for m in _KM.finditer(art.folded, s.start, s.end):
            clause_start = prev_end
            prev_end = m.end()
            clause = art.folded[clause_start:m.start()]
            if "biên giới" not in clause and "biên giới" not in art.folded[s.start:m.start()]:
                continue
            value_text = art.text[m.start("n"):m.end("n")]
            if not has_pair:
                notes.append(f"km figure without a country pair: {value_text} km in {art.text[s.start:s.end][:100]!r}")
                continue
            near = art.folded[max(clause_start, m.start() - 60):m.start()]
            pair_after = _PAIR_AFTER.match(art.folded, m.end(), min(s.end, m.end() + 60))
            local = not pair_after and (_LOCAL_SUBJECT.search(near) or _local_subject_before(art, s, local_units, m.start()))
            if _not_length().search(near) and not re.search(r"\d+\s+tỉnh", near) or local:
                notes.append(f"km figure is a distance or a local stretch, not a border length: {value_text} km")
                continue
            segment = _segment(clause)
            if segment is None:
                notes.append(f"km figure with no border segment word: {value_text} km")
                continue
            qualifier = ""
            before = art.folded[clause_start:m.start()].rstrip()
            for q in sorted(lexicon()["border_lengths"]["qualifiers"], key=len, reverse=True):
                if re.search(rf"(?<!\w){re.escape(fold(q))}$", before):
                    qualifier = art.text[clause_start + len(before) - len(q):clause_start + len(before)]
                    break
            ev_start = clause_start
            while ev_start < m.start() and not art.text[ev_start].isalnum():
                ev_start += 1
            lead = re.match(r"(?:trong đó|trong số đó|bao gồm|gồm)\s*[,:]?\s*", art.folded[ev_start:m.start()])
            if lead and lead.end() < m.start() - ev_start:
                ev_start += lead.end()
            country_b = _length_country(art, s, m.start(), m.end() + (pair_after.end() - m.end() + 20 if pair_after else 0))
            rows.append({
                "country_a": "VN",
                "country_b": country_b,
                "segment": segment,
                "length_km": parse_vi_number(value_text),
                "qualifier": qualifier,
                "char_start": ev_start,
                "char_end": m.end(),
            })
    return _dedupe(rows, notes), notes


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


@cache
def _list_cue() -> re.Pattern[str]:
    return phrases_regex(lexicon()["province_borders"]["list_after"])


@cache
def _foreign_list_cue() -> re.Pattern[str]:
    return phrases_regex(lexicon()["province_borders"]["foreign_list_after"])


@cache
def _subject_regex() -> re.Pattern[str]:
    """After a unit (and its "(sau hợp nhất với ...)", "là địa phương", "- những
    địa phương cùng"): "có (chung) ... đường biên giới" or "giáp (với)"."""
    verbs = sorted((re.escape(fold(v)) for v in lexicon()["province_borders"]["subject_verbs"]), key=len, reverse=True)
    apposition = r"(?:\s*[-–]\s*(?:những|các)\s+(?:địa phương|tỉnh)\s+)?(?:cùng\s+)?"
    return re.compile(
        _UNIT_PREDICATE + apposition
        + rf"(?:(?:{'|'.join(verbs)})(?!\w)[^.;]{{0,60}}?(?:đường|tuyến)\s+biên\s+giới|(?:tiếp\s+)?giáp(?:\s+ranh)?(?:\s+với)?\s+(?=\w))"
    )


def _scope_end(art: Article, start: int, end: int) -> int:
    """A list runs to the closing bracket it opened, else to ";" or the sentence end."""
    opened = art.folded.find("(", start, end)
    close = art.folded.find(")", start, end)
    semi = art.folded.find(";", start, end)
    if opened != -1 and close != -1 and (semi == -1 or close < semi):
        return close
    return semi if semi != -1 else end


_CHAIN_GAP = re.compile(r"\s*(?:,|hoặc)\s*|\s*,?\s*và\s+(?:(?:tỉnh|thành phố|tp)\s+)?")


def _subject_units(units: list, i: int, art: Article) -> list:
    """The unit at ``i`` and the units chained to it by ", " or " và " before it."""
    chain = [units[i]]
    j = i
    while j > 0:
        gap = art.folded[units[j - 1].end:units[j].start]
        if not _CHAIN_GAP.fullmatch(gap):
            break
        chain.append(units[j - 1])
        j -= 1
    return chain


def extract_province_borders(art: Article) -> tuple[list[dict], list[str]]:
    """Units a sentence says lie on a border: lists after "tiếp giáp giữa", "các
    tỉnh biên giới (...)", "đoạn biên giới này trước đây thuộc"; subjects of
    "<unit> có ... km đường biên giới với <country>"; foreign units after
    "tiếp giáp" in a sentence about the border."""
    rows: list[dict] = []
    for s in art.sentences:
        units = [n for n in s.names if n.is_unit]
        if not units or "biên giới" not in art.folded[s.start:s.end]:
            continue
        foreign_in_sentence = [n.country_code for n in s.names if n.country_code != "VN"]
        for cue in _list_cue().finditer(art.folded, s.start, s.end):
            scope_end = _scope_end(art, cue.end(), s.end)
            for u in units:
                if cue.end() <= u.start < scope_end:
                    neighbour = "VN" if u.country_code != "VN" else (foreign_in_sentence[0] if foreign_in_sentence else art.foreign)
                    if neighbour:
                        rows.append(_border_row(u.key, neighbour, s.start, s.end))
        for cue in _foreign_list_cue().finditer(art.folded, s.start, s.end):
            scope_end = _scope_end(art, cue.end(), s.end)
            for u in units:
                if cue.end() <= u.start < scope_end and u.country_code != "VN" and u.start - cue.end() <= 60:
                    rows.append(_border_row(u.key, "VN", s.start, s.end))
        for i, u in enumerate(units):
            m = _subject_regex().match(art.folded, u.end, s.end)
            if not m:
                continue
            clause_end = min(_scope_end(art, m.end(), s.end), m.end() + 100)
            targets = [n.country_code for n in s.names if m.end() <= n.start < clause_end and n.country_code != u.country_code]
            for code in dict.fromkeys(targets):
                if u.country_code != "VN" and code != "VN":
                    continue
                for subject in _subject_units(units, i, art):
                    if subject.country_code != code:
                        rows.append(_border_row(subject.key, code, s.start, s.end))
    unique: dict[tuple[str, str], dict] = {}
    for r in rows:
        unique.setdefault((r["province_id"], r["neighbour_country"]), r)
    return list(unique.values()), []


def _border_row(province_id: str, neighbour: str, start: int, end: int) -> dict:
    return {"province_id": province_id, "neighbour_country": neighbour, "char_start": start, "char_end": end}


def extract_mentions(art: Article) -> list[dict]:
    return [
        {"province_id": n.key, "char_start": n.start, "char_end": n.end, "surface": n.surface}
        for n in art.names
        if n.key in places()
    ]
