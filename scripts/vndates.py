"""Vietnamese date expressions: find them, and turn them into inclusive bounds.

Handles "Chiều 9/12", "Ngày 28-8", "từ ngày 14-15/4", "từ ngày 26 đến 30-8",
"từ ngày 30/9 đến 2/10", "ngày 20 đến ngày 22 tháng 6", "ngày 5/6/2024",
"tháng 11/2024", "tháng 7 năm 2021", "Quý IV/2025", "6 tháng đầu năm 2025",
"năm 2025", and anniversaries such as "79 năm Quốc khánh" (= 2024).
Most news dates give no year: :func:`resolve` takes it from the sentence, else
from the rest of the body, and says which.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from vntext import fold, lexicon, phrase_pattern

_D = r"(\d{1,2})"
_M = r"(\d{1,2})"
_Y = r"((?:19|20)\d{2})"
_SEP = r"\s*[/\-]\s*"
_TO = r"\s*(?:-|đến|tới|và)\s*(?:ngày\s+)?"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class DateExpr:
    start: int
    end: int
    text: str
    year1: int | None
    month1: int | None
    day1: int | None
    year2: int | None
    month2: int | None
    day2: int | None
    precision: str  # day | month | year
    until_now: bool = False  # "từ ... đến nay": open-ended period
    anniversary: bool = False

    @property
    def year(self) -> int | None:
        return self.year2 or self.year1

    @property
    def has_year(self) -> bool:
        return self.year1 is not None or self.year2 is not None


@dataclass(frozen=True)
class Resolved:
    start: dt.date | None
    end: dt.date | None
    precision: str  # day | month | year | unknown
    basis: str  # stated | inferred | "" (unknown)
    year_evidence: str


@cache
def _cue() -> re.Pattern[str]:
    """A cue word ending right before a bare day/month ("Chiều 9/12"). Checked on
    the text before a match, so the date patterns can start with a digit (fast)."""
    cues = sorted((re.escape(fold(c)) for c in lexicon()["dates"]["cues"]), key=len, reverse=True)
    return re.compile(rf"(?:^|[^\w])(?:{'|'.join(cues)})\s*$")


CUED = {"dm_dm", "d_d_m", "dm"}  # patterns that need a cue word before them
CUE_LOOKBACK = 12


@cache
def _not_unit() -> str:
    """Negative lookahead: "từ 2-3 lần", "(1-2) đợt", "3-5 km" are ranges of counts."""
    units = sorted((re.escape(fold(u)) for u in lexicon()["dates"]["not_date_before"]), key=len, reverse=True)
    return rf"(?!\)?\s*(?:{'|'.join(units)})(?!\w))"


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    nu = _not_unit()
    start = r"(?<![\w./,-])"
    return [
        ("dm_dm", re.compile(rf"{start}{_D}{_SEP}{_M}(?:{_SEP}{_Y})?{_TO}{_D}{_SEP}{_M}(?:{_SEP}{_Y})?(?![\d/]){nu}")),
        ("d_d_month_words", re.compile(rf"(?<!\w)ngày\s+{_D}{_TO}{_D}\s+tháng\s+{_M}(?:\s+năm\s+{_Y})?")),
        ("d_d_m", re.compile(rf"{start}{_D}{_TO}{_D}{_SEP}{_M}(?:{_SEP}{_Y})?(?![\d/]){nu}")),
        ("d_month_words", re.compile(rf"(?<!\w)ngày\s+{_D}\s+tháng\s+{_M}(?:\s+năm\s+{_Y})?")),
        ("dmy", re.compile(rf"(?<![\d/]){_D}/{_M}/{_Y}(?!\d)")),
        ("dm", re.compile(rf"{start}{_D}{_SEP}{_M}(?:{_SEP}{_Y})?(?![\d/]|[.,]\d){nu}")),
        ("half", re.compile(rf"(?<!\w)(6|sáu) tháng (đầu|cuối) năm\s+{_Y}")),
        ("quarter", re.compile(rf"(?<!\w)q(?:uý|úy)\s+(iv|iii|ii|i|[1-4])(?:\s*/\s*|\s+năm\s+|\s+){_Y}")),
        ("month_year", re.compile(rf"(?<!\w)tháng\s+{_M}(?:\s*/\s*|\s+năm\s+){_Y}")),
        ("month", re.compile(rf"(?<!\w)tháng\s+{_M}(?!\s*/?\s*\d)(?!\s+năm\s+\d)")),
        ("year", re.compile(rf"(?<!\w)năm\s+{_Y}(?!\d)")),
    ]


def _ok(day: int | None, month: int | None, year: int | None = None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        if not 1 <= day <= 31:
            return False
        if month is not None:
            limit = calendar.monthrange(year or 2024, month)[1]
            if day > limit:
                return False
    return True


def _expr(kind: str, m: re.Match[str], text: str) -> DateExpr | None:
    g = [int(x) if x and x.isdigit() else x for x in m.groups()]
    s, e = m.start(), m.end()
    # the cue word is part of the match only to anchor it; keep the span tight
    raw = text[s:e]
    if kind == "dm_dm":
        d1, m1, y1, d2, m2, y2 = g
        if not (_ok(d1, m1, y1 or y2) and _ok(d2, m2, y2)):
            return None
        return DateExpr(s, e, raw, y1 or (y2 if (m1, d1) <= (m2, d2) else None), m1, d1, y2, m2, d2, "day")
    if kind == "d_d_month_words":
        d1, d2, m1, y = g
        if not (_ok(d1, m1, y) and _ok(d2, m1, y)) or d1 > d2:
            return None
        return DateExpr(s, e, raw, y, m1, d1, y, m1, d2, "day")
    if kind == "d_d_m":
        d1, d2, m1, y = g
        if not (_ok(d1, m1, y) and _ok(d2, m1, y)) or d1 >= d2:
            return None
        return DateExpr(s, e, raw, y, m1, d1, y, m1, d2, "day")
    if kind in {"d_month_words", "dm", "dmy"}:
        d1, m1, y = g
        if not _ok(d1, m1, y):
            return None
        return DateExpr(s, e, raw, y, m1, d1, y, m1, d1, "day")
    if kind == "half":
        _six, part, y = g
        first = fold(str(part)) == "đầu"
        return DateExpr(s, e, raw, y, 1 if first else 7, None, y, 6 if first else 12, None, "month")
    if kind == "quarter":
        q, y = g
        quarter = _ROMAN[str(q).lower()]
        return DateExpr(s, e, raw, y, 3 * quarter - 2, None, y, 3 * quarter, None, "month")
    if kind == "month_year":
        m1, y = g
        if not _ok(None, m1):
            return None
        return DateExpr(s, e, raw, y, m1, None, y, m1, None, "month")
    if kind == "month":
        (m1,) = g
        if not _ok(None, m1):
            return None
        return DateExpr(s, e, raw, None, m1, None, None, m1, None, "month")
    if kind == "year":
        (y,) = g
        return DateExpr(s, e, raw, y, None, None, y, None, None, "year")
    raise AssertionError(kind)


@cache
def _until_now() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in lexicon()["dates"]["until_now"])
    return re.compile(rf"\s*(?:{words})(?!\w)")


@cache
def _anniversary() -> tuple[re.Pattern[str], list[int]]:
    """One regex for "N năm <anniversary>"; group a<i> names which one (its base
    year is bases[i]). It starts with the number, so it is cheap to scan."""
    items = lexicon()["dates"]["anniversaries"]
    alternatives = "|".join(
        f"(?P<a{i}>{phrase_pattern(item['phrase'])})" for i, item in enumerate(items)
    )
    pattern = re.compile(rf"(\d{{1,3}})\s+năm\s+(?:ngày\s+)?(?:kỷ niệm\s+)?(?:{alternatives})")
    return pattern, [item["base"] for item in items]


def find_dates(text: str, folded: str, start: int, end: int) -> list[DateExpr]:
    """Date expressions in ``text[start:end]``, non-overlapping, in text order."""
    candidates: list[tuple[int, int, int, DateExpr]] = []
    for rank, (kind, pattern) in enumerate(_patterns()):
        for m in pattern.finditer(folded, start, end):
            if kind in CUED and not _cue().search(folded, max(0, m.start() - CUE_LOOKBACK), m.start()):
                continue
            expr = _expr(kind, m, text)
            if expr is not None:
                candidates.append((expr.start, -(expr.end - expr.start), rank, expr))
    pattern, bases = _anniversary()
    for m in pattern.finditer(folded, start, end):
        if m.start() > 0 and folded[m.start() - 1] in "0123456789.,":
            continue
        base = bases[int(m.lastgroup[1:])]  # type: ignore[index]
        year = base + int(m.group(1))
        s, e = m.start(), m.end()
        candidates.append((s, -(e - s), 99, DateExpr(s, e, text[s:e], year, None, None, year, None, None, "year", anniversary=True)))
    candidates = [(s, n, r, _mark_commemorated(folded, d)) for s, n, r, d in candidates]
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    chosen: list[DateExpr] = []
    taken_until = -1
    for s, _neg, _rank, expr in candidates:
        if s < taken_until:
            continue
        if _until_now().match(folded, expr.end, end):
            expr = DateExpr(**{**expr.__dict__, "until_now": True})
        chosen.append(expr)
        taken_until = expr.end
    return chosen


_COMMEMORATION = re.compile(r"(?:kỷ niệm|năm ngày|năm quốc khánh|năm thành lập)[^()]{0,140}\($")


def _mark_commemorated(folded: str, d: DateExpr) -> DateExpr:
    """Dates in brackets after "kỷ niệm N năm ..." ("(5/9/1962 - 5/9/2025)") are
    what is commemorated, not when anything happened: marked as anniversaries."""
    opening = folded.rfind("(", max(0, d.start - 3), d.start + 1)
    if opening == -1 or folded[opening + 1:d.start].strip():
        return d
    if _COMMEMORATION.search(folded[max(0, opening - 150):opening + 1]):
        return DateExpr(**{**d.__dict__, "anniversary": True})
    return d


@cache
def _future() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in lexicon()["dates"]["future"])
    return re.compile(rf"(?:{words})\s*(?:từ\s+)?$")


def reference_years(folded: str, dates: list[DateExpr]) -> list[DateExpr]:
    """Dated expressions that can lend their year to the body's undated days:
    not plans ("đến năm 2030", "giai đoạn 2021-2025")."""
    out = []
    for d in dates:
        if not d.has_year:
            continue
        before = folded[max(0, d.start - 25):d.start]
        if _future().search(before) or (d.text[:3].lower() == "năm" and _future().search(before + "năm ")):
            continue
        out.append(d)
    return out


def body_year(candidates: list[DateExpr]) -> DateExpr | None:
    """The year an article's undated days belong to: the latest year among the
    body's full dates ("ngày 2/10/2025"), else among all its dated expressions
    (news reports recent events; earlier years are history or the start of a
    reporting period). Commemorated dates are left out; an anniversary's own
    year ("79 năm Quốc khánh" = 2024) counts."""
    usable = [d for d in candidates if not (d.anniversary and d.precision == "day")]
    full = [d for d in usable if d.precision == "day"]
    pool = full or usable
    if not pool:
        return None
    return max(pool, key=lambda d: (d.year or 0, -d.start))


def _bounds(expr: DateExpr, year: int) -> tuple[dt.date, dt.date]:
    y1 = expr.year1 or year
    y2 = expr.year2 or year
    if expr.precision == "year":
        return dt.date(y1, 1, 1), dt.date(y2, 12, 31)
    m1, m2 = expr.month1 or 1, expr.month2 or 12
    if expr.year1 is None and expr.year2 is not None and m1 > m2:
        y1 = y2 - 1  # "từ 30/12 đến 2/1/2025"
    if expr.year1 is not None and expr.year2 is None and m1 > m2:
        y2 = y1 + 1
    d1 = expr.day1 or 1
    d2 = expr.day2 or calendar.monthrange(y2, m2)[1]
    return dt.date(y1, m1, d1), dt.date(y2, m2, d2)


def resolve(expr: DateExpr | None, sentence_dates: list[DateExpr], body_ref: DateExpr | None) -> Resolved:
    """Bounds for ``expr``; the year comes from the expression itself, else the
    nearest year in the same sentence (stated), else ``body_ref`` (inferred)."""
    if expr is None:
        return Resolved(None, None, "unknown", "", "")
    if expr.has_year:
        try:
            start, end = _bounds(expr, expr.year or 0)
        except ValueError:
            return Resolved(None, None, "unknown", "", "")
        return Resolved(start, end, expr.precision, "stated", "")
    same = [d for d in sentence_dates if d.has_year and d is not expr and not d.anniversary]
    if same:
        nearest = min(same, key=lambda d: abs(d.start - expr.start))
        basis, year, evidence = "stated", nearest.year, nearest.text
    elif body_ref is not None:
        basis, year, evidence = "inferred", body_ref.year, body_ref.text
    else:
        return Resolved(None, None, "unknown", "", "")
    assert year is not None
    try:
        start, end = _bounds(expr, year)
    except ValueError:  # 29/2 in a non-leap year
        return Resolved(None, None, "unknown", "", "")
    return Resolved(start, end, expr.precision, basis, evidence)
