"""The report's building blocks: evidence highlighting (nested, crossing, escaped),
who-met-whom labels, and the timeline's switch to counts per period."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

from bordercoop.presentation import evidence, labels, timeline
from bordercoop.presentation.evidence import Span


class Marks(HTMLParser):
    """Text under each data-fact, the whole text, and the ids of first pieces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.by_fact, self.ids, self.stack = "", {}, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "mark":
            self.stack.append(a["data-fact"])
            if "id" in a:
                self.ids.append(a["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text += data
        for fact in self.stack:
            self.by_fact[fact] = self.by_fact.get(fact, "") + data


def marks(html: str) -> Marks:
    parser = Marks()
    parser.feed(html)
    assert parser.stack == []  # every mark closed
    return parser


def span(fact: str, start: int, end: int) -> Span:
    return Span(fact, "t", start, end, fact)


def test_nested_and_crossing_spans_keep_each_fact_text() -> None:
    text = "0123456789abcdef"
    spans = [span("outer", 2, 12), span("inner", 4, 6), span("cross", 10, 14), span("same", 4, 6)]
    html = evidence.highlighted(text, 0, spans)
    parsed = marks(html)
    assert parsed.text == text
    for s in spans:
        assert parsed.by_fact[s.fact_id] == text[s.start:s.end]
    assert sorted(parsed.ids) == sorted(s.fact_id for s in spans)  # one id each, continuation pieces have none


def test_text_is_escaped_and_offsets_are_absolute() -> None:
    text = "a <b> & \"c\" 'd' </mark>"
    offset = 100
    html = evidence.highlighted(text, offset, [span('x"><script>', offset + 2, offset + 5)])
    assert "<b>" not in html and "<script>" not in html
    parsed = marks(html)
    assert parsed.text == text
    assert parsed.by_fact['x"><script>'] == "<b>"


def test_back_link_is_empty_so_marked_text_is_the_evidence() -> None:
    html = evidence.open_tag(span("m-1", 0, 3), first=True)
    assert 'href="#row-m-1"' in html and "></a>" in html


def test_fact_ids_of_single_and_composite_keys() -> None:
    assert evidence.fact_id("meetings", {"meeting_id": "m-1"}) == "m-1"
    row = {"document_id": "d", "country_a": "VN", "country_b": "CN", "segment": "land"}
    assert evidence.fact_id("border_lengths", row) == "border_lengths/d/VN/CN/land"


def party(country: str, province: str | None = None, organisation: str | None = None, name: str | None = None) -> dict:
    return {"country_code": country, "province_id": province, "organisation": organisation,
            "name_vi": name, "name_en": (name or "") + " (en)"}


def test_sides_named_by_unit_then_organisation_then_country() -> None:
    parties = [party("VN", "vn-a", "Org", "Alpha"), party("VN", None, "Ministry"), party("VN", "vn-b", None, "Beta"),
               party("CN", "cn-c", None, "Gamma")]
    assert labels.side_text(parties, "VN") == "Alpha + Ministry +1 more (VN)"
    assert labels.side_text(parties, "CN") == "Gamma (en) (CN)"  # foreign units by their English name
    assert labels.side_text([party("LA")], "LA") == "Laos"
    assert labels.who_met_whom([party("VN")], labels.UNKNOWN_NEIGHBOUR) == "Vietnam \u2013 neighbour not identified"


def meeting(meeting_id: str, start: dt.date | None, end: dt.date | None, precision: str = "day",
            basis: str | None = "stated", **extra: Any) -> dict:
    return {"meeting_id": meeting_id, "neighbour": "CN", "kind": "online_talks", "status": "planned", "date_start": start,
            "date_end": end, "date_precision": precision, "date_basis": basis, "date_text": None, **extra}


def test_meeting_label_says_who_what_and_when() -> None:
    day = dt.date(2024, 3, 12)
    m = meeting("m", day, day)
    assert labels.meeting_label(m, [party("VN", "vn-a", None, "Alpha"), party("CN")]) == \
        "Alpha (VN) \u2013 China online talks (planned), 2024-03-12"
    assert labels.date_range_text(meeting("m", day, None, "unknown")) == "not before 2024-03-12"
    assert labels.date_range_text(meeting("m", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year")) == "2024"
    assert labels.date_range_text(meeting("m", None, None, "unknown")) == "date unknown"


def test_timeline_draws_rows_up_to_the_limit_then_counts_per_period() -> None:
    assert timeline.timeline_figure([], {}) is None
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=40 * i) for i in range(timeline.MAX_ROWS + 1)]
    rows = [meeting(f"m{i}", d, d) for i, d in enumerate(days)]
    few = timeline.timeline_figure(rows[:timeline.MAX_ROWS], {})
    assert len(few.axes[0].get_yticks()) == timeline.MAX_ROWS
    many = timeline.timeline_figure(rows, {})
    assert many.axes[0].get_ylabel() == "meetings per quarter"


def test_counts_count_events_once_and_only_within_one_period() -> None:
    day = dt.date(2024, 5, 2)
    rows = [meeting("a", day, day, event_id="e1"), meeting("b", day, day, event_id="e1"), meeting("c", day, day),
            meeting("d", dt.date(2024, 3, 30), dt.date(2024, 4, 2)), meeting("e", day, None, "unknown")]
    within, outside = timeline.period_counts(rows, 3)
    assert within == {("CN", "stated", dt.date(2024, 4, 1)): 2}
    assert outside == {"CN": 2}
    assert timeline.period_of(dt.date(2024, 12, 31), 1) == dt.date(2024, 12, 1)
