"""Date expressions: find them, and turn them into inclusive bounds.

The forms a language writes dates in are data (``lang/<code>/dates.toml``,
``[[dates.forms]]``: regexes with named groups for the first and second day,
month and year, a quarter or a half year), as are the anniversaries whose
"N years" give a year. Most news dates give no year: :func:`resolve` takes it
from the sentence, else from the rest of the body, and says which.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cache

from bordercoop.lang import Language
from bordercoop.text.phrases import phrase_pattern


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
    until_now: bool = False  # "from ... until now": open-ended period
    anniversary: bool = False
    weekday: int | None = None  # "on Monday" (0 = Monday): a day near the publication date
    year_offset: int | None = None  # "in June last year" (-1): relative to the publication year
    week_offset: int | None = None  # "last week" (-1): the calendar week relative to the publication week
    day_offset: int | None = None  # "yesterday" (-1): the day relative to the publication date
    month_offset: int | None = None  # "early this month" (0): the month relative to the publication month
    past: bool = False  # "this past September": before the publication date, even for a plan
    ahead: bool = False  # "the coming 5 September": on or after the publication date

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


UNKNOWN = Resolved(None, None, "unknown", "", "")


def _published_evidence(published: dt.date) -> str:
    """The year evidence of a date counted from the publication date."""
    return f"published {published.isoformat()}"


@dataclass(frozen=True)
class DateForm:
    """One entry of ``[[dates.forms]]``: a regex with named groups."""

    name: str
    regex: re.Pattern[str]
    cued: bool
    order: str  # "" | "strict" | "not_after"


@cache
def _cue(lang: Language) -> re.Pattern[str]:
    """A cue word ending right before a bare day/month (``[dates] cues``). Checked on
    the text before a match, so the date patterns can start with a digit (fast)."""
    return re.compile(rf"(?:^|[^\w])(?:{lang.alternation(lang.words('dates', 'cues'))})\s*$")


CUE_LOOKBACK = 12


@cache
def forms(lang: Language) -> tuple[DateForm, ...]:
    return tuple(
        DateForm(f["name"], re.compile(lang.expand("dates", f["pattern"])), bool(f.get("cued")), f.get("order", ""))
        for f in lang.section("dates")["forms"]
    )


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


def _number(lang: Language, groups: dict[str, str | None], name: str) -> int | None:
    """A day, month or year group as a number; a month may be a name (``[dates] months``)."""
    value = groups.get(name)
    if not value:
        return None
    if value.isdigit():
        return int(value)
    return lang.section("dates")["months"][" ".join(value.rstrip(".").split())]


def _expr(lang: Language, form: DateForm, m: re.Match[str], text: str) -> DateExpr | None:
    """A match of ``form`` as a DateExpr, or None when it is no valid date. A
    second day, month or year the form does not have takes the first's; a first
    year missing before a later second day is the second's."""
    g = m.groupdict()
    names = form.regex.groupindex
    d1, m1, y1 = (_number(lang, g, n) for n in ("d1", "m1", "y1"))
    if m1 is None and g.get("m1w"):  # a month written as a word
        m1 = _number(lang, g, "m1w")
    d2 = _number(lang, g, "d2") if "d2" in names else d1
    m2 = _number(lang, g, "m2") if "m2" in names else m1
    y2 = _number(lang, g, "y2") if "y2" in names else y1
    if "y2" in names and y1 is None and y2 is not None and (m1, d1) <= (m2, d2):
        y1 = y2
    quarter_text = g.get("quarter") or g.get("quarter_number")
    if quarter_text:
        quarter = lang.section("dates")["quarters"][quarter_text.lower()]
        m1, m2 = 3 * quarter - 2, 3 * quarter
    if g.get("half"):
        first = lang.section("dates")["halves"][g["half"]] == 1
        m1, m2 = (1, 6) if first else (7, 12)
    if not (_ok(d1, m1, y1 or y2) and _ok(d2, m2, y2)):
        return None
    if d1 is not None and d2 is not None and ((form.order == "strict" and d1 >= d2) or (form.order == "not_after" and d1 > d2)):
        return None
    spec = lang.section("dates")
    day_name = g.get("weekday") or g.get("weekday_last")
    weekday = spec["weekdays"][day_name] if day_name else None
    offsets = {name: _relative(lang, name)[" ".join(g[name].split())] if g.get(name) else None
               for name in ("relative_year", "relative_week", "relative_month", "relative_day")}
    if offsets["relative_month"] is not None:
        precision = "month"
    elif d1 is not None or weekday is not None or offsets["relative_week"] is not None or offsets["relative_day"] is not None:
        precision = "day"
    else:
        precision = "month" if m1 is not None else "year"
    return DateExpr(m.start(), m.end(), text[m.start():m.end()], y1, m1, d1, y2, m2, d2, precision,
                    weekday=weekday, year_offset=offsets["relative_year"], week_offset=offsets["relative_week"],
                    month_offset=offsets["relative_month"], day_offset=offsets["relative_day"])


@cache
def _relative(lang: Language, group: str) -> dict[str, int]:
    """``[dates] relative_years`` (``relative_weeks``, ``relative_months``) for the
    group ``relative_year`` (...), keyed by the folded phrase (patterns see folded text)."""
    return {lang.fold(k): v for k, v in lang.section("dates").get(group + "s", {}).items()}


@cache
def _marker_after(lang: Language, key: str) -> re.Pattern[str]:
    """Right after a date, words saying it has passed (``[dates] past_after``), is
    still to come (``ahead_after``) or starts a span until now (``until_now``)."""
    words = lang.words("dates", key)
    return re.compile(rf"\s*(?:{lang.alternation(words)})(?!\w)" if words else r"(?!)")


@cache
def _anniversary(lang: Language) -> tuple[re.Pattern[str], list[int]]:
    """One regex for "N years of <anniversary>" (``[[dates.anniversaries]]``); group
    a<i> names which one (its base year is bases[i]). It starts with the number,
    so it is cheap to scan."""
    items = lang.section("dates")["anniversaries"]
    alternatives = "|".join(
        f"(?P<a{i}>{phrase_pattern(lang, item['phrase'])})" for i, item in enumerate(items)
    )
    pattern = re.compile(rf"{lang.source('dates', 'anniversary_prefix')}(?:{alternatives})")
    return pattern, [item["base"] for item in items]


def _form_candidates(lang: Language, text: str, folded: str, start: int, end: int) -> list[tuple[int, int, int, DateExpr]]:
    candidates: list[tuple[int, int, int, DateExpr]] = []
    for rank, form in enumerate(forms(lang)):
        for m in form.regex.finditer(folded, start, end):
            if form.cued and not _cue(lang).search(folded, max(0, m.start() - CUE_LOOKBACK), m.start()):
                continue
            expr = _expr(lang, form, m, text)
            if expr is not None:
                candidates.append((expr.start, -(expr.end - expr.start), rank, expr))
    return candidates


def _anniversary_candidates(lang: Language, text: str, folded: str, start: int, end: int) -> list[tuple[int, int, int, DateExpr]]:
    candidates: list[tuple[int, int, int, DateExpr]] = []
    pattern, bases = _anniversary(lang)
    for m in pattern.finditer(folded, start, end):
        if m.start() > 0 and folded[m.start() - 1] in "0123456789.,":
            continue
        base = bases[int(m.lastgroup[1:])]  # type: ignore[index]
        year = base + int(m.group(1))
        s, e = m.start(), m.end()
        candidates.append((s, -(e - s), 99, DateExpr(s, e, text[s:e], year, None, None, year, None, None, "year", anniversary=True)))
    return candidates


def find_dates(lang: Language, text: str, folded: str, start: int, end: int) -> list[DateExpr]:
    """Date expressions in ``text[start:end]``, non-overlapping, in text order: at
    each place the longest, and of equal ones the form listed first."""
    candidates = _form_candidates(lang, text, folded, start, end) + _anniversary_candidates(lang, text, folded, start, end)
    candidates = [(s, n, r, _mark_commemorated(lang, folded, d)) for s, n, r, d in candidates]
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    chosen: list[DateExpr] = []
    taken_until = -1
    for s, _neg, _rank, expr in candidates:
        if s < taken_until:
            continue
        if _marker_after(lang, "until_now").match(folded, expr.end, end):
            expr = replace(expr, until_now=True)
        if _marker_after(lang, "past_after").match(folded, expr.end, end):
            expr = replace(expr, past=True)
        elif _marker_after(lang, "ahead_after").match(folded, expr.end, end):
            expr = replace(expr, ahead=True)
        chosen.append(expr)
        taken_until = expr.end
    return chosen


def _mark_commemorated(lang: Language, folded: str, d: DateExpr) -> DateExpr:
    """Dates in brackets after an anniversary phrase (``[dates.patterns]
    commemoration``) are what is commemorated, not when anything happened:
    marked as anniversaries."""
    opening = folded.rfind("(", max(0, d.start - 3), d.start + 1)
    if opening == -1 or folded[opening + 1:d.start].strip():
        return d
    if lang.pattern("dates", "commemoration").search(folded[max(0, opening - 150):opening + 1]):
        return replace(d, anniversary=True)
    return d


def reference_years(lang: Language, folded: str, dates: list[DateExpr]) -> list[DateExpr]:
    """Dated expressions that can lend their year to the body's undated days:
    not plans (``[dates.patterns] future_before``: a target year, a period ahead),
    not the dates of signed or issued documents."""
    future = lang.pattern("dates", "future_before")
    year_word = lang.section("dates")["year_word"]
    out = []
    for d in dates:
        if not d.has_year or is_document_date(lang, folded, d):
            continue
        before = folded[max(0, d.start - 25):d.start]
        if future.search(before) or (d.text[:len(year_word)].lower() == year_word and future.search(f"{before}{year_word} ")):
            continue
        out.append(d)
    return out


DOCUMENT_LOOKBACK = 60


def is_document_date(lang: Language, folded: str, d: DateExpr) -> bool:
    """A date shortly after a signing or issuing phrase (``[dates]
    document_before``), in the same sentence: a document's date."""
    before = folded[max(0, d.start - DOCUMENT_LOOKBACK):d.start]
    before = re.split(r"[.!?;\n]", before)[-1]
    return bool(_document_regex(lang).search(before))


@cache
def _document_regex(lang: Language) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{lang.alternation(lang.words('dates', 'document_before'))})(?!\w)")


def body_year(candidates: list[DateExpr]) -> DateExpr | None:
    """The year an article's undated days belong to: the latest year among the
    body's full dates (day, month and year), else among all its dated expressions
    (news reports recent events; earlier years are history or the start of a
    reporting period). Commemorated dates are left out; an anniversary's own
    year (79 years after 1945 = 2024) counts."""
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
        y1 = y2 - 1  # from 30 December to 2 January of a stated year
    if expr.year1 is not None and expr.year2 is None and m1 > m2:
        y2 = y1 + 1
    d1 = expr.day1 or 1
    d2 = expr.day2 or calendar.monthrange(y2, m2)[1]
    return dt.date(y1, m1, d1), dt.date(y2, m2, d2)


def _year_from_publication(expr: DateExpr, published: dt.date, after: bool) -> int | None:
    """The year that puts ``expr`` at the latest such date on or before the
    publication date (the earliest on or after it for a plan, ``after``)."""
    for year in ((published.year, published.year + 1) if after else (published.year, published.year - 1)):
        try:
            start, end = _bounds(expr, year)
        except ValueError:  # 29 February in a common year
            continue
        if (start >= published) if after else (start <= published):
            return year
    return None


def _year_source(expr: DateExpr, sentence_dates: list[DateExpr], body_ref: DateExpr | None,
                 published: dt.date | None, after: bool) -> tuple[str, int | None, str]:
    """(basis, year, evidence) for an expression without a year: the publication
    date, else the nearest year in the same sentence, else the body's year."""
    if published is not None:
        return "inferred", _year_from_publication(expr, published, after), _published_evidence(published)
    same = [d for d in sentence_dates if d.has_year and d is not expr and not d.anniversary]
    if same:
        nearest = min(same, key=lambda d: abs(d.start - expr.start))
        return "stated", nearest.year, nearest.text
    if body_ref is not None:
        return "inferred", body_ref.year, body_ref.text
    return "", None, ""


def _weekday(expr: DateExpr, published: dt.date | None, after: bool) -> Resolved:
    """A weekday ("on Monday") is the latest such day on or before the
    publication date (for a plan, ``after``, the earliest on or after it);
    unknown without a publication date."""
    if published is None or expr.weekday is None:
        return UNKNOWN
    shift = (expr.weekday - published.weekday()) % 7 if after else -((published.weekday() - expr.weekday) % 7)
    day = published + dt.timedelta(days=shift)
    return Resolved(day, day, "day", "inferred", _published_evidence(published))


def _day_of_month(expr: DateExpr, published: dt.date | None, after: bool) -> Resolved:
    """"On the 12th": the latest such day on or before the publication date (for a
    plan, ``after``, the earliest on or after it)."""
    if published is None or expr.day1 is None:
        return UNKNOWN
    index = published.year * 12 + published.month - 1
    for _ in range(3):
        year, month = divmod(index, 12)
        if expr.day1 <= calendar.monthrange(year, month + 1)[1]:
            day = dt.date(year, month + 1, expr.day1)
            if (day >= published) if after else (day <= published):
                return Resolved(day, day, "day", "inferred", _published_evidence(published))
        index += 1 if after else -1
    return UNKNOWN


def _relative_span(expr: DateExpr, published: dt.date | None) -> Resolved:
    """"yesterday" is the day before the publication date; "last week" the calendar
    week (Monday to Sunday) before the publication week; "this month" the
    publication month; unknown without a publication date."""
    if published is None:
        return UNKNOWN
    evidence = _published_evidence(published)
    if expr.day_offset is not None:
        day = published + dt.timedelta(days=expr.day_offset)
        return Resolved(day, day, "day", "inferred", evidence)
    if expr.week_offset is not None:
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=expr.week_offset)
        return Resolved(monday, monday + dt.timedelta(days=6), "day", "inferred", evidence)
    index = published.year * 12 + published.month - 1 + (expr.month_offset or 0)
    year, month = divmod(index, 12)
    start = dt.date(year, month + 1, 1)
    return Resolved(start, dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1]), "month", "inferred", evidence)


def _relative_year(expr: DateExpr, body_ref: DateExpr | None, published: dt.date | None) -> Resolved:
    """A month of "last year", "this year", "next year": the year is counted from
    the publication year, else from the body's year."""
    if published is not None:
        base, evidence = published.year, _published_evidence(published)
    elif body_ref is not None and body_ref.year is not None:
        base, evidence = body_ref.year, body_ref.text
    else:
        return UNKNOWN
    start, end = _bounds(expr, base + (expr.year_offset or 0))
    return Resolved(start, end, expr.precision, "inferred", evidence)


def resolve_nearest(expr: DateExpr | None, sentence_dates: list[DateExpr], body_ref: DateExpr | None,
                    published: dt.date | None) -> Resolved:
    """For a meeting called off, which may be told before or after its day: of
    the readings on or before and on or after the publication date, the one
    nearer to it."""
    before = resolve(expr, sentence_dates, body_ref, published, after=False)
    ahead = resolve(expr, sentence_dates, body_ref, published, after=True)
    if published is None or before.start is None or ahead.start is None:
        return before if before.start is not None else ahead
    return min((before, ahead), key=lambda r: abs((r.start - published).days))  # type: ignore[operator]


def resolve(expr: DateExpr | None, sentence_dates: list[DateExpr], body_ref: DateExpr | None,
            published: dt.date | None = None, after: bool = False) -> Resolved:
    """Bounds for ``expr``; the year comes from the expression itself (stated),
    else the publication date (inferred: the latest such date on or before it,
    or for a plan, ``after``, the earliest on or after it), else the nearest year
    in the same sentence (stated), else ``body_ref`` (inferred). Weekdays,
    relative weeks, months and years are counted from the publication date."""
    if expr is None:
        return UNKNOWN
    after = (after or expr.ahead) and not expr.past
    if expr.weekday is not None:
        return _weekday(expr, published, after)
    if expr.week_offset is not None or expr.month_offset is not None or expr.day_offset is not None:
        return _relative_span(expr, published)
    if expr.day1 is not None and expr.month1 is None:
        return _day_of_month(expr, published, after)
    if expr.year_offset is not None and not expr.has_year:
        return _relative_year(expr, body_ref, published)
    if expr.has_year:
        try:
            start, end = _bounds(expr, expr.year or 0)
        except ValueError:
            return UNKNOWN
        return Resolved(start, end, expr.precision, "stated", "")
    basis, year, evidence = _year_source(expr, sentence_dates, body_ref, published, after)
    if year is None:
        return UNKNOWN
    try:
        start, end = _bounds(expr, year)
    except ValueError:  # 29/2 in a non-leap year
        return UNKNOWN
    return Resolved(start, end, expr.precision, basis, evidence)
