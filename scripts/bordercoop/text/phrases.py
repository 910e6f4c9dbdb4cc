"""Finding a language's phrases in folded text: regex alternations for short
lists, and a word index (``PhraseIndex``) for long ones such as place names.

Every function works on folded text (``Language.fold``), which has the length of
the original, so an offset found here is an offset into the article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from bordercoop.lang import Language

WORD = re.compile(r"\w+")
# Between the words of one phrase: spaces or dashes, or a dot inside an abbreviation ("X.Y").
_PHRASE_GAP = re.compile(r"[\s\-–—]+|\.(?=\w)")


def _base_letter(c: str) -> str:
    """The base letter of ``c``: its canonical decomposition without combining
    marks, or for a Latin letter with a stroke or bar (which does not decompose)
    the letter its Unicode name says it is built on."""
    base = "".join(x for x in unicodedata.normalize("NFD", c) if unicodedata.category(x) != "Mn")
    if base == c and not c.isascii():
        m = re.match(r"LATIN (SMALL|CAPITAL) LETTER (\w) WITH ", unicodedata.name(c, ""))
        if m:
            return m.group(2).lower() if m.group(1) == "SMALL" else m.group(2)
    return base


def strip_accents(text: str) -> str:
    """Base letters only: for accent-blind comparison."""
    return "".join(_base_letter(c) for c in text)


def phrase_pattern(lang: Language, phrase: str) -> str:
    """Regex source for a phrase over folded text: any run of spaces or dashes
    between words, whole words only."""
    words = [re.escape(w) for w in re.split(r"[\s\-]+", lang.fold(phrase).strip()) if w]
    body = r"[\s\-]+".join(words) if len(words) > 1 else words[0]
    return rf"(?<![\w]){body}(?![\w])"


def phrases_regex(lang: Language, phrases: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """One alternation, longest phrase first, over folded text (compiled once per
    list of phrases)."""
    return _phrases_regex(lang, tuple(phrases))


@cache
def _phrases_regex(lang: Language, phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile("|".join(f"(?:{phrase_pattern(lang, p)})" for p in ordered))


def cue(lang: Language, section: str, key: str) -> re.Pattern[str]:
    """The phrases at ``section.key`` as one regex (see :func:`phrases_regex`)."""
    return phrases_regex(lang, lang.words(section, key))


@cache
def anchored(lang: Language, section: str, key: str, anchor: str) -> re.Pattern[str]:
    """The words at ``section.key`` as a plain alternation: ``end`` = they end the
    searched text (after a non-word character or its start), ``start`` = they open
    it, anything else = whole words anywhere."""
    alternation = lang.alternation(lang.words(section, key))
    if not alternation:  # an empty list matches nothing
        return re.compile(r"(?!)")
    if anchor == "end":
        return re.compile(rf"(?:^|[^\w])(?:{alternation})\s*$")
    if anchor == "start":
        return re.compile(rf"^(?:{alternation})")
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


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
