"""Sentence spans of an article body."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bordercoop.lang import Language


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@cache
def _boundary(lang: Language) -> re.Pattern[str]:
    return re.compile(rf"\n+|(?<=[.!?…])[\s]+(?=[\"“(\[{lang.capitals}0-9])")


def sentences(lang: Language, text: str, start: int, end: int) -> list[Span]:
    """Split ``text[start:end]`` into sentences: at line breaks, and after
    . ! ? … followed by a space and an upper-case letter or a quote, unless the
    dot ends an abbreviation (``[language.patterns] abbreviation``). Leading
    and trailing spaces and "|" table bars are trimmed from each span."""
    spans: list[Span] = []
    cut = start
    abbreviation = lang.pattern("language", "abbreviation")
    for m in _boundary(lang).finditer(text, start, end):
        if m.group(0).startswith("\n") or not abbreviation.search(text[max(cut, m.start() - 6):m.start()]):
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
