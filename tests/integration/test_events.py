"""Events across articles: written articles (tests/sets/en/events/) built by the
pipeline, and the invariants every build holds whatever the corpus."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from bordercoop.pipeline import BuildResult, run_pipeline

SET = Path(__file__).resolve().parents[1] / "sets" / "en" / "events"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return run_pipeline(SET, tmp_path_factory.mktemp("events"))


def by_document(result: BuildResult) -> dict[str, dict[str, str]]:
    """document stem prefix (ev_01...) -> its one meeting row."""
    rows = {m["document_id"][:5]: m for m in result.tables["meetings"]}
    assert len(rows) == len(result.tables["meetings"]), "each written article reports one meeting"
    return rows


def test_two_articles_about_the_same_talks_give_one_event_with_two_mentions(written: BuildResult) -> None:
    m = by_document(written)
    assert m["ev_01"]["event_id"] == m["ev_02"]["event_id"]
    (event,) = [e for e in written.tables["events"] if e["event_id"] == m["ev_01"]["event_id"]]
    assert event["mention_count"] == "2"
    assert event["first_document_id"] == m["ev_01"]["document_id"]  # published a day before ev_02
    assert event["event_id"] == "e" + m["ev_01"]["meeting_id"][1:]
    assert (event["date_start"], event["date_end"], event["date_precision"]) == ("2025-05-14", "2025-05-14", "day")
    assert (event["kind"], event["status"], event["role"], event["neighbour"]) == ("talks", "held", "event", "CN")


def test_different_talks_on_the_same_day_stay_two_events(written: BuildResult) -> None:
    m = by_document(written)
    assert m["ev_03"]["date_start"] == m["ev_01"]["date_start"]
    assert m["ev_03"]["event_id"] != m["ev_01"]["event_id"]
    assert len(written.tables["events"]) == 2


def test_event_ids_are_the_same_on_a_rebuild(written: BuildResult, tmp_path: Path) -> None:
    again = run_pipeline(SET, tmp_path)
    assert again.tables["events"] == written.tables["events"]
    assert again.tables["meetings"] == written.tables["meetings"]


def test_every_meeting_belongs_to_exactly_one_event(pipeline: BuildResult) -> None:
    """On the seeds (any corpus): mention counts add up, and each event's id is
    derived from one of its own meetings."""
    events = {e["event_id"]: e for e in pipeline.tables["events"]}
    meetings = pipeline.tables["meetings"]
    assert all(m["event_id"] in events for m in meetings)
    counts = Counter(m["event_id"] for m in meetings)
    assert {eid: int(e["mention_count"]) for eid, e in events.items()} == dict(counts)
    own = {m["meeting_id"]: m["event_id"] for m in meetings}
    assert all(own[e["meeting_id"]] == eid and eid == "e" + e["meeting_id"][1:] for eid, e in events.items())
    documents = {}
    for m in meetings:
        assert documents.setdefault((m["event_id"], m["document_id"]), m["meeting_id"]) == m["meeting_id"], "two mentions of one event in one article"


def test_committed_events_csv_lists_the_roles_of_its_meetings(root: Path) -> None:
    with open(root / "data" / "events.csv", encoding="utf-8", newline="") as fh:
        events = {e["event_id"]: e for e in csv.DictReader(fh)}
    with open(root / "data" / "meetings.csv", encoding="utf-8", newline="") as fh:
        roles: dict[str, set[str]] = {}
        for m in csv.DictReader(fh):
            roles.setdefault(m["event_id"], set()).add(m["role"])
    for eid, e in events.items():
        expected = next(r for r in ("event", "session_of_visit", "context") if r in roles[eid])
        assert e["role"] == expected, eid
