"""Rules for meetings: talks, online talks, visits and exchanges, with their parties.

A trigger phrase ("talks", "visit"...: the lists ``online_talks``, ``talks``,
``visit``, ``exchange`` and ``other`` of ``[meetings]``) is an event when it has
its own date (an afternoon date such as "9/12, ... talks" opening the sentence, a
"visit to Vietnam from the 26th to 30-8") or is referred to as a specific event
("at the talks", "talks chaired by Mr ...": after a phrase of ``[meetings]
definite_before`` or before one of ``definite_after``). Generic mentions
("maintain the mechanism of regular talks", "the Minutes of the 2024 Talks": after
a phrase of ``blocked_before`` or ``generic_sentence``, or in a sentence with a
``habitual`` phrase) are not. Mentions of the same kind are one meeting unless
their dates differ.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from bordercoop.checks import Issue, column_values, csv_line
from bordercoop.facts.base import DocumentFacts, FactType, make_id
from bordercoop.lang import Language
from bordercoop.text.article import Article, Sentence
from bordercoop.text.dates import DateExpr, Resolved, is_document_date, resolve, resolve_nearest
from bordercoop.text.phrases import PhraseIndex, anchored, cue
from bordercoop.text.places import Mention, places

FAMILY = {"talks": "talks", "online_talks": "talks", "visit": "visit", "exchange": "exchange", "other": "other"}
KINDS = ("online_talks", "talks", "visit", "exchange", "other")
DATE_AFTER_WINDOW = 130
SENTENCE_START_WINDOW = 25
CANCELLED_AFTER_WINDOW = 60
PLAN_CLAUSE_WINDOW = 90


_PARENS = re.compile(r"\([^()]*\)")


@dataclass
class Trigger:
    kind: str
    start: int
    end: int
    sentence: Sentence
    date: DateExpr | None = None
    definite: bool = False


@dataclass
class MeetingDraft:
    anchor: Trigger
    kind: str
    mentions: list[Trigger] = field(default_factory=list)
    cancelled: bool = False


@cache
def _trigger_index(lang: Language) -> PhraseIndex:
    """Every trigger phrase (folded) -> its kind."""
    return PhraseIndex.build({lang.fold(p): kind for kind in KINDS for p in lang.words("meetings", kind)})


def find_triggers(art: Article) -> list[Trigger]:
    found: list[Trigger] = []
    last_day: DateExpr | None = None
    for s in art.sentences:
        here = [Trigger(kind, a, b, s) for a, b, kind in _trigger_index(art.lang).find_all(art.folded, s.start, s.end)]
        here = [t for t in here if not anchored(art.lang, "meetings", "blocked_before", "end").search(art.folded[max(s.start, t.start - 25):t.start])]
        here = _merge_listed(art, here)
        usable = _event_dates(art, s)
        _assign_dates(art, s, here, usable)
        _same_occasion(art, s, here, last_day)
        last_day = next((d for d in reversed(usable) if d.precision in {"day", "month"}), last_day)
        dated_sentence = any(t.date is not None for t in here)
        for t in here:
            t.definite = _is_definite(art, s, t, dated_sentence)
        found.extend(t for t in here if t.definite)
    return found


def _is_definite(art: Article, s: Sentence, t: Trigger, dated_sentence: bool) -> bool:
    """A trigger is a specific meeting when it has a date, is pointed to ("at the
    talks"), is followed by a ``definite_after`` phrase or opens its sentence;
    not when undated in a generic sentence or after a habit. In a sentence with
    a dated meeting ("paid an official visit ... late last month, during which
    he held talks") every trigger but a habitual one is specific."""
    before = art.folded[max(s.start, t.start - 25):t.start]
    after = art.folded[t.end:min(s.end, t.end + 25)]
    pointed = bool(anchored(art.lang, "meetings", "definite_before", "end").search(before))
    habitual = bool(anchored(art.lang, "meetings", "habitual", "any").search(art.folded, s.start, t.start))
    definite = bool(
        t.date is not None
        or pointed
        or anchored(art.lang, "meetings", "definite_after", "start").match(" " + after.lstrip(" "))
        or t.start == s.start
    )
    if t.date is None and not pointed and anchored(art.lang, "meetings", "generic_sentence", "any").search(art.folded, s.start, t.start):
        definite = False
    if t.date is None and habitual:
        definite = False
    return definite or (dated_sentence and not habitual)


def _opening(art: Article, s: Sentence) -> int:
    """Where a sentence's own words begin: after a speaker's label ("Col. Phong:",
    an interview's "Name: answer") when it has one."""
    label = art.lang.pattern("meetings", "speaker_label").match(art.folded, s.start, s.end)
    return label.end() if label else s.start


def _same_occasion(art: Article, s: Sentence, triggers: list[Trigger], last_day: DateExpr | None) -> None:
    """A sentence opening with "on the same day" or "on this occasion" (``[meetings]
    same_occasion``) tells of the date last named: its triggers without a day of
    their own take it (a later quarter is then the period reviewed), unless
    they are plans announced on the occasion."""
    if last_day is None or not anchored(art.lang, "meetings", "same_occasion", "any").search(art.folded, s.start, min(s.end, s.start + SENTENCE_START_WINDOW)):
        return
    for t in triggers:
        if _status(art, t) == "planned":  # announced on the occasion, held later
            continue
        if t.date is None or (t.date.precision != "day" and last_day.precision == "day"):
            t.date = last_day


_KIND_PRIORITY = ("online_talks", "talks", "exchange", "visit", "other")


def _merge_listed(art: Article, triggers: list[Trigger]) -> list[Trigger]:
    """Triggers listed together name one programme ("a programme of meetings and
    friendship exchanges": only ``[meetings.patterns] list_gap`` between them):
    one trigger of the most specific kind."""
    merged: list[Trigger] = []
    for t in triggers:
        prev = merged[-1] if merged else None
        if prev is not None and art.lang.pattern("meetings", "list_gap").fullmatch(art.folded[prev.end:t.start]):
            kind = min(prev.kind, t.kind, key=_KIND_PRIORITY.index)
            merged[-1] = Trigger(kind, prev.start, t.end, prev.sentence)
        else:
            merged.append(t)
    return merged


def _event_dates(art: Article, s: Sentence) -> list[DateExpr]:
    """The sentence's dates that can be an event's: not a span "until now", not
    a commemorated date, not a treaty's or agreement's date ("signed on 18
    November 2009")."""
    return [d for d in s.dates if not d.until_now and not d.anniversary and not is_document_date(art.lang, art.folded, d)]


def _assign_dates(art: Article, s: Sentence, triggers: list[Trigger], usable: list[DateExpr]) -> None:
    """Give each trigger the date written right after it (not a period that
    starts "since" it: ``[meetings] since``), else the date that opens the
    sentence (an afternoon date such as "9/12, ..."). A date serves one trigger
    only."""
    claimed: set[int] = set()
    for i, t in enumerate(triggers):
        limit = triggers[i + 1].start if i + 1 < len(triggers) else s.end
        setting = _as_setting(art, t)
        after = [
            d for d in usable
            if t.end <= d.start < limit and id(d) not in claimed
            and (d.start < t.end + DATE_AFTER_WINDOW or _told_as_taking_place(art.lang, art.folded[t.end:d.start]))
            and _same_clause(art.lang, art.folded[t.end:d.start], d.precision)
            and not (setting and d.precision != "day" and re.search(r"[,;:]", art.folded[t.end:d.start]))
            and not anchored(art.lang, "meetings", "since", "any").search(art.folded, t.end, d.start)
        ]
        if after:
            # the most precise date of the trigger's clause ("in 2026 ... in the first quarter of 2026":
            # the quarter; "the fourth-quarter talks ... in December 2025": December)
            best = min(after, key=lambda d: (_RANK[d.precision], _months_wide(d), d.start))
            t.date = best
            claimed.add(id(best))
    opening = [d for d in usable if d.start - _opening(art, s) <= SENTENCE_START_WINDOW and id(d) not in claimed]
    for t in triggers:
        if not opening:
            break
        if t.date is None or (t.date.precision != "day" and opening[0].precision == "day"):
            t.date = opening.pop(0)
            claimed.add(id(t.date))
    _clause_dates(art, s, triggers, usable, claimed)
    _dates_before(art, s, triggers, usable, claimed)


CLAUSE_DATE_WINDOW = 200


def _clause_dates(art: Article, s: Sentence, triggers: list[Trigger], usable: list[DateExpr], claimed: set[int]) -> None:
    """A date that opens a clause (after ``[meetings.patterns] clause_opening_date``:
    "the report said that, on 18 April, in ..., the two sides held talks") serves the first
    undated trigger of that clause, within ``CLAUSE_DATE_WINDOW`` characters and
    with no ";" or other trigger between them."""
    opening = art.lang.pattern("meetings", "clause_opening_date")
    for d in usable:
        if id(d) in claimed or not opening.search(art.folded, max(s.start, d.start - 20), d.start):
            continue
        nxt = next((t for t in triggers if t.start >= d.end), None)
        if nxt is None or nxt.date is not None or nxt.start - d.end > CLAUSE_DATE_WINDOW or ";" in art.folded[d.end:nxt.start]:
            continue
        if any(d.end <= t.start < nxt.start for t in triggers if t is not nxt):
            continue
        nxt.date = d
        claimed.add(id(d))


def _dates_before(art: Article, s: Sentence, triggers: list[Trigger], usable: list[DateExpr], claimed: set[int]) -> None:
    """In a language that puts the date before the event's name ("signed documents
    on Monday to set up twinning relations", "in September we held talks":
    ``[meetings] date_before_window`` characters), an undated trigger takes the
    day or month date right before it in the same clause (no punctuation and no
    other trigger between)."""
    window = art.lang.get("meetings", "date_before_window", 0)
    for i, t in enumerate(triggers):
        if t.date is not None or not window:
            continue
        floor = max(s.start, t.start - window, triggers[i - 1].end if i else s.start)
        before = [d for d in usable if floor <= d.start and d.end <= t.start and d.precision in {"day", "month"}
                  and id(d) not in claimed and not re.search(r"[,;:.!?()]", art.folded[d.end:t.start])]
        if before:
            t.date = before[-1]
            claimed.add(id(t.date))




def _as_setting(art: Article, t: Trigger) -> bool:
    """The trigger names the setting of what follows ("At the talks, the two sides
    reviewed 2024": ``[meetings] setting_before``): a month or year after it,
    beyond a comma, is the period reviewed, not the meeting's date ("at the talks
    of November 2024" keeps its month)."""
    before = art.folded[max(t.sentence.start, t.start - 25):t.start]
    return bool(anchored(art.lang, "meetings", "setting_before", "end").search(before))


def _told_as_taking_place(lang: Language, between: str) -> bool:
    """The text between a trigger and a later date ends with "took place (on)" or
    another ``[meetings] continuation`` phrase: the date is the trigger's,
    however long the names of the parties between them."""
    if re.search(r"[;.!?]", between):
        return False
    rest = lang.pattern("meetings", "time_adverbial").sub("", between.rstrip())
    return bool(anchored(lang, "meetings", "continuation", "end").search(rest))


def _same_clause(lang: Language, between: str, precision: str) -> bool:
    """A date after a trigger is the trigger's unless it opens a new clause
    (", on 28 March 2025, the forces ...": ``[meetings.patterns]
    clause_opening_date``, unless a ``[meetings] continuation`` phrase ends the
    gap). A month or year must stand in the trigger's own clause; a clause that
    goes on about the same event (", expected to take place in Q3/2025": it opens
    with a ``continuation`` phrase) counts as the same."""
    if lang.pattern("meetings", "clause_opening_date").search(between) and not anchored(lang, "meetings", "continuation", "end").search(between):
        return False
    if precision == "day":
        return True
    rest = _PARENS.sub("", between)
    last_break = max(rest.rfind(","), rest.rfind(";"), rest.rfind(":"))
    if last_break == -1:
        return True
    tail = rest[last_break + 1:].strip()
    # ", working in Kratie province in April 2026": a time adverbial of the same predicate
    # (the clause ends in ``[meetings.patterns] time_adverbial``)
    return bool(anchored(lang, "meetings", "continuation", "start").match(tail) or (";" not in rest and lang.pattern("meetings", "time_adverbial").search(tail)))


def _resolve(art: Article, t: Trigger) -> Resolved:
    """The trigger's date as bounds: a plan's year puts it on or after the
    publication date, a meeting called off the nearer of the two readings."""
    status = _status(art, t)
    if status == "cancelled":
        return resolve_nearest(t.date, t.sentence.dates, art.body_ref, art.doc.published)
    return resolve(t.date, t.sentence.dates, art.body_ref, art.doc.published, status == "planned")


def _announced(art: Article, t: Trigger) -> bool:
    """A plan stated right before the trigger, in the same clause (a phrase of
    ``[meetings] planned``): "will hold the next talks" is another meeting than the
    one being reported."""
    before = art.folded[max(t.sentence.start, t.start - 25):t.start]
    clause = re.split(r"[,;:]", before)[-1]
    return bool(anchored(art.lang, "meetings", "planned", "any").search(clause))


def _status(art: Article, t: Trigger) -> str:
    """Planned or cancelled when a cue stands just before the trigger or between
    the trigger and its own date ("will visit", "will be held from the 20th"): the
    phrases of ``[meetings] planned`` and ``cancelled``."""
    s = t.sentence
    lo = max(s.start, t.start - 40)
    # "In November we will receive a delegation of ... for annual talks": a plan stated
    # earlier in the trigger's clause
    breaks = [s.start + m.end() for m in re.finditer(r"[,;:]", art.folded[s.start:t.start])]
    lo = min(lo, max([s.start, t.start - PLAN_CLAUSE_WINDOW, *breaks]))
    hi = t.date.start if t.date and t.date.start > t.end else t.end
    window = art.folded[lo:hi]
    # a cancellation is often told after the date: "..., expected on 28/10/2025 in ..., has been postponed"
    after = (t.date.end if t.date and t.date.start > t.end else t.end) + CANCELLED_AFTER_WINDOW
    if anchored(art.lang, "meetings", "cancelled", "any").search(art.folded, lo, min(s.end, after)):
        return "cancelled"
    if anchored(art.lang, "meetings", "planned", "any").search(window):
        return "planned"
    return "held"




def _venue(art: Article, t: Trigger) -> str:
    """The place after the word for "at" before the trigger or just after it
    (``[meetings.patterns] venue``, kept when it starts as ``venue_start`` says and
    cut at ``venue_end``; not for visits, whose destination is a country)."""
    if t.kind == "visit":
        return ""
    s = t.sentence
    for m in art.lang.pattern("meetings", "venue").finditer(art.folded, s.start, min(s.end, t.end + 60)):
        raw = art.text[m.start(1):m.end(1)].strip()
        if art.lang.pattern("meetings", "venue_start").match(raw) and not any(a == 0 for a, _, _ in _trigger_index(art.lang).find_all(art.lang.fold(raw), 0, len(raw))):
            return art.lang.pattern("meetings", "venue_end").split(raw)[0].strip().rstrip(".!?…")
    return ""


_RANK = {"day": 0, "month": 1, "year": 2}


def _months_wide(d: DateExpr) -> int:
    """How many months a month-precision expression spans beyond its first (a
    quarter: 2); 0 for days."""
    if d.precision != "month" or d.month1 is None:
        return 0
    return ((d.year2 or 0) - (d.year1 or 0)) * 12 + (d.month2 or d.month1) - d.month1


def _group_dated(art: Article, triggers: list[Trigger]) -> list[MeetingDraft]:
    """Dated mentions, most precise first: one meeting per kind family, status
    and compatible date."""
    drafts: list[MeetingDraft] = []
    bounds: dict[int, tuple] = {}
    for t in triggers:
        if t.date is not None:
            r = _resolve(art, t)
            bounds[id(t)] = (r.start, r.end, t.date.text, t.date.precision)
    dated = sorted((t for t in triggers if t.date is not None), key=lambda t: (_RANK[t.date.precision], t.start))  # type: ignore[union-attr]
    for t in dated:
        same = [
            d for d in drafts
            if FAMILY[d.kind] == FAMILY[t.kind] and _status(art, d.anchor) == _status(art, t)
            and _compatible(bounds[id(d.anchor)], bounds[id(t)])
        ]
        if same:
            same[0].mentions.append(t)
        else:
            drafts.append(MeetingDraft(t, t.kind, [t]))
    return sorted(drafts, key=lambda d: d.anchor.start)


def _join_undated(art: Article, drafts: list[MeetingDraft], triggers: list[Trigger]) -> None:
    """An undated mention joins the first meeting of its family (an undated
    "other" session joins any meeting: it is usually a session of the article's
    main event), unless it announces a new one, which joins a planned meeting or
    makes one. A planned mention with no meeting of its family joins a planned
    meeting of any kind (the talks of a planned exchange programme), and any
    other a dated meeting of its own sentence (talks held during a visit)."""
    undated = sorted((t for t in triggers if t.date is None), key=lambda t: (t.sentence.is_caption, t.start))
    for t in undated:
        # an "other" session joins a meeting of another kind only when that one is held
        family = [d for d in drafts if any(FAMILY[m.kind] == FAMILY[t.kind] for m in d.mentions)
                  or (FAMILY[t.kind] == "other" and _status(art, d.anchor) != "planned")]
        if _announced(art, t):
            family = [d for d in family if _status(art, d.anchor) == "planned"]
        if not family and _status(art, t) == "planned":
            # "the venue where the talks will take place": a part of the planned programme
            family = [d for d in drafts if _status(art, d.anchor) == "planned"]
        if not family:
            # "paid an official visit ... late last month, during which he held talks": a part
            # of the dated meeting of its own sentence
            family = [d for d in drafts if d.anchor.sentence is t.sentence and d.anchor.date is not None]
        if family:
            family[0].mentions.append(t)
        else:
            drafts.append(MeetingDraft(t, t.kind, [t]))


def group_meetings(art: Article, triggers: list[Trigger]) -> list[MeetingDraft]:
    """Dated mentions of one kind family and status are one meeting when their
    dates are the same or one contains the other (a year and a day in it). An
    undated mention ("at the talks", "the visit was postponed") refers back to
    the first meeting of its family, whatever its status, unless it announces a
    new one ("will hold the next talks in the first quarter of next year"),
    which joins a planned meeting or makes one. A meeting any of whose mentions
    is online is online; a planned one that a mention calls off is cancelled."""
    drafts = _group_dated(art, triggers)
    _join_undated(art, drafts, triggers)
    for d in drafts:
        if any(m.kind == "online_talks" for m in d.mentions):
            d.kind = "online_talks"
        if any(_status(art, m) == "cancelled" for m in d.mentions) and _status(art, d.anchor) == "planned":
            d.cancelled = True
    return sorted(drafts, key=lambda d: d.anchor.start)


def _neighbours_of(art: Article, draft: MeetingDraft) -> list[str]:
    """The article's neighbour country; both neighbours when the meeting's
    sentences speak of three sides ("a trilateral meeting": ``[sides] three``) and
    the article names two."""
    three = cue(art.lang, "sides", "three")
    if any(three.search(art.folded, m.sentence.start, m.sentence.end) for m in draft.mentions) and len(art.neighbours) > 1:
        return art.neighbours[:2]
    return [art.foreign] if art.foreign else []


def _compatible(a: tuple, b: tuple) -> bool:
    """Same date text, or (when both are resolved) a year or a span of days that
    contains the other ("the 2024 annual talks" and a morning date such as 12/3; a
    visit "from 30/9 to 2/10" and "On 2/10, the delegation visited ..."); a month
    does not merge with a day in it, which is often another event."""
    if a[2] == b[2]:
        return True
    if None in (a[0], a[1], b[0], b[1]):
        return False

    def container(x: tuple) -> bool:
        whole_year = x[0].month == 1 and x[0].day == 1 and x[1].month == 12 and x[1].day == 31 and x[0].year == x[1].year
        days = x[3] == "day" and x[0] < x[1]  # "from 30/9 to 2/10": a day in it is part of it
        return whole_year or days

    return (container(a) and a[0] <= b[0] and b[1] <= a[1]) or (container(b) and b[0] <= a[0] and a[1] <= b[1])


def _speaks_of(art: Article, draft: MeetingDraft, m: Trigger) -> bool:
    """A mention's sentence speaks of this meeting: it is the meeting's own
    sentence, or it names no other meeting ("the report at the conference said
    the two sides held talks with X": X and the two sides are the talks')."""
    s = m.sentence
    return m is draft.anchor or len(_trigger_index(art.lang).find_all(art.folded, s.start, s.end)) == 1


def _meeting_names(art: Article, draft: MeetingDraft) -> list[Mention]:
    """Places and countries named in the sentences that speak of the meeting,
    each sentence once."""
    names: list[Mention] = []
    seen_sentences: set[int] = set()
    for m in draft.mentions:
        if m.sentence.start in seen_sentences or not _speaks_of(art, draft, m):
            continue
        seen_sentences.add(m.sentence.start)
        names.extend(m.sentence.names)
    return names


def _unit_parties(art: Article, names: list[Mention]) -> list[dict[str, str]]:
    """One party per unit named (each with the nearest organisation before it),
    leaving out units named only as the venue and a unit whose lower unit is
    named too."""
    at_venue = art.lang.pattern("meetings", "at_venue")
    units = [n for n in names if n.is_unit and not at_venue.search(art.folded, max(0, n.start - 30), n.start)]
    unit_ids = {n.key for n in units}
    parents = {places()[u].parent_id for u in unit_ids} & unit_ids
    parties: list[dict[str, str]] = []
    by_unit: dict[str, dict[str, str]] = {}
    for n in units:
        if n.key in parents:
            continue
        if n.key in by_unit:
            if not by_unit[n.key]["organisation"]:
                by_unit[n.key]["organisation"] = _organisation(art, n)
            continue
        by_unit[n.key] = {"country_code": n.country_code, "province_id": n.key, "organisation": _organisation(art, n)}
        parties.append(by_unit[n.key])
    return parties


def _foreign_countries(art: Article, draft: MeetingDraft, names: list[Mention]) -> list[str] | None:
    """The neighbour(s) of a meeting whose sentences name no foreign unit: the
    foreign countries named there, else the article's neighbour when the
    sentences speak of both sides (always for a dated visit; for other kinds also
    when the headline names a meeting); None when there is no neighbour party. A
    conference or meeting ("other") needs the both-sides words: a country
    named in passing is not a party."""
    foreign_named = sorted({n.country_code for n in names} - {"VN"})
    both_sides = any(art.mentions_both_sides(m.sentence) for m in draft.mentions)
    if draft.kind == "other":
        return _neighbours_of(art, draft) if art.foreign and _other_both_sides(art, draft) else None
    if foreign_named:
        return foreign_named
    headline = bool(_trigger_index(art.lang).find_all(art.title_folded, 0, len(art.title_folded)))
    # a dated visit is a visit to the neighbour; an undated one ("the delegation
    # visited a school") needs the neighbour or both sides named
    if draft.kind == "visit":
        party = draft.anchor.date is not None or both_sides
    else:
        party = both_sides or headline
    return _neighbours_of(art, draft) if art.foreign and party else None


def _other_both_sides(art: Article, draft: MeetingDraft) -> bool:
    """Both sides take part in a conference or meeting when its own sentence, or the
    first two clauses of a later one that names it and no other meeting, speak of
    the two parties (``[sides] parties``: "At the meeting, the two sides ...");
    in "the report at the conference said the two sides held talks" they are the
    talks'; "the provinces bordering the two countries" are no parties."""
    for m in draft.mentions:
        if not _speaks_of(art, draft, m):
            continue
        s = m.sentence
        # beyond the meeting's own sentence, only the trigger's clause and the next
        # ("At the meeting, the two sides ..."), not reported speech further on
        end = s.end if m is draft.anchor else _clause_end(art, m.end, s.end, clauses=2)
        if art.mentions_both_sides(s, s.start, end, words="parties"):
            return True
    return False


def _clause_end(art: Article, pos: int, limit: int, clauses: int) -> int:
    """Where the ``clauses``-th clause from ``pos`` ends (at a comma or ";")."""
    for _ in range(clauses):
        found = re.search(r"[,;]", art.folded[pos:limit])
        if found is None:
            return limit
        pos += found.end()
    return pos


def _parties(art: Article, draft: MeetingDraft) -> list[dict[str, str]] | None:
    """Parties from the meeting's sentences: units named there, else the
    countries; Vietnamese parties first. None when no neighbour takes part."""
    names = _meeting_names(art, draft)
    parties = _unit_parties(art, names)
    if not any(p["country_code"] == "VN" for p in parties):
        parties.insert(0, {"country_code": "VN", "province_id": "", "organisation": ""})
    if not any(p["country_code"] != "VN" for p in parties):
        foreign = _foreign_countries(art, draft, names)
        if foreign is None:
            return None
        parties.extend({"country_code": c, "province_id": "", "organisation": ""} for c in foreign)
    for p in parties:
        if not p["province_id"] and not p["organisation"]:
            p["organisation"] = _national_organisation(art, draft, p["country_code"])
    vn = [p for p in parties if p["country_code"] == "VN"]
    other = [p for p in parties if p["country_code"] != "VN"]
    return vn + other


def _organisation(art: Article, n: Mention) -> str:
    """The organisation named just before a province ("the Department of Foreign
    Affairs of Lai Chau province", "the Foreign Affairs Office of the People's
    Government of Honghe prefecture", "the Border Guard of 3 provinces: Hue, Da Nang
    and Quang Ngai"): the nearest body of ``[organisations] names`` within the
    sentence, joined with a body right before it, and not across a unit of another
    country."""
    s = art.sentence_at(n.start)
    window_start = max(s.start, n.start - 90)
    found = list(cue(art.lang, "organisations", "names").finditer(art.folded, window_start, n.start))
    if not found:
        return ""
    last = found[-1]
    start = last.start()
    for prev in reversed(found[:-1]):
        if art.folded[prev.end():start].strip() == "":
            start = prev.start()
        else:
            break
    between = art.folded[last.end():n.start]
    if re.search(r"[;.]", between):
        return ""
    crossed = [u for u in s.names if last.end() <= u.start < n.start and u.country_code != n.country_code]
    if crossed:
        return ""
    return art.text[start:last.end()]


def _national_organisation(art: Article, draft: MeetingDraft, country: str) -> str:
    """A national body for a party without a province (``[organisations]
    national``): one followed by the party's country name ("the Ministry of National
    Defence of China"), or for Vietnam one followed by no country name ("Minister of
    Foreign Affairs Bui Thanh Son")."""
    s = draft.anchor.sentence
    countries = [c for c in s.names if c.is_country]
    for m in cue(art.lang, "organisations", "national").finditer(art.folded, s.start, s.end):
        after = [c for c in countries if 0 <= c.start - m.end() <= 3]
        if (after and after[0].country_code == country) or (not after and country == "VN"):
            return art.text[m.start():m.end()]
    return ""


def extract_meetings(art: Article) -> tuple[list[dict], list[str]]:
    """Rows for the meetings and meeting_parties tables (ids added later), and
    notes on mentions that looked like meetings but were not kept."""
    notes: list[str] = []
    rows: list[dict] = []
    for draft in group_meetings(art, find_triggers(art)):
        parties = _parties(art, draft)
        anchor = draft.anchor
        s = anchor.sentence
        if parties is None:
            notes.append(f"meeting-like mention without a neighbour party: {art.text[s.start:s.end][:120]!r}")
            continue
        resolved = _resolve(art, anchor)
        if anchor.date is not None and resolved.precision == "unknown":
            notes.append(f"{draft.kind} dated {anchor.date.text!r} but no year in the body: dates left unknown (curate if known)")
        elif anchor.date is None:
            notes.append(f"{draft.kind} without a date in the text: {art.text[s.start:s.end][:80]!r}")
        rows.append({
            "trigger_start": anchor.start,
            "kind": draft.kind,
            "status": "cancelled" if draft.cancelled else _status(art, anchor),
            "date_start": resolved.start,
            "date_end": resolved.end,
            "date_precision": resolved.precision,
            "date_basis": resolved.basis,
            "date_text": anchor.date.text if anchor.date else "",
            "year_evidence": resolved.year_evidence if resolved.basis == "inferred" else "",
            "venue": _venue(art, anchor),
            "char_start": s.start,
            "char_end": s.end,
            "parties": parties,
        })
    return rows, notes


ID_PREFIX = "m"


def extract(art: Article, facts: DocumentFacts) -> None:
    meetings, notes = extract_meetings(art)
    facts.notes.extend(notes)
    doc_id = facts.document.document_id
    for m in meetings:
        mid = make_id(ID_PREFIX, doc_id, m.pop("trigger_start"))
        parties = m.pop("parties")
        # role: left for the events stage, unless the curation file sets it
        facts.table("meetings").append({"meeting_id": mid, "document_id": doc_id, **m, "role": None, "method": "rule", "note": ""})
        for i, p in enumerate(parties):
            facts.table("meeting_parties").append({"meeting_id": mid, "party_index": i, **p, "method": "rule", "note": ""})


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def compare(facts: DocumentFacts) -> set:
    sides: dict[str, set] = {}
    for p in facts.table("meeting_parties"):
        sides.setdefault(p["meeting_id"], set()).add(p["country_code"])
    return {(m["kind"], m["status"], _iso(m["date_start"]), _iso(m["date_end"]), m["date_precision"],
             tuple(sorted(sides[m["meeting_id"]]))) for m in facts.table("meetings")}


def expected(entry: dict) -> set:
    return {(m["kind"], m["status"], m["date_start"], m["date_end"], m["date_precision"], tuple(sorted(m["countries"])))
            for m in entry["meetings"]}


def check_parties(frames: dict[str, pd.DataFrame]) -> list[Issue]:
    """Every meeting has a Vietnamese and a foreign party."""
    meetings, parties = frames["meetings"], frames["meeting_parties"]
    issues = []
    sides: dict[object, set] = {}
    for meeting_id, country in zip(column_values(parties, "meeting_id"), column_values(parties, "country_code"), strict=True):
        if not pd.isna(meeting_id):
            sides.setdefault(meeting_id, set()).add(country)
    for index, meeting_id in zip(meetings.index.tolist(), column_values(meetings, "meeting_id"), strict=True):
        countries = sides.get(meeting_id, set())
        if "VN" not in countries:
            issues.append(Issue("meetings", csv_line(index), "meeting_id", f"meeting {meeting_id} has no Vietnamese party"))
        if not countries - {"VN"}:
            issues.append(Issue("meetings", csv_line(index), "meeting_id", f"meeting {meeting_id} has no foreign party"))
    return issues


def check_dates(frames: dict[str, pd.DataFrame]) -> list[Issue]:
    """A date basis exactly when a date is given; a precision other than unknown
    only with both bounds."""
    m = frames["meetings"]
    unknown = m["date_start"].isna() & m["date_end"].isna()
    issues = [Issue("meetings", csv_line(i), "date_basis", "date_basis given but both dates are empty") for i in m.index[unknown & m["date_basis"].notna()]]
    issues += [Issue("meetings", csv_line(i), "date_basis", "dates given without a date_basis") for i in m.index[~unknown & m["date_basis"].isna()]]
    partial = m["date_start"].isna() | m["date_end"].isna()
    issues += [Issue("meetings", csv_line(i), "date_precision", f"precision {m.at[i, 'date_precision']!r} needs both date_start and date_end")
               for i in m.index[partial & (m["date_precision"] != "unknown")]]
    return issues


FACT = FactType(
    table="meetings",
    extract=extract,
    sort_keys=("document_id", "char_start", "meeting_id"),
    compare=compare,
    expected=expected,
    id_prefix=ID_PREFIX,
    children=(("meeting_parties", ("meeting_id", "party_index")),),
    checks=(check_parties, check_dates),
)
