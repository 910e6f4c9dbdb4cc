"""Rules for joint patrols: counts and personnel near a patrol trigger.

Each count ("N patrols", ``[patrols.patterns] count``) near a trigger
(``[patrols] triggers``) starts a patrol fact that runs to the next count;
personnel is the first figure of people (``personnel``) in that stretch, per
side when a per-side phrase stands by it, total when a total phrase does. A
single patrol reported without a number ("conducted a joint patrol":
``single``, not after a habit or plan of ``not_single``) is one patrol with
``count_implied``; an article reports one such patrol, so its mentions and a
personnel figure given a few sentences later are one row. A joint patrol needs
a partner across the border (``bilateral``) and no domestic one
(``unilateral``). Words, units and patterns: ``lang/<code>/patrols.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bordercoop.facts.base import DocumentFacts, FactType, make_id
from bordercoop.lang import Language
from bordercoop.text.article import Article, Sentence
from bordercoop.text.dates import DateExpr, resolve
from bordercoop.text.numbers import parse_count
from bordercoop.text.phrases import anchored, cue

NEAR_TRIGGER = 90
SCOPE_WINDOW = 25  # a per-side or total phrase this close to a personnel figure
NEAR_TRIGGER_PERSONNEL = 160  # personnel without a count, this close to the trigger
SINGLE_RIGHT_BEFORE = 15  # a not_single_right_before word this close before a single patrol
MERGE_SENTENCES = 6  # personnel up to this many sentences after a single patrol belongs to it
ID_PREFIX = "p"


@dataclass
class Segment:
    """The stretch of a sentence that one patrol figure speaks of."""

    start: int
    end: int
    count: re.Match[str] | None
    single: re.Match[str] | None = None


@cache
def _trigger_regex(lang: Language) -> re.Pattern[str]:
    return re.compile(lang.alternation(lang.words("patrols", "triggers")))


@cache
def _total_after(lang: Language) -> re.Pattern[str]:
    """A both-sides phrase right after a personnel figure (the figure is a total)."""
    return re.compile(f"{lang.source('patrols', 'total_after_prefix')}(?:{cue(lang, 'patrols', 'total_after').pattern})")


def _cue(art: Article, name: str) -> re.Pattern[str]:
    return cue(art.lang, "patrols", name)


def _level(art: Article, folded: str, anchor: int) -> str:
    """The level cue nearest to ``anchor`` (the count's offset within ``folded``)."""
    found = [(abs(m.start() - anchor), "post_company") for m in _cue(art, "post_company").finditer(folded)]
    found += [(abs(m.start() - anchor), "provincial") for m in _cue(art, "provincial").finditer(folded)]
    return min(found)[1] if found else "unspecified"


def _scope(art: Article, start: int, end: int, seg: Segment) -> str:
    """total when a both-sides phrase or a breakdown follows the figure ("16
    officers, of whom 8 from each side"); per_side when a per-side phrase stands
    by it; total after a total phrase; else unknown."""
    if _total_after(art.lang).match(art.folded[end:min(seg.end, end + 30)]):
        return "total"
    lo = max(seg.start, start - SCOPE_WINDOW)
    around = art.folded[lo:min(seg.end, end + SCOPE_WINDOW)]
    if _cue(art, "per_side").search(around):
        return "per_side"
    if _cue(art, "total").search(art.folded[lo:start]):
        return "total"
    return "unknown"


def _period(art: Article, s: Sentence, single: bool) -> DateExpr | None:
    """The period figures cover: a month, a year or a span "until now" in the
    sentence (else the article's only such span); for a single patrol, its day."""
    if single:
        days = [d for d in s.dates if d.precision == "day" and not d.anniversary]
        return days[0] if days else None
    periods = [d for d in s.dates if d.until_now or d.precision in {"month", "year"} and not d.anniversary]
    if periods:
        return periods[0]
    review = art.until_now_dates
    return review[0] if len(review) == 1 else None


def _is_rate(art: Article, m: re.Match[str]) -> bool:
    """A count that is a frequency ("once a quarter"): after a ``rate_before``
    phrase or followed by ``[patrols.patterns] rate_after``."""
    if anchored(art.lang, "patrols", "rate_before", "end").search(art.folded[max(0, m.start() - 20):m.start()]):
        return True
    return bool(art.lang.pattern("patrols", "rate_after").match(art.folded, m.end()))


def _counts_patrols(art: Article, m: re.Match[str], trig_pos: list[int]) -> bool:
    """A count is of patrols when it is no frequency, the trigger follows it
    closely or precedes it in the same clause, and the unit is not followed by
    another activity."""
    if _is_rate(art, m):
        return False
    if any(0 <= p - m.end() <= 30 for p in trig_pos):
        return True
    following = art.folded[m.end():m.end() + 25]
    if _cue(art, "other_activity").match(following.lstrip()):
        return False
    return any(0 <= m.start() - p <= NEAR_TRIGGER and ";" not in art.folded[p:m.start()] for p in trig_pos)


def _neighbour(art: Article, s: Sentence, pos: int) -> str | None:
    """The neighbour nearest before ``pos`` in the sentence (one sentence may list
    patrols with two neighbours), else the first named after it, else the article's."""
    foreign = [n for n in s.names if n.country_code != "VN"]
    before = [n for n in foreign if n.start < pos]
    if before:
        return before[-1].country_code
    return foreign[0].country_code if foreign else art.foreign


def _single(art: Article, s: Sentence) -> re.Match[str] | None:
    """The first single patrol of the sentence told as an event (``[patrols.patterns]
    single``): not after a habit, plan or aim (``not_single``) since the last ";",
    nor right after ``not_single_right_before`` ("to conduct a joint patrol")."""
    for m in art.lang.pattern("patrols", "single").finditer(art.folded, s.start, s.end):
        clause = art.folded[art.part_start(s, m.start()):m.start()]
        if _cue(art, "not_single").search(clause):
            continue
        if anchored(art.lang, "patrols", "not_single_right_before", "end").search(art.folded[max(s.start, m.start() - SINGLE_RIGHT_BEFORE):m.start()]):
            continue
        return m
    return None


def _segments(art: Article, s: Sentence, trig_pos: list[int], people: list[re.Match[str]], notes: list[str]) -> list[Segment]:
    """One segment per patrol count (to the next count or ";"), or the whole
    sentence when it tells of a single patrol or gives only personnel close to
    the trigger."""
    counts = [
        m for m in art.lang.pattern("patrols", "count").finditer(art.folded, s.start, s.end)
        if _counts_patrols(art, m, trig_pos) and parse_count(art.lang, m.group("n")) is not None
    ]
    segments = []
    for i, c in enumerate(counts):
        seg_end = counts[i + 1].start() if i + 1 < len(counts) else s.end
        semi = art.folded.find(";", c.end(), seg_end)
        segments.append(Segment(c.start(), semi if semi != -1 else seg_end, c))
    if counts:
        return segments
    single = _single(art, s)
    near = [p for p in people if any(abs(p.start() - t) <= NEAR_TRIGGER_PERSONNEL and ";" not in art.folded[min(t, p.start()):max(t, p.start())] for t in trig_pos)]
    if near or single:
        return [Segment(s.start, s.end, None, single)]
    if people:
        notes.append(f"patrol sentence with personnel far from the patrol trigger: {art.text[s.start:s.end][:120]!r}")
    return []


def _partner(art: Article, s: Sentence, seg: Segment, anchor: int, notes: list[str]) -> str | None:
    """The neighbour of a joint patrol, or None (with a note) when the clause names
    no partner across the border, a domestic one, or no neighbour at all."""
    clause = art.folded[art.part_start(s, anchor):seg.end]
    if not _cue(art, "bilateral").search(clause) or _cue(art, "unilateral").search(clause):
        notes.append(f"patrol figures without a bilateral partner (or with a domestic one), not recorded: {art.text[anchor:seg.end][:100]!r}")
        return None
    country = _neighbour(art, s, anchor)
    if country is None:
        notes.append(f"patrol figures with no neighbour country: {art.text[s.start:s.end][:120]!r}")
    return country


def _in_the_patrols_clause(art: Article, seg: Segment, person: re.Match[str]) -> bool:
    """A figure of people after a comma is the patrols' only when its clause says
    they took part (``[patrols] joined_by``: "..., with 1,080 officers taking
    part"); "..., while the two sides handed over 215 people" is another matter."""
    anchor = seg.count.end() if seg.count else (seg.single.end() if seg.single else seg.start)
    if person.start() <= anchor:
        return True
    comma = art.folded.rfind(",", anchor, person.start())
    if comma == -1:
        return True
    clause_end = art.folded.find(",", person.end(), seg.end)
    clause = art.folded[comma:clause_end if clause_end != -1 else seg.end]
    return bool(_cue(art, "joined_by").search(clause) or _cue(art, "participants").search(clause)
                or _cue(art, "per_side").search(clause) or _cue(art, "total").search(clause))


def _personnel(art: Article, seg: Segment, people: list[re.Match[str]], notes: list[str]) -> re.Match[str] | None:
    """The first personnel figure of the segment that is the patrols' (not in
    another clause), unless it is per patrol."""
    person = next((p for p in people if seg.start <= p.start() < seg.end and _in_the_patrols_clause(art, seg, p)), None)
    if person is not None and _cue(art, "per_patrol").search(art.folded[max(seg.start, person.start() - 25):person.start()]):
        notes.append(f"personnel per patrol, not recorded: {art.text[person.start():person.end()]!r}")
        return None
    return person


def _segment_level(art: Article, s: Sentence, seg: Segment, segments: list[Segment]) -> str:
    level = _level(art, art.folded[seg.start:seg.end], 0)
    if level != "unspecified":
        return level
    # the units doing the patrol are usually named before the count
    prev_end = max([g.count.end() for g in segments if g.count is not None and g.count.end() <= seg.start] or [s.start])
    clause_start = max(prev_end, art.part_start(s, seg.start))
    return _level(art, art.folded[clause_start:seg.end], seg.start - clause_start)


def _evidence(art: Article, s: Sentence, seg: Segment, segments: list[Segment], person: re.Match[str] | None) -> tuple[int, int]:
    """The whole sentence for its only figure; else the segment up to the figure
    (and a per-side phrase right after it)."""
    if len(segments) == 1:
        return s.start, s.end
    ev_end = person.end() if person else seg.count.end()  # type: ignore[union-attr]
    tail = art.lang.pattern("patrols", "evidence_tail").match(art.folded[ev_end:seg.end])
    if tail:
        ev_end += tail.end()
    return seg.start, ev_end


def _patrol_row(art: Article, s: Sentence, seg: Segment, segments: list[Segment], people: list[re.Match[str]],
                main_meeting: dict | None, notes: list[str]) -> dict | None:
    anchor = seg.count.start() if seg.count else seg.start
    country_b = _partner(art, s, seg, anchor, notes)
    if country_b is None:
        return None
    person = _personnel(art, seg, people, notes)
    if seg.count is None and person is None and seg.single is None:
        return None
    implied = seg.count is None and seg.single is not None
    period = _period(art, s, implied)
    resolved = resolve(period, s.dates, art.body_ref, art.doc.published)
    period_end = resolved.end
    if period is not None and period.until_now:
        # "from <date> until now": until the talks that report it, when they come after the start
        meeting_end = main_meeting["date_end"] if main_meeting else None
        period_end = meeting_end if meeting_end and resolved.start and meeting_end >= resolved.start else None
    ev_start, ev_end = _evidence(art, s, seg, segments, person)
    first = seg.count or seg.single or person
    return {
        "anchor": first.start(),  # type: ignore[union-attr]
        "meeting_id_of": main_meeting,
        "country_a": "VN",
        "country_b": country_b,
        "level": _segment_level(art, s, seg, segments),
        "patrol_count": parse_count(art.lang, seg.count.group("n")) if seg.count else 1 if implied else None,
        "count_implied": implied,
        "personnel": parse_count(art.lang, person.group("n")) if person else None,
        "personnel_scope": _scope(art, person.start(), person.end(), seg) if person else "unknown",
        "period_start": resolved.start,
        "period_end": period_end,
        "period_text": period.text if period else "",
        "char_start": ev_start,
        "char_end": ev_end,
    }


def extract_patrols(art: Article, main_meeting: dict | None) -> tuple[list[dict], list[str]]:
    rows: list[dict] = []
    notes: list[str] = []
    trigger = _trigger_regex(art.lang)
    for index, s in enumerate(art.sentences):
        trig_pos = [m.start() for m in trigger.finditer(art.folded, s.start, s.end)]
        if not trig_pos:
            continue
        people = list(art.lang.pattern("patrols", "personnel").finditer(art.folded, s.start, s.end))
        segments = _segments(art, s, trig_pos, people, notes)
        for seg in segments:
            row = _patrol_row(art, s, seg, segments, people, main_meeting, notes)
            if row is not None:
                rows.append({**row, "sentence": index})
    rows = _one_single_patrol(art, rows, notes)
    for row in rows:
        del row["sentence"]
    return rows, notes


def _one_single_patrol(art: Article, rows: list[dict], notes: list[str]) -> list[dict]:
    """An article tells of one single patrol: its mentions are one row (the one
    with personnel, else the first). Without personnel of its own it takes the
    figure of the next patrol row when that row, within ``MERGE_SENTENCES``
    sentences, has neither a count nor a period ("During the operation, both
    sides deployed 48 officers"), else the figure of the next sentence when it
    names the participants (``[patrols] participants``); its evidence then runs
    over both."""
    singles = [r for r in rows if r["count_implied"]]
    if not singles:
        return rows
    keep = next((r for r in singles if r["personnel"] is not None), singles[0])
    if len(singles) > 1:
        notes.append(f"{len(singles)} mentions of a single patrol kept as one (the mention at offset {keep['char_start']})")
    dropped = [r for r in singles if r is not keep]
    if keep["personnel"] is None:
        after = [r for r in rows if 0 < r["sentence"] - keep["sentence"] <= MERGE_SENTENCES]
        figure = after[0] if after else None
        if figure is not None and figure["patrol_count"] is None and not figure["period_text"]:
            keep.update(personnel=figure["personnel"], personnel_scope=figure["personnel_scope"], char_end=figure["char_end"])
            dropped.append(figure)
        else:
            _take_participants(art, keep)
    return [r for r in rows if all(r is not d for d in dropped)]


def _take_participants(art: Article, row: dict) -> None:
    """The personnel figure of the sentence after a single patrol's, when that
    sentence names the participants ("The forces taking part were 18 officers")."""
    if row["sentence"] + 1 >= len(art.sentences):
        return
    s = art.sentences[row["sentence"] + 1]
    if not _cue(art, "participants").search(art.folded, s.start, s.end):
        return
    person = art.lang.pattern("patrols", "personnel").search(art.folded, s.start, s.end)
    if person is None:
        return
    row.update(personnel=parse_count(art.lang, person.group("n")),
               personnel_scope=_scope(art, person.start(), person.end(), Segment(s.start, s.end, None)),
               char_end=max(row["char_end"], s.end))


def extract(art: Article, facts: DocumentFacts) -> None:
    """Patrol rows, linked to the document's first held talks (where the figures
    are usually reported)."""
    meetings = facts.table("meetings")
    main = next((m for m in meetings if m["kind"] in {"talks", "online_talks"} and m["status"] == "held"), None)
    patrols, notes = extract_patrols(art, main)
    facts.notes.extend(notes)
    doc_id = facts.document.document_id
    for p in patrols:
        linked = p.pop("meeting_id_of")
        facts.table("patrols").append({
            "patrol_id": make_id(ID_PREFIX, doc_id, p.pop("anchor")),
            "document_id": doc_id,
            "meeting_id": linked["meeting_id"] if linked else "",
            **p,
            "method": "rule",
            "note": "",
        })


def _comparable(p: dict) -> tuple:
    """A patrol as evaluation compares it; ``count_implied`` may be left out of an
    expected entry when false."""
    return (p["country_b"], p["level"], p["patrol_count"], p.get("count_implied", False), p["personnel"], p["personnel_scope"])


def compare(facts: DocumentFacts) -> set:
    return {_comparable(p) for p in facts.table("patrols")}


def expected(entry: dict) -> set:
    return {_comparable(p) for p in entry["patrols"]}


FACT = FactType(
    table="patrols",
    extract=extract,
    sort_keys=("document_id", "char_start", "patrol_id"),
    compare=compare,
    expected=expected,
    id_prefix=ID_PREFIX,
)
