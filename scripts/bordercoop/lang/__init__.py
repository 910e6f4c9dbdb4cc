"""Languages: everything the rules know about one language, read from its folder.

``lang/<code>/*.toml`` hold the words, phrases, regex patterns, date patterns and
number forms of a language; ``language(code)`` loads them into a ``Language``
that the generic engine (``text/``, ``facts/``) is handed. No module outside
this folder knows a word of any language.

Every TOML file in a language folder is a set of top-level sections
(``[meetings]``, ``[dates]``...); the files of one folder are merged and a
section may be defined only once. Inside a section:

- lists of phrases are matched case-insensitively after the language's folding;
- ``[<section>.patterns]`` are regular expressions over folded text. They may
  use placeholders: ``<<name>>`` is the fragment ``name`` of the same section's
  ``[<section>.fragments]`` (else of ``[common.fragments]``); ``<<capitals>>``
  is the language's capital letters, ``<<number>>`` its number pattern,
  ``<<count_words>>`` its counts in words; ``<<words:section.key>>`` is an
  alternation of the phrases listed at ``section.key``, longest first.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bordercoop.paths import LANGUAGES

_PLACEHOLDER = re.compile(r"<<([\w:.]+)>>")
# Dash variants and no-break space -> plain forms; one character each, so folding
# keeps string lengths (offsets found in folded text hold in the original).
_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "‐": "-", "\u00a0": " "})


class LanguageError(ValueError):
    pass


@dataclass(frozen=True, eq=False)
class Language:
    """One language's resources. Instances are singletons (``language(code)``),
    hashed by identity, so functions may cache on them."""

    code: str
    data: dict[str, Any]
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------ lookups
    def section(self, name: str) -> dict[str, Any]:
        try:
            return self.data[name]
        except KeyError:
            raise LanguageError(f"language {self.code}: no section [{name}] in lang/{self.code}/*.toml") from None

    def words(self, section: str, key: str) -> list[str]:
        """A list of phrases at ``section.key``."""
        value = self.section(section).get(key)
        if value is None:
            raise LanguageError(f"language {self.code}: no list {key!r} in [{section}]")
        return list(value)

    def get(self, section: str, key: str, default: Any = None) -> Any:
        return self.section(section).get(key, default)

    @property
    def locale(self) -> str:
        """The babel locale for numbers."""
        return self.section("language")["locale"]

    @property
    def capitals(self) -> str:
        """Capital letters for regex classes: "[" + capitals + "]"."""
        return self.section("language")["capitals"]

    # ------------------------------------------------------------ folding
    def fold(self, text: str) -> str:
        """Lower case, the language's spelling variants unified, plain dashes; the
        result has the length of ``text``."""
        lowered = text.lower()
        if len(lowered) != len(text):  # e.g. "İ": keep offsets, fold char by char
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        folded = _fold_variants(self)(lowered)
        return folded.translate(_DASHES)

    # ------------------------------------------------------------ patterns
    def source(self, section: str, name: str) -> str:
        """The regex source of pattern ``name`` of ``section``, placeholders expanded."""
        patterns = self.section(section).get("patterns", {})
        if name not in patterns:
            raise LanguageError(f"language {self.code}: no pattern {name!r} in [{section}.patterns]")
        return self.expand(section, patterns[name])

    def pattern(self, section: str, name: str, flags: int = 0) -> re.Pattern[str]:
        key = f"{section}.{name}.{flags}"
        if key not in self._compiled:
            self._compiled[key] = re.compile(self.source(section, name), flags)
        return self._compiled[key]

    def expand(self, section: str, source: str) -> str:
        def replace(m: re.Match[str]) -> str:
            name = m.group(1)
            if name == "capitals":
                return self.capitals
            if name == "number":
                return self.source("language", "number")
            if name == "count_words":  # counts written as words, longest first
                return self.alternation(list(self.section("numbers")["words"]))
            if name.startswith("words:"):
                where, key = name[len("words:"):].rsplit(".", 1)
                return self.alternation(self.words(where, key))
            for where in (section, "common"):
                fragments = self.data.get(where, {}).get("fragments", {})
                if name in fragments:
                    return self.expand(where, fragments[name])
            raise LanguageError(f"language {self.code}: unknown placeholder <<{name}>> in [{section}]")

        return _PLACEHOLDER.sub(replace, source)

    def alternation(self, phrases: list[str]) -> str:
        """Folded, escaped phrases, longest first, joined by "|"."""
        folded = sorted((self.fold(p) for p in phrases), key=len, reverse=True)
        return "|".join(re.escape(p) for p in folded)


@cache
def _fold_variants(lang: Language):
    """A function replacing the language's same-length spelling variants
    (``[language] fold_variants``) in lower-cased text."""
    pairs: dict[str, str] = lang.section("language").get("fold_variants", {})
    for a, b in pairs.items():
        if len(a) != len(b):
            raise LanguageError(f"language {lang.code}: fold variant {a!r} -> {b!r} changes the length")
    if not pairs:
        return lambda s: s
    regex = re.compile("|".join(re.escape(a) for a in pairs))
    return lambda s: regex.sub(lambda m: pairs[m.group(0)], s)


def available() -> tuple[str, ...]:
    """Codes of the languages that have a folder, sorted."""
    return tuple(sorted(p.name for p in LANGUAGES.iterdir() if p.is_dir() and (p / "language.toml").is_file()))


@cache
def language(code: str) -> Language:
    folder = LANGUAGES / code
    if not (folder / "language.toml").is_file():
        raise LanguageError(f"no language {code!r}: expected {folder}/language.toml (have: {', '.join(available())})")
    data: dict[str, Any] = {}
    for path in sorted(folder.glob("*.toml")):
        with open(path, "rb") as fh:
            content = tomllib.load(fh)
        for name, value in content.items():
            if name in data:
                raise LanguageError(f"{path}: section [{name}] is already defined in another file of lang/{code}")
            data[name] = value
    return Language(code, data)


_WORDS = re.compile(r"[^\W\d_]+")


def detect(text: str) -> str:
    """The code of the language ``text`` is most likely written in: each language
    scores the share of its words that contain one of its ``marker_letters`` or
    are one of its ``marker_words`` (``[language]``); ties go to the first code."""
    words = _WORDS.findall(text.lower())
    if not words:
        return available()[0]
    scores = []
    for code in available():
        spec = language(code).section("language")
        letters = set(spec.get("marker_letters", ""))
        markers = set(spec.get("marker_words", []))
        hits = sum(1 for w in words if w in markers or (letters and not letters.isdisjoint(w)))
        scores.append((-hits, code))
    return min(scores)[1]
