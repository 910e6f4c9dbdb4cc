"""Place names: the gazetteer, countries, and where either is named in a text.

The gazetteer is reference data (``reference/gazetteer.csv``); this module only
reads it and finds its names (and aliases) in text, tolerant of spelling
variants (the language's folding), dashes and spacing, and strict about
capitals: a province named after a common noun is only the province when
written with a capital.
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass
from functools import cache

from bordercoop.lang import Language
from bordercoop.paths import REFERENCE
from bordercoop.text.phrases import WORD, PhraseIndex, anchored, strip_accents

GAZETTEER_PATH = REFERENCE / "gazetteer.csv"


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


def _names_of(lang: Language, row: dict[str, str]) -> list[str]:
    """A unit's names as the language writes them: the gazetteer columns its
    ``[places] name_columns`` lists, then every alias."""
    names = [row[c] for c in lang.words("places", "name_columns") if row[c].strip()]
    names += [a for a in row["aliases"].split("|") if a.strip()]
    return list(dict.fromkeys(n.strip() for n in names))


@cache
def _place_index(lang: Language) -> PhraseIndex:
    by_name: dict[str, str] = {}
    for row in gazetteer_rows():
        for name in _names_of(lang, row):
            key = lang.fold(name)
            other = by_name.get(key)
            if other and other != row["province_id"]:
                raise GazetteerError(f"{GAZETTEER_PATH.name}: name {name!r} used by {other} and {row['province_id']}")
            by_name[key] = row["province_id"]
    # country names compete with unit names so that the longest wins (a province named after its country)
    for code, names in lang.section("countries").items():
        for name in names:
            by_name.setdefault(lang.fold(name), f"country:{code}")
    return PhraseIndex.build(by_name)


def bare(text: str) -> str:
    """Lower case without any diacritics, same length: foreign names are
    transliterated with varying tone marks."""
    return text.lower().translate(_bare_table())


@cache
def _bare_table() -> dict[int, str]:
    """Each Latin letter with diacritics (U+00C0 to U+024F, U+1E00 to U+1EFF) ->
    its base letter."""
    table = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = strip_accents(chr(code))
        if len(base) == 1 and base != chr(code):
            table[code] = base
    return table


@cache
def _foreign_bare_index(lang: Language) -> PhraseIndex:
    """Accent-blind names of non-Vietnamese units (6+ letters, to stay clear of
    ordinary words)."""
    by_name: dict[str, str] = {}
    for row in gazetteer_rows():
        if row["country_code"] == "VN":
            continue
        for name in _names_of(lang, row):
            key = bare(name)
            if sum(len(w) for w in WORD.findall(key)) >= 6:
                by_name.setdefault(key, row["province_id"])
    return PhraseIndex.build(by_name)


@cache
def _not_after(lang: Language) -> re.Pattern[str]:
    words = "|".join(re.escape(lang.fold(w)) for w in lang.words("places", "not_after"))
    return re.compile(rf"(?:^|[^\w])(?:{words})\s+$")


def find_names(lang: Language, text: str, folded: str, start: int, end: int) -> list[Mention]:
    """Every gazetteer unit and country named in ``text[start:end]``.

    ``folded`` is ``lang.fold(text)`` (possibly with masked spans blanked). A
    match counts only if it starts with a capital letter in ``text`` and does not
    follow a word (``[places] not_after``: a power plant, a river) that makes it
    another place; otherwise a shorter name starting there may still count."""
    found = _scan(lang, text, folded, start, end, _place_index(lang))
    bare_folded = bare(folded[:end])
    for more in (_scan(lang, text, bare_folded, start, end, _foreign_bare_index(lang)),
                 _scan_joined(lang, text, bare_folded, start, end)):
        taken = sorted(found, key=lambda m: m.start)  # not overlapping: each pass adds only what overlaps nothing
        found += [m for m in more if not _overlaps(taken, m)]
    return sorted(found, key=lambda m: m.start)


def _overlaps(taken: list[Mention], m: Mention) -> bool:
    """Whether ``m`` overlaps a mention of ``taken`` (sorted, not overlapping):
    only the last one starting before ``m`` ends can, so a binary search finds it."""
    i = bisect.bisect_left(taken, m.end, key=lambda t: t.start) - 1
    return i >= 0 and taken[i].end > m.start


JOINED_MAX_SYLLABLES = 6
_SYLLABLE_GAP = re.compile(r"[ \-]")


@cache
def _joined_index() -> dict[str, str]:
    """Non-Vietnamese unit names with accents, spaces and hyphens removed
    ("Sa-ra-van", "Sa Ra Van" and "Saravan" are one key), 7+ letters."""
    by_name: dict[str, str] = {}
    for row in gazetteer_rows():
        if row["country_code"] == "VN":
            continue
        names = [row["name_vi"], row["name_en"], *row["aliases"].split("|")]
        for name in names:
            key = re.sub(r"[^a-z]", "", bare(name))
            if len(key) >= 7:
                by_name.setdefault(key, row["province_id"])
    return by_name


def _scan_joined(lang: Language, text: str, haystack: str, start: int, end: int) -> list[Mention]:
    """Foreign names written syllable by syllable ("Sa Ra Van", "Xa-van-na-khet"):
    runs of capitalised syllables joined by a space or hyphen whose letters,
    joined, are a name of ``_joined_index``; the longest run wins."""
    tokens = list(WORD.finditer(haystack, start, end))
    index = _joined_index()
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        hit = None
        if text[tokens[i].start()].isupper() and not _not_after(lang).search(lang.fold(text[max(0, tokens[i].start() - 20):tokens[i].start()])):
            joined = ""
            for j in range(i, min(len(tokens), i + JOINED_MAX_SYLLABLES)):
                if j > i and not _SYLLABLE_GAP.fullmatch(haystack[tokens[j - 1].end():tokens[j].start()]):
                    break
                joined += tokens[j].group()
                if joined in index:
                    hit = (j, index[joined])
        if hit is not None and _city(lang, text, tokens[i].start(), tokens[hit[0]].end(), hit[1]):
            hit = None
        if hit is None:
            i += 1
            continue
        j, key = hit
        a, b = tokens[i].start(), tokens[j].end()
        found.append(Mention(a, b, key, places()[key].country_code, text[a:b]))
        i = j + 1
    return found


def _scan(lang: Language, text: str, haystack: str, start: int, end: int, index: PhraseIndex) -> list[Mention]:
    tokens = list(WORD.finditer(haystack, start, end))
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        if tokens[i].group() not in index.first_words:
            i += 1
            continue
        accepted = None
        for j, key in index.matches_at(haystack, tokens, i):
            a, b = tokens[i].start(), tokens[j].end()
            surface = text[a:b]
            if _capitalised(lang, surface) and not _not_after(lang).search(lang.fold(text[max(0, a - 20):a])) and not _city(lang, text, a, b, key):
                accepted = (j, a, b, key, surface)
                break
        if accepted is None:
            i += 1
            continue
        j, a, b, key, surface = accepted
        if key.startswith("country:"):
            code = key.split(":", 1)[1]
            found.append(Mention(a, b, code, code, surface))
        else:
            found.append(Mention(a, b, key, places()[key].country_code, surface))
        i = j + 1
    return found


def _city(lang: Language, text: str, a: int, b: int, key: str) -> bool:
    """A foreign province named as a city ("the city of Luang Prabang", "Luang
    Prabang City": ``[places] city_before`` / ``city_after``) is the city, not the
    province. Vietnamese municipalities and foreign capitals are their city."""
    place = places().get(key)
    if place is None or place.country_code == "VN" or place.level != "province":
        return False
    if anchored(lang, "places", "city_before", "end").search(lang.fold(text[max(0, a - 15):a])):
        return True
    return bool(anchored(lang, "places", "city_after", "start").match(lang.fold(text[b:b + 10]).lstrip(" ")))


def _capitalised(lang: Language, surface: str) -> bool:
    """Place names are written with capitals, or with a lower-case type word
    (``[places] type_words``) before a capitalised name."""
    if surface[:1].isupper():
        return True
    low = lang.fold(surface)
    return low.startswith(tuple(lang.words("places", "type_words"))) and surface.split()[-1][:1].isupper()


@cache
def _title_regex(lang: Language) -> re.Pattern[str]:
    titles = sorted((lang.fold(t) for t in lang.words("persons", "titles")), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(t) for t in titles)})\s+")


@cache
def _capword(lang: Language) -> re.Pattern[str]:
    return re.compile(rf"[{lang.capitals}][\w-]*(?:[ ][{lang.capitals}][\w-]*)*")


def person_spans(lang: Language, text: str, folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of personal names: runs of two or more capitalised words right after
    a title (``[persons] titles``); a single capitalised word is more often the
    start of a body's name, and so is a run whose first word is listed in
    ``[persons] body_words``."""
    spans = []
    body_words = set(lang.words("persons", "body_words"))
    for m in _title_regex(lang).finditer(folded, start, end):
        name = _capword(lang).match(text, m.end(), end)
        if name and " " in name.group(0) and not _title_regex(lang).match(folded, name.start()):
            name_start = _skip_place_prefix(lang, folded, name.start(), name.end())
            if name_start >= name.end():
                continue
            if text[name_start:name.end()].split(" ")[0] in body_words:
                continue
            spans.append((name_start, name.end()))
    return spans


def _skip_place_prefix(lang: Language, folded: str, start: int, end: int) -> int:
    """Move past country or place names that open a capitalised run (a country
    name before a leader's name)."""
    index = _place_index(lang)
    while start < end:
        tokens = list(WORD.finditer(folded, start, end))
        if not tokens or tokens[0].start() != start:
            break
        matches = index.matches_at(folded, tokens, 0)
        if not matches:
            break
        start = tokens[matches[0][0]].end()
        while start < end and folded[start] == " ":
            start += 1
    return start
