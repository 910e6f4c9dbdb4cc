"""Vietnamese text helpers shared by every stage: folding, numbers, sentences.

Everything here keeps string lengths unchanged, so that an offset found in a
folded or masked copy of a text is also an offset into the original NFC text.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

# Capital letters of Vietnamese (and plain Latin), for regex classes: "[" + UPPER + "]".
# (A range such as À-Ỹ would also take lower-case letters.)
UPPER = "A-Z" + "".join(
    c for c in "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
)

# Old-style tone placement ("hoà", "thuỷ") -> new style ("hòa", "thủy") and dash
# variants -> "-". Each replacement has the length of what it replaces.
_TONE_PAIRS = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE_RE = re.compile("|".join(_TONE_PAIRS))
_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "‐": "-", "\u00a0": " "})


@cache
def lexicon() -> dict[str, Any]:
    """The rule vocabulary (``reference/lexicon.toml``)."""
    with open(REFERENCE_DIR / "lexicon.toml", "rb") as fh:
        return tomllib.load(fh)


def fold(text: str) -> str:
    """Lower-case, new-style tone marks, plain dashes; same length as ``text``."""
    lowered = text.lower()
    if len(lowered) != len(text):  # e.g. "İ": keep offsets, fold char by char
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    folded = _TONE_RE.sub(lambda m: _TONE_PAIRS[m.group(0)], lowered)
    return folded.translate(_DASHES)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def phrase_pattern(phrase: str) -> str:
    """Regex source for a lexicon phrase over folded text: any run of spaces or
    dashes between words, whole words only."""
    words = [re.escape(w) for w in re.split(r"[\s\-]+", fold(phrase).strip()) if w]
    body = r"[\s\-]+".join(words) if len(words) > 1 else words[0]
    return rf"(?<![\w]){body}(?![\w])"


def phrases_regex(phrases: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """One alternation, longest phrase first, over folded text (compiled once per
    list of phrases)."""
    return _phrases_regex(tuple(phrases))


@cache
def _phrases_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile("|".join(f"(?:{phrase_pattern(p)})" for p in ordered))


WORD = re.compile(r"\w+")
# Between the words of one phrase: spaces or dashes, or a dot inside "TP.HCM".
_PHRASE_GAP = re.compile(r"[\s\-–—]+|\.(?=\w)")


@dataclass(frozen=True)
class PhraseIndex:
    """Phrases as word tuples -> key, with every prefix, so that a text is scanned
    once, word by word, in time linear in its length (a regex alternation of
    hundreds of phrases is tried at every character and is many times slower)."""

    keys: dict[tuple[str, ...], str]
    prefixes: frozenset[tuple[str, ...]]
    first_words: frozenset[str]

    @classmethod
    def build(cls, phrases: dict[str, str]) -> PhraseIndex:
        """``phrases``: folded phrase -> key."""
        keys = {tuple(WORD.findall(p)): key for p, key in phrases.items()}
        keys.pop((), None)
        prefixes = frozenset(k[:i] for k in keys for i in range(1, len(k) + 1))
        return cls(keys, prefixes, frozenset(k[0] for k in keys))

    def matches_at(self, haystack: str, tokens: list[re.Match[str]], i: int) -> list[tuple[int, str]]:
        """(last token index, key) of every phrase starting at token ``i``, longest first."""
        found: list[tuple[int, str]] = []
        words: tuple[str, ...] = ()
        for j in range(i, len(tokens)):
            if j > i and not _PHRASE_GAP.fullmatch(haystack, tokens[j - 1].end(), tokens[j].start()):
                break
            words += (tokens[j].group(),)
            if words not in self.prefixes:
                break
            if words in self.keys:
                found.append((j, self.keys[words]))
        return found[::-1]

    def find_all(self, haystack: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """(start, end, key) of the longest phrase at each place, left to right."""
        tokens = list(WORD.finditer(haystack, start, end))
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            if tokens[i].group() in self.first_words and (hits := self.matches_at(haystack, tokens, i)):
                j, key = hits[0]
                out.append((tokens[i].start(), tokens[j].end(), key))
                i = j + 1
            else:
                i += 1
        return out


# ---------------------------------------------------------------- numbers

NUMBER_SOURCE = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def parse_vi_number(text: str) -> Decimal:
    """Parse a number written the Vietnamese way: "1.449,566" -> 1449.566,
    "1.080" -> 1080, "383,914" -> 383.914. Raises ValueError otherwise."""
    cleaned = text.strip()
    if not re.fullmatch(NUMBER_SOURCE, cleaned):
        raise ValueError(f"not a Vietnamese number: {text!r}")
    try:
        return parse_decimal(cleaned, locale="vi", strict=True)
    except NumberFormatError as exc:  # pragma: no cover - regex already guards
        raise ValueError(f"not a Vietnamese number: {text!r}") from exc


def parse_count(text: str) -> int | None:
    """A count written in digits ("49", "1.080") or words ("một", "ba", "mười hai")."""
    t = fold(text.strip())
    words: dict[str, int] = lexicon()["numbers"]["words"]
    if t in words:
        return words[t]
    try:
        value = parse_vi_number(t)
    except ValueError:
        return None
    return int(value) if value == value.to_integral_value() else None


def count_words_pattern() -> str:
    words = sorted(lexicon()["numbers"]["words"], key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


# ---------------------------------------------------------------- sentences

@dataclass(frozen=True)
class Span:
    start: int
    end: int


_ABBREV = re.compile(r"(?:\b(?:TP|Tp|ThS|TS|PGS|GS|Th\.S|St|Mr|Dr)|\b[A-ZĐ])\.$")


def sentences(text: str, start: int, end: int) -> list[Span]:
    """Split ``text[start:end]`` into sentences: at line breaks, and after
    . ! ? … followed by a space and an upper-case letter or a quote. Leading
    and trailing spaces and "|" table bars are trimmed from each span."""
    spans: list[Span] = []
    cut = start
    boundary = re.compile(rf"\n+|(?<=[.!?…])[\s]+(?=[\"“(\[{UPPER}0-9])")
    for m in boundary.finditer(text, start, end):
        if m.group(0).startswith("\n") or not _ABBREV.search(text[max(cut, m.start() - 6):m.start()]):
            spans.append(Span(cut, m.start()))
            cut = m.end()
    spans.append(Span(cut, end))
    out = []
    for s in spans:
        a, b = s.start, s.end
        while a < b and text[a] in " \t|":
            a += 1
        while b > a and text[b - 1] in " \t|\r":
            b -= 1
        if b > a:
            out.append(Span(a, b))
    return out
