"""Place names: the gazetteer, countries, and where either is named in a text.

The gazetteer is reference data (``reference/gazetteer.csv``); this module only
reads it and finds its names (and aliases) in text, tolerant of tone-mark
placement, dashes and spacing, and strict about capitals: "hòa bình" (peace) is
not "Hòa Bình" (the province).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from vntext import REFERENCE_DIR, UPPER, fold, lexicon, phrase_pattern, strip_accents

GAZETTEER_PATH = REFERENCE_DIR / "gazetteer.csv"


@dataclass(frozen=True)
class Place:
    province_id: str
    country_code: str
    name_vi: str
    level: str
    parent_id: str


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    key: str  # province_id, or a country code for country mentions
    country_code: str
    surface: str

    @property
    def is_country(self) -> bool:
        return self.key == self.country_code

    @property
    def is_unit(self) -> bool:
        return not self.is_country


class GazetteerError(ValueError):
    pass


@cache
def gazetteer_rows() -> tuple[dict[str, str], ...]:
    with open(GAZETTEER_PATH, encoding="utf-8", newline="") as fh:
        rows = tuple(csv.DictReader(fh))
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if row["province_id"] in seen:
            raise GazetteerError(f"{GAZETTEER_PATH.name}: row {line}: duplicate province_id {row['province_id']!r}")
        seen.add(row["province_id"])
    return rows


@cache
def places() -> dict[str, Place]:
    return {
        r["province_id"]: Place(r["province_id"], r["country_code"], r["name_vi"], r["level"], r["parent_id"])
        for r in gazetteer_rows()
    }


def _names_of(row: dict[str, str]) -> list[str]:
    names = [row["name_vi"]] + [a for a in row["aliases"].split("|") if a.strip()]
    return [n.strip() for n in names]


def _compile(entries: dict[str, str]) -> re.Pattern[str]:
    """entries: folded name -> key. Longest names first so "Lào Cai" beats "Lào"."""
    ordered = sorted(entries, key=lambda n: (-len(n), n))
    return re.compile("|".join(f"(?P<g{i}>{phrase_pattern(n)})" for i, n in enumerate(ordered))), ordered  # type: ignore[return-value]


@cache
def _place_matcher() -> tuple[re.Pattern[str], list[str], dict[str, str]]:
    by_name: dict[str, str] = {}
    for row in gazetteer_rows():
        for name in _names_of(row):
            key = fold(name)
            other = by_name.get(key)
            if other and other != row["province_id"]:
                raise GazetteerError(f"{GAZETTEER_PATH.name}: name {name!r} used by {other} and {row['province_id']}")
            by_name[key] = row["province_id"]
    # country names compete in the same alternation so that the longest wins
    for code, names in lexicon()["countries"].items():
        for name in names:
            by_name.setdefault(fold(name), f"country:{code}")
    pattern, ordered = _compile(by_name)
    return pattern, ordered, by_name


def bare(text: str) -> str:
    """Lower case without any diacritics, same length ("Xa-vẳn-na-khệt" ->
    "xa-van-na-khet"): foreign names are transliterated with varying tones."""
    return "".join(strip_accents(c)[:1] or c for c in text.lower())


@cache
def _foreign_bare_matcher() -> tuple[re.Pattern[str], list[str], dict[str, str]]:
    """Accent-blind names of non-Vietnamese units (6+ letters, to stay clear of
    ordinary Vietnamese words)."""
    by_name: dict[str, str] = {}
    for row in gazetteer_rows():
        if row["country_code"] == "VN":
            continue
        for name in _names_of(row):
            key = bare(name)
            if len(key.replace(" ", "").replace("-", "")) >= 6:
                by_name.setdefault(key, row["province_id"])
    pattern, ordered = _compile(by_name)
    return pattern, ordered, by_name


@cache
def _not_after() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in lexicon()["places"]["not_after"])
    return re.compile(rf"(?:^|[^\w])(?:{words})\s+$")


def find_names(text: str, folded: str, start: int, end: int) -> list[Mention]:
    """Every gazetteer unit and country named in ``text[start:end]``.

    ``folded`` is ``vntext.fold(text)`` (possibly with masked spans blanked). A
    match counts only if it starts with a capital letter in ``text`` and does not
    follow a word such as "thủy điện" or "sông" that makes it another place."""
    found = _scan(text, folded, start, end, *_place_matcher())
    taken = [(m.start, m.end) for m in found]
    bare_text = bare(folded[:end])
    for m in _scan(text, bare_text, start, end, *_foreign_bare_matcher()):
        if not any(a < m.end and m.start < b for a, b in taken):
            found.append(m)
    return sorted(found, key=lambda m: m.start)


def _scan(text: str, haystack: str, start: int, end: int, pattern: re.Pattern[str],
          ordered: list[str], by_name: dict[str, str]) -> list[Mention]:
    found: list[Mention] = []
    pos = start
    while (m := pattern.search(haystack, pos, end)) is not None:
        surface = text[m.start():m.end()]
        if not _capitalised(surface) or _not_after().search(fold(text[max(0, m.start() - 20):m.start()])):
            pos = m.start() + 1  # a shorter name may still start inside this one
            continue
        pos = m.end()
        key = by_name[ordered[int(m.lastgroup[1:])]]  # type: ignore[index]
        if key.startswith("country:"):
            code = key.split(":", 1)[1]
            found.append(Mention(m.start(), m.end(), code, code, surface))
        else:
            found.append(Mention(m.start(), m.end(), key, places()[key].country_code, surface))
    return found


_TYPE_WORDS = ("khu ", "châu ", "thành phố ", "tỉnh ", "thủ đô ", "tp ", "tp.")


def _capitalised(surface: str) -> bool:
    """Place names are written with capitals: "Hòa Bình", or a lower-case type
    word before a capitalised name ("châu Hồng Hà")."""
    if surface[:1].isupper():
        return True
    low = fold(surface)
    return low.startswith(_TYPE_WORDS) and surface.split()[-1][:1].isupper()


@cache
def _title_regex() -> re.Pattern[str]:
    titles = sorted((fold(t) for t in lexicon()["persons"]["titles"]), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(t) for t in titles)})\s+")


_CAP_WORD = re.compile(rf"[{UPPER}][\w-]*(?:[ ][{UPPER}][\w-]*)*")


def person_spans(text: str, folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of personal names: runs of two or more capitalised words right after
    a title ("ông Kiều Hải Nam", "Bí thư Lưu Ninh"); a single capitalised word is
    more often the start of a body ("Trưởng Ban Ngoại vụ")."""
    spans = []
    for m in _title_regex().finditer(folded, start, end):
        name = _CAP_WORD.match(text, m.end(), end)
        if name and " " in name.group(0) and not _title_regex().match(folded, name.start()):
            name_start = _skip_place_prefix(folded, name.start(), name.end())
            if name_start >= name.end():
                continue
            # a title word followed by an organisation ("Bộ trưởng Bộ Ngoại giao") is not a name
            first = text[name_start:name.end()].split(" ")[0]
            if first in {"Bộ", "Sở", "Ban", "Ủy", "Cục", "Tổng", "Quân", "Đảng", "Chính", "Khu", "Tỉnh", "UBND", "Hội", "Đồn", "Văn"}:
                continue
            spans.append((name_start, name.end()))
    return spans


def _skip_place_prefix(folded: str, start: int, end: int) -> int:
    """Move past country or place names that open a capitalised run
    ("Trung Quốc Tập Cận Bình" -> "Tập Cận Bình")."""
    pattern = _place_matcher()[0]
    while start < end:
        m = pattern.match(folded, start, end)
        if not m:
            break
        start = m.end()
        while start < end and folded[start] == " ":
            start += 1
    return start
