"""Stage 5, events: group the meeting rows of every article into real-world events
and say what each row is (GDELT keeps events apart from their mentions; so do we).

A meeting row is a *mention*. Each mention gets a **role** from the other rows of
its own article (thresholds and kinds in ``reference/events.toml``):

- ``context``: a *held* mention that ended more than ``[roles] context_gap_days``
  before the latest start of another held meeting of the same article (a past
  meeting or a state visit named in passing). Mentions without an end date, and
  planned or cancelled ones, are never context.
- ``session_of_visit``: otherwise, a mention of a ``session_kinds`` kind (talks)
  whose day-precise bounds lie within those of a day-precise ``visit_kinds`` mention
  of the same article with the same parties (``parties_agree``) and an agreeing
  status: the talks held during that visit.
- ``event``: everything else (the default: precision first).

A meeting the curation file adds with a ``role`` keeps it.

Mentions of different articles are one **event** when they agree pairwise on all of:

- *kind*: the same family (``facts.meetings.FAMILY``: talks and online talks are one);
- *status*: equal, or one of them is an ``[grouping] open_statuses`` status
  (planned talks and the same talks reported held);
- *dates*: both have both bounds, neither spans more than ``[grouping]
  max_span_days`` days, and one's bounds lie within the other's (equal day-precise
  dates included). An unknown or open-ended date never merges;
- *parties*: the same set of countries; for each country, both or neither name a
  province of it (a Vietnamese party without a province may be any border province);
  and the provinces one names are a subset of those the other names (all countries
  together, exact gazetteer ids: "Lai Chau and Honghe" agrees with "Lai Chau, Honghe
  and Yunnan", not with "Ha Giang and Wenshan", "Lai Chau and Yunnan" nor "a
  Vietnamese unit and Honghe").
  Organisations are not compared (articles name them differently);
- and they come from different articles (an article's own rows are different
  meetings by construction: the meeting rules already merged its repeated mentions).

Grouping is greedy and deterministic: mentions are taken tightest dates first (then
by first document, then article order); a mention joins the one event all of whose
mentions it agrees with; if it agrees with none, or with more than one (it could be
either), it starts its own event. So every meeting belongs to exactly one event.

The event's **representative** is its mention in the first document (earliest
``published`` where known, articles with a known date first, then ``document_id``;
within an article the first row), and its id is derived from it: ``m-<doc>-<offset>``
-> ``e-<doc>-<offset>`` (the same seeds give the same ids; adding an earlier article
about the same event moves the id to that article). The event's dates are the
tightest bounds its mentions support (its mentions are nested, so the tightest
mention's bounds); its kind is the representative's; its status the non-open status
its mentions agree on, else planned; its role ``event`` if any mention's role is
``event``, else ``session_of_visit`` if any is, else ``context``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from bordercoop.checks import Issue, column_values, csv_line
from bordercoop.facts import ID_PREFIXES
from bordercoop.facts.meetings import FAMILY
from bordercoop.paths import REFERENCE
from bordercoop.schema import countries, field_names

RULES_PATH = REFERENCE / "events.toml"
EVENT_PREFIX = "e"
ROLES = ("event", "session_of_visit", "context")  # an event's role: the first any mention has
Tables = dict[str, list[dict[str, str]]]


@dataclass(frozen=True)
class Rules:
    max_span_days: int
    open_statuses: frozenset[str]
    context_gap_days: int
    visit_kinds: frozenset[str]
    session_kinds: frozenset[str]


@cache
def load_rules(path: Path = RULES_PATH) -> Rules:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    grouping, roles = data["grouping"], data["roles"]
    return Rules(
        max_span_days=int(grouping["max_span_days"]),
        open_statuses=frozenset(grouping["open_statuses"]),
        context_gap_days=int(roles["context_gap_days"]),
        visit_kinds=frozenset(roles["visit_kinds"]),
        session_kinds=frozenset(roles["session_kinds"]),
    )


@dataclass(frozen=True)
class Mention:
    """One meeting row, as the grouping reads it."""

    meeting_id: str
    document_id: str
    order: tuple  # first document first (see module docstring), then article order
    kind: str
    status: str
    start: dt.date | None
    end: dt.date | None
    precision: str
    basis: str
    parties: frozenset[tuple[str, str]]  # (country_code, province_id or "")
    # derived from the fields above (computed once: the grouping reads them often)
    span: int | None = field(init=False)  # days the bounds cover (1 for one day); None when a bound is unknown
    countries: frozenset[str] = field(init=False)
    provinces: frozenset[str] = field(init=False)
    province_sides: frozenset[str] = field(init=False)  # the countries with a province named

    def __post_init__(self) -> None:
        known = self.start is not None and self.end is not None
        object.__setattr__(self, "span", (self.end - self.start).days + 1 if known else None)
        object.__setattr__(self, "countries", frozenset(c for c, _ in self.parties))
        object.__setattr__(self, "provinces", frozenset(p for _, p in self.parties if p))
        object.__setattr__(self, "province_sides", frozenset(c for c, p in self.parties if p))


def _date(cell: str) -> dt.date | None:
    return dt.date.fromisoformat(cell) if cell else None


def document_order(documents: list[dict[str, str]]) -> dict[str, tuple]:
    """document_id -> sort key: known publication dates first, earliest first, then
    document_id."""
    return {d["document_id"]: (d["published"] == "", d["published"], d["document_id"]) for d in documents}


def mentions_of(tables: Tables) -> list[Mention]:
    """The meetings table as mentions, in table order."""
    parties: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for p in tables["meeting_parties"]:
        parties[p["meeting_id"]].add((p["country_code"], p["province_id"]))
    docs = document_order(tables["documents"])
    return [
        Mention(m["meeting_id"], m["document_id"], (docs.get(m["document_id"], (True, "", m["document_id"])), i),
                m["kind"], m["status"], _date(m["date_start"]), _date(m["date_end"]), m["date_precision"],
                m["date_basis"], frozenset(parties[m["meeting_id"]]))
        for i, m in enumerate(tables["meetings"])
    ]


# ---------------------------------------------------------------- agreement


def parties_agree(a: Mention, b: Mention) -> bool:
    """Same countries; for each country both or neither name a province of it; one's
    provinces a subset of the other's."""
    if a.countries != b.countries or a.province_sides != b.province_sides:
        return False
    return a.provinces <= b.provinces or b.provinces <= a.provinces


def statuses_agree(a: Mention, b: Mention, rules: Rules) -> bool:
    return a.status == b.status or a.status in rules.open_statuses or b.status in rules.open_statuses


def within(inner: Mention, outer: Mention) -> bool:
    """Both bounds of ``inner`` known and inside those of ``outer``."""
    if inner.span is None or outer.span is None:
        return False
    return outer.start <= inner.start and inner.end <= outer.end


def dates_agree(a: Mention, b: Mention, rules: Rules) -> bool:
    if not mergeable(a, rules) or not mergeable(b, rules):
        return False
    return within(a, b) or within(b, a)


def mergeable(m: Mention, rules: Rules) -> bool:
    """Dates precise enough to be compared with another article's."""
    return m.span is not None and 1 <= m.span <= rules.max_span_days  # bounds out of order: validate reports them


def same_event(a: Mention, b: Mention, rules: Rules) -> bool:
    """May two mentions of different articles tell of one event?"""
    return (a.document_id != b.document_id and FAMILY[a.kind] == FAMILY[b.kind]
            and statuses_agree(a, b, rules) and dates_agree(a, b, rules) and parties_agree(a, b))


# ---------------------------------------------------------------- roles


def _is_context(m: Mention, others: list[Mention], rules: Rules) -> bool:
    starts = [o.start for o in others if o.status == "held" and o.start is not None]
    if m.status != "held" or m.end is None or not starts:
        return False
    return (max(starts) - m.end).days > rules.context_gap_days


def _is_session(m: Mention, others: list[Mention], rules: Rules) -> bool:
    if m.kind not in rules.session_kinds or m.precision != "day":
        return False
    return any(o.kind in rules.visit_kinds and o.precision == "day" and within(m, o)
               and parties_agree(m, o) and statuses_agree(m, o, rules) for o in others)


def roles(mentions: list[Mention], rules: Rules) -> dict[str, str]:
    """meeting_id -> role, each from the other rows of its article."""
    by_document: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_document[m.document_id].append(m)
    result = {}
    for m in mentions:
        others = [o for o in by_document[m.document_id] if o.meeting_id != m.meeting_id]
        if _is_context(m, others, rules):
            result[m.meeting_id] = "context"
        elif _is_session(m, others, rules):
            result[m.meeting_id] = "session_of_visit"
        else:
            result[m.meeting_id] = "event"
    return result


# ---------------------------------------------------------------- grouping


def _block(m: Mention) -> tuple:
    """Mentions that can agree share this key (and at least one day)."""
    return FAMILY[m.kind], m.countries, m.province_sides


def _days(m: Mention) -> range:
    """The days the bounds cover, as ordinals."""
    first = m.start.toordinal()
    return range(first, first + (m.span or 0))


def group_mentions(mentions: list[Mention], rules: Rules) -> list[list[Mention]]:
    """Events as lists of mentions (see the module docstring), each list in
    representative order, the lists in the order of their representatives."""
    groups: list[list[Mention]] = []
    index: dict[tuple, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))  # block -> day -> groups
    for m in sorted(mentions, key=lambda m: (m.span is None, m.span or 0, m.order)):
        if not mergeable(m, rules):
            groups.append([m])
            continue
        by_day, days = index[_block(m)], _days(m)
        candidates = sorted({g for day in days for g in by_day.get(day, ())})
        fits = [g for g in candidates if all(same_event(m, other, rules) for other in groups[g])]
        if len(fits) == 1:
            groups[fits[0]].append(m)
            target = fits[0]
        else:
            groups.append([m])
            target = len(groups) - 1
        for day in days:
            if target not in by_day[day]:
                by_day[day].append(target)
    events = [sorted(g, key=lambda m: m.order) for g in groups]
    return sorted(events, key=lambda g: g[0].order)


def event_id(meeting_id: str) -> str:
    """``m-<doc>-<offset>`` -> ``e-<doc>-<offset>``."""
    return EVENT_PREFIX + meeting_id[len(ID_PREFIXES["meetings"]):]


def _country_list(codes: frozenset[str]) -> str:
    return " ".join(c for c in countries() if c in codes)


def event_row(group: list[Mention], role_of: dict[str, str], rules: Rules) -> dict[str, str]:
    first = group[0]
    tightest = min(group, key=lambda m: (m.span is None, m.span or 0, m.order))
    settled = [m.status for m in group if m.status not in rules.open_statuses]
    mention_roles = {role_of[m.meeting_id] for m in group}
    foreign = first.countries - {"VN"}
    row = {
        "event_id": event_id(first.meeting_id), "meeting_id": first.meeting_id, "first_document_id": first.document_id,
        "kind": first.kind, "status": settled[0] if settled else first.status,
        "role": next(r for r in ROLES if r in mention_roles),
        "date_start": tightest.start.isoformat() if tightest.start else "",
        "date_end": tightest.end.isoformat() if tightest.end else "",
        "date_precision": tightest.precision, "date_basis": tightest.basis,
        "countries": _country_list(first.countries), "neighbour": next(iter(foreign)) if len(foreign) == 1 else "",
        "mention_count": str(len(group)),
    }
    return {name: row[name] for name in field_names("events")}


def add_events(tables: Tables, rules: Rules | None = None) -> Tables:
    """Fill ``tables["events"]`` and the meetings' ``event_id`` and ``role`` cells."""
    rules = rules or load_rules()
    mentions = mentions_of(tables)
    # a role already in a row (a curated meeting added with one) stands
    role_of = {**roles(mentions, rules), **{m["meeting_id"]: m["role"] for m in tables["meetings"] if m.get("role")}}
    groups = group_mentions(mentions, rules)
    event_of = {m.meeting_id: event_id(g[0].meeting_id) for g in groups for m in g}
    for row in tables["meetings"]:
        row["event_id"] = event_of[row["meeting_id"]]
        row["role"] = role_of[row["meeting_id"]]
    tables["events"] = [event_row(g, role_of, rules) for g in groups]
    return tables


# ---------------------------------------------------------------- checks


def check_events(frames: dict[str, pd.DataFrame]) -> list[Issue]:
    """Each event's mention_count is its number of meetings, and its representative
    meeting exists and belongs to it (not a declared foreign key: meetings.event_id
    references events, and the database cannot load keys that form a cycle)."""
    meetings, events = frames["meetings"], frames["events"]
    counts = meetings["event_id"].value_counts(dropna=True).to_dict()
    belongs = dict(zip(column_values(meetings, "meeting_id"), column_values(meetings, "event_id"), strict=True))
    issues = []
    columns = (column_values(events, c) for c in ("event_id", "meeting_id", "mention_count"))
    for index, eid, meeting_id, count in zip(events.index.tolist(), *columns, strict=True):
        if not pd.isna(count) and counts.get(eid, 0) != count:
            issues.append(Issue("events", csv_line(index), "mention_count", f"{count} but {counts.get(eid, 0)} meetings have event_id {eid!r}"))
        if pd.isna(meeting_id):
            continue  # reported as a required value
        if meeting_id not in belongs:
            issues.append(Issue("events", csv_line(index), "meeting_id", f"{meeting_id!r} not found in meetings.meeting_id"))
        elif belongs[meeting_id] != eid:
            issues.append(Issue("events", csv_line(index), "meeting_id", f"representative {meeting_id!r} belongs to event {belongs[meeting_id]!r}"))
    return issues
