"""Rules for patrols: "9 lần/945 cán bộ, chiến sĩ mỗi bên", "1 đợt tuần tra song
phương cấp tỉnh với 24 cán bộ, chiến sĩ và 49 đợt tuần tra cấp Đồn - Đại đội với
tổng cộng 1.080 cán bộ, chiến sĩ", "ba lần tuần tra song phương".

Each count ("N đợt/lần") near "tuần tra" starts a patrol fact that runs to the
next count; personnel is the first "N cán bộ..." in that stretch, per side when
"mỗi bên" stands by it, total when "tổng cộng" does.
"""

from __future__ import annotations

import re
from functools import cache

from article import Article, Sentence
from vndates import resolve
from vntext import NUMBER_SOURCE, count_words_pattern, fold, lexicon, parse_count, phrases_regex

NEAR_TRIGGER = 90
SCOPE_WINDOW = 25  # "mỗi bên" / "tổng cộng" this close to a personnel figure
NEAR_TRIGGER_PERSONNEL = 160  # "tổ chức tuần tra liên hợp trên đoạn ... , với tổng số 24 cán bộ"


@cache
def _count_regex() -> re.Pattern[str]:
    units = "|".join(re.escape(fold(u)) for u in lexicon()["numbers"]["count_units"])
    return re.compile(
        rf"(?<![\w.,/])(?P<n>{NUMBER_SOURCE}|{count_words_pattern()})\s+(?P<u>{units})(?!\w)(?!\s+thứ)"
    )


@cache
def _personnel_regex() -> re.Pattern[str]:
    units = sorted((fold(u) for u in lexicon()["patrols"]["personnel_units"]), key=len, reverse=True)
    alternation = "|".join(re.escape(u) for u in units)
    return re.compile(rf"(?<![\w.,])(?P<n>{NUMBER_SOURCE})\s*(?:{alternation})(?!\w)")


def _cue(name: str) -> re.Pattern[str]:
    return phrases_regex(lexicon()["patrols"][name])


def _level(folded: str, anchor: int) -> str:
    """The level cue nearest to ``anchor`` (the count's offset within ``folded``)."""
    found = [(abs(m.start() - anchor), "post_company") for m in _cue("post_company").finditer(folded)]
    found += [(abs(m.start() - anchor), "provincial") for m in _cue("provincial").finditer(folded)]
    return min(found)[1] if found else "unspecified"


def _scope(art: Article, start: int, end: int, seg_start: int, seg_end: int) -> str:
    """per_side when "mỗi bên" stands by the figure; total after "tổng cộng" or
    when "(của) hai bên" follows it; else unknown."""
    lo = max(seg_start, start - SCOPE_WINDOW)
    around = art.folded[lo:min(seg_end, end + SCOPE_WINDOW)]
    if _cue("per_side").search(around):
        return "per_side"
    if _cue("total").search(art.folded[lo:start]):
        return "total"
    if re.match(rf"[,\s]*(?:chiến s[ĩỹ]\s*)?(?:{_cue('total_after').pattern})", art.folded[end:min(seg_end, end + 30)]):
        return "total"
    return "unknown"


def _period(art: Article, s: Sentence):
    periods = [d for d in s.dates if d.until_now or d.precision in {"month", "year"} and not d.anniversary]
    if periods:
        return periods[0]
    review = [d for d in art.dates if d.until_now]
    return review[0] if len(review) == 1 else None


def _counts_patrols(art: Article, m: re.Match[str], trig_pos: list[int]) -> bool:
    """A count is of patrols when "tuần tra" follows it closely ("49 đợt tuần tra")
    or precedes it in the same clause ("tuần tra ... được 9 lần") and the unit is
    not followed by another activity ("một cuộc hội đàm")."""
    if any(0 <= p - m.end() <= 30 for p in trig_pos):
        return True
    following = art.folded[m.end():m.end() + 25]
    if _cue("other_activity").match(following.lstrip()):
        return False
    return any(0 <= m.start() - p <= NEAR_TRIGGER and ";" not in art.folded[p:m.start()] for p in trig_pos)


def _neighbour(art: Article, s, pos: int) -> str | None:
    """The neighbour nearest before ``pos`` in the sentence ("với các đại đội của
    Lào tổ chức 5 đợt ... và với lực lượng Campuchia tổ chức 3 đợt"), else the
    first named after it, else the article's."""
    foreign = [n for n in s.names if n.country_code != "VN"]
    before = [n for n in foreign if n.start < pos]
    if before:
        return before[-1].country_code
    return foreign[0].country_code if foreign else art.foreign


def extract_patrols(art: Article, main_meeting: dict | None) -> tuple[list[dict], list[str]]:
    trigger = fold(lexicon()["patrols"]["trigger"])
    rows: list[dict] = []
    notes: list[str] = []
    for s in art.sentences:
        text = art.folded[s.start:s.end]
        if trigger not in text:
            continue
        trig_pos = [s.start + m.start() for m in re.finditer(re.escape(trigger), text)]
        counts = [
            m for m in _count_regex().finditer(art.folded, s.start, s.end)
            if _counts_patrols(art, m, trig_pos) and parse_count(m.group("n")) is not None
        ]
        people = list(_personnel_regex().finditer(art.folded, s.start, s.end))
        segments: list[tuple[int, int, re.Match[str] | None]] = []
        for i, c in enumerate(counts):
            seg_end = counts[i + 1].start() if i + 1 < len(counts) else s.end
            semi = art.folded.find(";", c.end(), seg_end)
            segments.append((c.start(), semi if semi != -1 else seg_end, c))
        if not counts:
            near = [p for p in people if any(abs(p.start() - t) <= NEAR_TRIGGER_PERSONNEL and ";" not in art.folded[min(t, p.start()):max(t, p.start())] for t in trig_pos)]
            if near:
                segments.append((s.start, s.end, None))
            elif people:
                notes.append(f"patrol sentence with personnel far from 'tuần tra': {art.text[s.start:s.end][:120]!r}")
        for seg_start, seg_end, count in segments:
            anchor = count.start() if count else seg_start
            clause = art.folded[max(s.start, art.folded.rfind(";", s.start, anchor) + 1):seg_end]
            if not _cue("bilateral").search(clause) or _cue("unilateral").search(clause):
                notes.append(f"patrol figures without a bilateral partner (or with a domestic one), not recorded: {art.text[anchor:seg_end][:100]!r}")
                continue
            country_b = _neighbour(art, s, anchor)
            if country_b is None:
                notes.append(f"patrol figures with no neighbour country: {art.text[s.start:s.end][:120]!r}")
                continue
            person = next((p for p in people if seg_start <= p.start() < seg_end), None)
            if person is not None and _cue("per_patrol").search(art.folded[max(seg_start, person.start() - 25):person.start()]):
                notes.append(f"personnel per patrol, not recorded: {art.text[person.start():person.end()]!r}")
                person = None
            if count is None and person is None:
                continue
            level = _level(art.folded[seg_start:seg_end], 0)
            if level == "unspecified":
                # the units doing the patrol are usually named before the count
                prev_end = max([c.end() for _, _, c in segments if c is not None and c.end() <= seg_start] or [s.start])
                clause_start = max(prev_end, art.folded.rfind(";", s.start, seg_start) + 1)
                level = _level(art.folded[clause_start:seg_end], seg_start - clause_start)
            period = _period(art, s)
            resolved = resolve(period, s.dates, art.body_ref)
            period_end = resolved.end
            if period is not None and period.until_now:
                period_end = main_meeting["date_end"] if main_meeting else None
            if len(segments) == 1:
                ev_start, ev_end = s.start, s.end
            else:
                ev_start = seg_start
                ev_end = person.end() if person else count.end()  # type: ignore[union-attr]
                tail = re.match(r"[^,;.]*?(?:mỗi bên|mỗi phía|tham gia)", art.folded[ev_end:seg_end])
                if tail:
                    ev_end += tail.end()
            rows.append({
                "anchor": count.start() if count else person.start(),  # type: ignore[union-attr]
                "meeting_id_of": main_meeting,
                "country_a": "VN",
                "country_b": country_b,
                "level": level,
                "patrol_count": parse_count(count.group("n")) if count else None,
                "personnel": parse_count(person.group("n")) if person else None,
                "personnel_scope": _scope(art, person.start(), person.end(), seg_start, seg_end) if person else "unknown",
                "period_start": resolved.start,
                "period_end": period_end,
                "period_text": period.text if period else "",
                "char_start": ev_start,
                "char_end": ev_end,
            })
    return rows, notes
