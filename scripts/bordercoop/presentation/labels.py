"""Who met whom: readable meeting labels from ``meeting_parties`` and the gazetteer.

A party is named by its unit (Vietnamese units by ``name_vi``, foreign ones by
``name_en``), else by its organisation, else a side is named by its country:
"Lao Cai (VN) – Honghe (CN) talks, 2024-03-12" (with the names as the gazetteer writes them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from bordercoop.schema import country_names

HOME = "VN"
UNKNOWN_NEIGHBOUR = "unknown"  # the summaries' neighbour of a meeting without a foreign party
NAME_COLUMN = {HOME: "name_vi"}  # other countries' units: name_en
MAX_NAMES = 2  # per side; more are counted ("+3 more")
DASH = "\u2013"

# The SQL the labels read: one row per party, with its unit's names.
PARTIES_SQL = """
    SELECT mp.meeting_id, mp.party_index, mp.country_code, mp.province_id, mp.organisation, p.name_vi, p.name_en
    FROM meeting_parties AS mp LEFT JOIN provinces AS p USING (province_id)
    ORDER BY mp.meeting_id, mp.party_index
"""

Row = Mapping[str, Any]


def country_name(code: str) -> str:
    """The English name of a country code (``reference/countries.csv``)."""
    if code == UNKNOWN_NEIGHBOUR:
        return "neighbour not identified"
    return country_names().get(code, code)


def party_name(party: Row) -> str | None:
    """The unit's name, else the organisation, else None."""
    if party.get("province_id"):
        column = NAME_COLUMN.get(party["country_code"], "name_en")
        return party.get(column) or party.get("name_en") or party["province_id"]
    return party.get("organisation") or None


def side_text(parties: Iterable[Row], country: str) -> str:
    """One side of a meeting: "Hue + Da Nang +1 more (VN)", or the country's name."""
    names = list(dict.fromkeys(n for p in parties if p["country_code"] == country and (n := party_name(p))))
    if not names:
        return country_name(country)
    shown = " + ".join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown += f" +{len(names) - MAX_NAMES} more"
    return f"{shown} ({country})"


def who_met_whom(parties: Iterable[Row], neighbour: str) -> str:
    parties = list(parties)
    return f"{side_text(parties, HOME)} {DASH} {side_text(parties, neighbour)}"


def parties_by_meeting(rows: Iterable[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["meeting_id"]].append(row)
    return dict(grouped)


def date_range_text(m: Row) -> str:
    """The meeting's date as precisely as it is known."""
    start: dt.date | None = m["date_start"]
    end: dt.date | None = m["date_end"]
    if start and m["date_precision"] == "year":
        return f"{start.year}"
    if start and m["date_precision"] == "month":
        return f"{start:%Y-%m}"
    if start and end:
        return str(start) if start == end else f"{start} to {end}"
    if start or end:
        return f"not before {start}" if start else f"not after {end}"
    return "date unknown"


def kind_text(m: Row) -> str:
    kind = m["kind"].replace("_", " ")
    return kind if m["status"] == "held" else f"{kind} ({m['status']})"


def meeting_label(m: Row, parties: Iterable[Row]) -> str:
    """ "Lao Cai (VN) – Honghe (CN) talks, 2024-03-12" (with the names as the gazetteer writes them): ``m`` has the meeting's kind,
    status, date bounds and neighbour (a row of the meeting_timeline summary)."""
    return f"{who_met_whom(parties, m['neighbour'])} {kind_text(m)}, {date_range_text(m)}"
