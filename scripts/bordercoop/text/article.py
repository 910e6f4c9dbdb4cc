"""The shared reading of one article that every extraction rule works from.

``read_article`` masks what is not prose (image lines, personal names), splits
the body into sentences, and finds place names and dates once, so the rules in
``facts/`` only decide what the found pieces mean. The article's language
(``doc.language``) says which ``lang/`` resources are used.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from bordercoop.lang import Language, language
from bordercoop.stages.ingest import Document
from bordercoop.text.dates import DateExpr, body_year, find_dates, reference_years
from bordercoop.text.phrases import cue
from bordercoop.text.places import Mention, find_names, person_spans
from bordercoop.text.sentences import Span, sentences

# Markdown image lines and links: not prose in any language.
_IMAGE_LINE = re.compile(r"^[ \t|]*!\[.*$|\[[^\]]*\]\(https?://[^)]*\)", re.MULTILINE)


@dataclass
class Sentence:
    start: int
    end: int
    names: list[Mention] = field(default_factory=list)
    dates: list[DateExpr] = field(default_factory=list)
    is_caption: bool = False

    def countries(self) -> list[str]:
        return [n.country_code for n in self.names]


@dataclass
class Article:
    doc: Document
    lang: Language
    folded: str  # lang.fold(text) with images, datelines and personal names blanked
    sentences: list[Sentence]
    names: list[Mention]
    dates: list[DateExpr]
    body_ref: DateExpr | None
    foreign: str | None  # the neighbour country the article is mostly about
    neighbours: list[str]  # every neighbour country named, most named first
    title_folded: str

    @property
    def text(self) -> str:
        return self.doc.text

    @cached_property
    def until_now_dates(self) -> list[DateExpr]:
        """The dates that run "until now" (review periods), in text order: listed
        once per article, so that a rule asking for each figure stays linear."""
        return [d for d in self.dates if d.until_now]

    def sentence_at(self, pos: int) -> Sentence:
        s = _containing(self.sentences, pos)
        if s is None:
            raise ValueError(pos)
        return s

    def part_start(self, s: Sentence, pos: int) -> int:
        """Where the ";"-separated part of sentence ``s`` that holds ``pos`` starts."""
        return max(s.start, self.folded.rfind(";", s.start, pos) + 1)

    def mentions_both_sides(self, s: Sentence, start: int | None = None, end: int | None = None, words: str = "both") -> bool:
        """The sentence (or its part from ``start`` to ``end``) speaks of both sides
        (``[sides] both``, or the stricter list ``words``) or names Vietnam and a
        neighbour as a pair (``[sides.patterns] country_pair_gap`` between them)."""
        start = s.start if start is None else start
        end = s.end if end is None else end
        if cue(self.lang, "sides", words).search(self.folded, start, end):
            return True
        countries = [n for n in s.names if n.is_country and start <= n.start and n.end <= end]
        gap = self.lang.pattern("sides", "country_pair_gap")
        return any("VN" in {a.country_code, b.country_code} and a.country_code != b.country_code
                   and gap.match(self.folded[a.end:b.start]) for a, b in itertools.pairwise(countries))


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def read_article(doc: Document) -> Article:
    lang = language(doc.language)
    text = doc.text
    chars = list(lang.fold(text))
    for m in _IMAGE_LINE.finditer(text, doc.body_start, doc.body_end):
        _blank(chars, m.start(), m.end())
    folded = "".join(chars)
    datelines = list(lang.pattern("common", "dateline", re.MULTILINE).finditer(text, doc.body_start, doc.body_end))
    for m in datelines:  # where and when the report was filed, not an event's
        _blank(chars, m.start(), m.end())
    for a, b in person_spans(lang, text, folded, doc.body_start, doc.body_end):
        _blank(chars, a, b)
    folded = "".join(chars)

    names = find_names(lang, text, folded, doc.body_start, doc.body_end)
    dates = find_dates(lang, text, folded, doc.body_start, doc.body_end)
    spans: list[Span] = sentences(lang, text, doc.body_start, doc.body_end)
    dateline_end = {m.start(): m.end() for m in datelines}
    sents = [
        Sentence(dateline_end.get(s.start, s.start), s.end, is_caption=_is_caption(lang, text, s.start, s.end))
        for s in spans
        if dateline_end.get(s.start, s.start) < s.end
    ]
    by_start = sorted(sents, key=lambda s: s.start)
    for item in names:
        _attach(by_start, item.start, "names", item)
    for d in dates:
        _attach(by_start, d.start, "dates", d)

    title_end = doc.body_start
    title_names = find_names(lang, text, folded, 0, title_end)
    weights: Counter[str] = Counter()
    for n in [*names, *title_names]:
        if n.country_code != "VN":
            weights[n.country_code] += 1
    first_seen = {n.country_code: i for i, n in reversed(list(enumerate([*title_names, *names])))}
    neighbours = sorted(weights, key=lambda c: (-weights[c], first_seen[c]))
    foreign = neighbours[0] if neighbours else None
    return Article(
        doc=doc,
        lang=lang,
        folded=folded,
        sentences=sents,
        names=names,
        dates=dates,
        body_ref=body_year([d for d in reference_years(lang, folded, dates) if not _planned_before(lang, folded, by_start, d)]),
        foreign=foreign,
        neighbours=neighbours,
        title_folded=folded[:title_end],
    )


def _containing(sents: list[Sentence], pos: int) -> Sentence | None:
    """The sentence of ``sents`` (sorted by start, not overlapping) that holds
    ``pos``: a binary search, so that reading an article stays linear in its length."""
    i = bisect.bisect_right(sents, pos, key=lambda s: s.start) - 1
    if i >= 0 and sents[i].start <= pos < sents[i].end:
        return sents[i]
    return None


def _attach(sents: list[Sentence], pos: int, attr: str, item: object) -> None:
    s = _containing(sents, pos)
    if s is not None:
        getattr(s, attr).append(item)


def _is_caption(lang: Language, text: str, start: int, end: int) -> bool:
    """Image captions: a short "| ... |" line, or one crediting a photo."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end != -1 else len(text)].strip()
    if lang.pattern("common", "photo_credit").search(line):
        return True
    return line.startswith("|") and line.endswith("|") and len(line) < 200


def _planned_before(lang: Language, folded: str, sents: list[Sentence], d: DateExpr) -> bool:
    """A date in a sentence that announces plans (``[meetings] planned`` before
    it) is not the article's time and lends no year."""
    s = _containing(sents, d.start)
    return s is not None and bool(cue(lang, "meetings", "planned").search(folded, s.start, d.start))
