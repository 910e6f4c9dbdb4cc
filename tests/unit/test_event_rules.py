"""Grouping meeting rows into events, and each row's role (stages/events.py), on
small hand-made tables: every rule of the module docstring, one case each."""

from __future__ import annotations

import copy

import pytest

from bordercoop.stages.events import Rules, add_events, event_id, load_rules

RULES = load_rules()


def meeting(doc: str, offset: int, kind: str = "talks", start: str = "2025-05-14", end: str | None = None,
            precision: str = "day", status: str = "held", parties: tuple[tuple[str, str], ...] = (("VN", "vn-lai-chau"), ("CN", "cn-honghe"))) -> dict:
    end = start if end is None else end
    return {"meeting_id": f"m-{doc}-{offset}", "document_id": doc, "kind": kind, "status": status,
            "date_start": start, "date_end": end, "date_precision": precision if start or end else "unknown",
            "date_basis": "stated" if start or end else "", "parties": parties}


def tables(*meetings: dict, published: dict[str, str] | None = None) -> dict:
    published = published or {}
    docs = sorted({m["document_id"] for m in meetings})
    rows, parties = [], []
    for m in meetings:
        m = dict(m)
        for i, (country, province) in enumerate(m.pop("parties")):
            parties.append({"meeting_id": m["meeting_id"], "party_index": str(i), "country_code": country, "province_id": province})
        rows.append({**m, "event_id": "", "role": ""})
    return {"documents": [{"document_id": d, "published": published.get(d, "")} for d in docs],
            "meetings": rows, "meeting_parties": parties, "events": []}


def events_of(*meetings: dict, rules: Rules = RULES, **kw) -> tuple[list[dict], dict[str, str], dict[str, str]]:
    """(events rows, meeting_id -> event_id, meeting_id -> role)."""
    t = add_events(tables(*meetings, **kw), rules)
    return t["events"], {m["meeting_id"]: m["event_id"] for m in t["meetings"]}, {m["meeting_id"]: m["role"] for m in t["meetings"]}


def groups(*meetings: dict, **kw) -> set[frozenset[str]]:
    _, event, _ = events_of(*meetings, **kw)
    by_event: dict[str, set[str]] = {}
    for mid, eid in event.items():
        by_event.setdefault(eid, set()).add(mid)
    return {frozenset(g) for g in by_event.values()}


# ---------------------------------------------------------------- grouping


def test_same_talks_in_two_articles_are_one_event_with_two_mentions() -> None:
    events, event, _ = events_of(meeting("a", 10), meeting("b", 20))
    assert len(events) == 1
    assert events[0]["mention_count"] == "2"
    assert event["m-a-10"] == event["m-b-20"] == events[0]["event_id"]


def test_different_talks_on_the_same_day_stay_two_events() -> None:
    other = (("VN", "vn-ha-giang"), ("CN", "cn-wenshan"))
    assert groups(meeting("a", 10), meeting("b", 20, parties=other)) == {frozenset({"m-a-10"}), frozenset({"m-b-20"})}


@pytest.mark.parametrize(("parties_b", "merged"), [
    ((("VN", "vn-lai-chau"), ("CN", "cn-honghe"), ("CN", "cn-yunnan")), True),  # a superset of provinces
    ((("VN", "vn-lai-chau"), ("CN", "")), False),  # the Chinese side's unit not named: it may be another
    ((("VN", ""), ("CN", "cn-honghe")), False),  # the Vietnamese unit not named
    ((("VN", ""), ("CN", "")), False),  # national bodies vs provinces
    ((("VN", "vn-lai-chau"), ("CN", "cn-yunnan")), False),  # Honghe is in Yunnan, but the ids differ
    ((("VN", "vn-lai-chau"), ("LA", "la-phongsaly")), False),  # other countries
    ((("VN", "vn-lai-chau"), ("CN", "cn-honghe"), ("LA", "la-phongsaly")), False),  # a third country
])
def test_party_sets(parties_b: tuple, merged: bool) -> None:
    result = groups(meeting("a", 10), meeting("b", 20, parties=parties_b))
    assert (len(result) == 1) is merged


def test_two_national_mentions_merge() -> None:
    national = (("VN", ""), ("CN", ""))
    assert len(groups(meeting("a", 10, parties=national), meeting("b", 20, parties=national))) == 1


@pytest.mark.parametrize(("b", "merged"), [
    (meeting("b", 20, start="2025-05-01", end="2025-05-31", precision="month"), True),  # day within the month
    (meeting("b", 20, start="2025-05-13", end="2025-05-15"), True),  # day within a stated range
    (meeting("b", 20, start="2025-05-15"), False),  # another day
    (meeting("b", 20, start="2025-01-01", end="2025-12-31", precision="year"), False),  # a year spans > max_span_days
    (meeting("b", 20, start="", end=""), False),  # unknown date
    (meeting("b", 20, start="2025-05-01", end="", precision="unknown"), False),  # open-ended
    (meeting("b", 20, kind="online_talks"), True),  # same family
    (meeting("b", 20, kind="visit"), False),  # another family
    (meeting("b", 20, status="planned"), True),  # planned, then held
    (meeting("b", 20, status="cancelled"), False),  # held vs cancelled
])
def test_kind_status_and_dates(b: dict, merged: bool) -> None:
    assert (len(groups(meeting("a", 10), b)) == 1) is merged


def test_overlapping_ranges_that_do_not_nest_stay_apart() -> None:
    a = meeting("a", 10, kind="visit", start="2025-05-12", end="2025-05-15")
    b = meeting("b", 20, kind="visit", start="2025-05-14", end="2025-05-17")
    assert len(groups(a, b)) == 2


def test_unknown_dates_never_merge_even_when_everything_else_agrees() -> None:
    assert len(groups(meeting("a", 10, start="", end=""), meeting("b", 20, start="", end=""))) == 2


def test_rows_of_one_article_are_never_merged() -> None:
    assert len(groups(meeting("a", 10), meeting("a", 20))) == 2


def test_a_mention_that_fits_two_events_joins_neither() -> None:
    month = meeting("c", 30, start="2025-05-01", end="2025-05-31", precision="month")
    day9, day20 = meeting("a", 10, start="2025-05-09"), meeting("b", 20, start="2025-05-20")
    assert groups(day9, day20, month) == {frozenset({"m-a-10"}), frozenset({"m-b-20"}), frozenset({"m-c-30"})}


def test_every_mention_agrees_with_every_other_of_its_event() -> None:
    """12-16 May contains the 14th, and so does 14-20 May, but the two ranges do not
    nest: once the first joined the 14th, the second stays apart (complete linkage)."""
    day = meeting("a", 10, start="2025-05-14")
    first = meeting("b", 20, start="2025-05-12", end="2025-05-16")
    second = meeting("c", 30, start="2025-05-14", end="2025-05-20")
    assert groups(day, first, second) == {frozenset({"m-a-10", "m-b-20"}), frozenset({"m-c-30"})}
    assert len(groups(day, meeting("d", 40, start="2025-05-01", end="2025-05-31", precision="month"), first)) == 1


def test_the_event_has_the_tightest_bounds_status_and_mention_count() -> None:
    month = meeting("a", 10, start="2025-05-01", end="2025-05-31", precision="month", status="planned")
    day = meeting("b", 20, start="2025-05-14")
    (event,), _, _ = events_of(month, day)
    assert (event["date_start"], event["date_end"], event["date_precision"]) == ("2025-05-14", "2025-05-14", "day")
    assert (event["status"], event["mention_count"], event["countries"], event["neighbour"]) == ("held", "2", "VN CN", "CN")


def test_the_first_document_is_the_earliest_published_then_by_id() -> None:
    (event,), _, _ = events_of(meeting("a", 10), meeting("b", 20), published={"b": "2025-05-15"})
    assert (event["first_document_id"], event["meeting_id"], event["event_id"]) == ("b", "m-b-20", "e-b-20")
    (event,), _, _ = events_of(meeting("a", 10), meeting("b", 20))
    assert (event["first_document_id"], event["event_id"]) == ("a", "e-a-10")


def test_ids_do_not_depend_on_row_order() -> None:
    rows = [meeting("a", 10), meeting("b", 20), meeting("c", 5, kind="visit", start="2025-05-12", end="2025-05-16"),
            meeting("d", 7, start="", end="")]
    forward = add_events(tables(*rows), RULES)
    backward = add_events(tables(*reversed(rows)), RULES)
    assert sorted(map(tuple, (r.items() for r in forward["events"]))) == sorted(map(tuple, (r.items() for r in backward["events"])))
    assert {m["meeting_id"]: m["event_id"] for m in forward["meetings"]} == {m["meeting_id"]: m["event_id"] for m in backward["meetings"]}
    assert event_id("m-doc_1-123") == "e-doc_1-123"


def test_add_events_is_a_pure_function_of_the_rows() -> None:
    t = tables(meeting("a", 10), meeting("b", 20))
    assert add_events(copy.deepcopy(t), RULES) == add_events(copy.deepcopy(t), RULES)


# ---------------------------------------------------------------- roles


def test_a_past_meeting_named_in_passing_is_context() -> None:
    gap = RULES.context_gap_days
    talks = meeting("a", 10, start="2024-08-28")
    old_visit = meeting("a", 50, kind="visit", start="2024-08-18", end=f"2024-08-{28 - gap - 1:02d}")
    near_visit = meeting("a", 90, kind="visit", start="2024-08-18", end=f"2024-08-{28 - gap:02d}", parties=(("VN", ""), ("CN", "")))
    _, _, role = events_of(talks, old_visit, near_visit)
    assert role == {"m-a-10": "event", "m-a-50": "context", "m-a-90": "event"}


def test_only_held_meetings_make_others_context() -> None:
    past = meeting("a", 10, start="2024-05-14")
    planned = meeting("a", 20, kind="visit", start="2024-12-01", end="2024-12-03", status="planned")
    _, _, role = events_of(past, planned)
    assert role == {"m-a-10": "event", "m-a-20": "event"}


@pytest.mark.parametrize("status", ["planned", "cancelled"])
def test_only_held_meetings_are_context(status: str) -> None:
    earlier = meeting("a", 10, kind="visit", start="2024-05-01", end="2024-05-03", status=status)
    _, _, role = events_of(earlier, meeting("a", 20, start="2024-12-01"))
    assert role == {"m-a-10": "event", "m-a-20": "event"}


def test_an_earlier_year_is_context_an_undated_meeting_never() -> None:
    last_year = meeting("a", 10, start="2024-01-01", end="2024-12-31", precision="year")
    undated = meeting("a", 20, kind="visit", start="", end="")
    talks = meeting("a", 30, start="2025-12-09")
    _, _, role = events_of(last_year, undated, talks)
    assert role == {"m-a-10": "context", "m-a-20": "event", "m-a-30": "event"}


GUANGXI_VISIT = (("VN", ""), ("CN", "cn-guangxi"))


@pytest.mark.parametrize(("talks", "role"), [
    ({"start": "2024-08-28"}, "session_of_visit"),
    ({"kind": "online_talks", "start": "2024-08-28"}, "session_of_visit"),
    ({"start": "2024-08-31"}, "event"),  # after the visit
    ({"start": "2024-08-28", "parties": (("VN", "vn-lang-son"), ("CN", "cn-yunnan"))}, "event"),  # other parties
    ({"start": "2024-08-01", "end": "2024-08-31", "precision": "month"}, "event"),  # not day-precise
    ({"kind": "exchange", "start": "2024-08-28"}, "event"),  # not a session kind
])
def test_talks_held_during_a_visit(talks: dict, role: str) -> None:
    visit = meeting("a", 90, kind="visit", start="2024-08-26", end="2024-08-30", parties=GUANGXI_VISIT)
    _, _, roles = events_of(meeting("a", 10, **{"parties": GUANGXI_VISIT, **talks}), visit)
    assert roles == {"m-a-10": role, "m-a-90": "event"}


def test_an_event_reported_by_one_article_is_an_event_even_if_another_names_it_in_passing() -> None:
    report = meeting("a", 10, start="2024-08-28")
    in_passing = meeting("b", 10, start="2024-08-28")
    later = meeting("b", 50, start="2024-10-02", parties=(("VN", "vn-lao-cai"), ("CN", "cn-honghe")))
    events, event, role = events_of(report, in_passing, later)
    assert role["m-b-10"] == "context" and event["m-a-10"] == event["m-b-10"]
    assert {e["event_id"]: e["role"] for e in events}[event["m-a-10"]] == "event"


def test_thresholds_are_data() -> None:
    wider = Rules(max_span_days=366, open_statuses=RULES.open_statuses, context_gap_days=RULES.context_gap_days,
                  visit_kinds=RULES.visit_kinds, session_kinds=RULES.session_kinds)
    year = meeting("b", 20, start="2025-01-01", end="2025-12-31", precision="year")
    assert len(groups(meeting("a", 10), year)) == 2
    _, event, _ = events_of(meeting("a", 10), year, rules=wider)
    assert len(set(event.values())) == 1


def test_a_role_already_given_stands() -> None:
    """A meeting the curation file adds with a role keeps it; the event follows."""
    t = tables(meeting("a", 10), meeting("a", 20, kind="visit", start="2024-01-01", end="2024-01-03"))
    t["meetings"][0]["role"] = "context"
    add_events(t, RULES)
    assert [m["role"] for m in t["meetings"]] == ["context", "context"]  # the visit by the rule, the talks as given
    assert [e["role"] for e in t["events"]] == ["context", "context"]
