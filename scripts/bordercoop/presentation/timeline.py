"""The meeting timeline: one labelled row per meeting, or counts per period when
there are too many rows to read.

Rows (``meeting_timeline`` summary rows: neighbour, meeting_id, kind, status,
date_start, date_end, date_precision, date_basis, date_text) are drawn only as
precisely as their dates are known. The shape says how precise the date is
(dots for days, a bar for a month or year, an arrow from a single bound); the
marker and line say where it came from (``date_basis``: stated, inferred or
curated). Above ``MAX_ROWS`` placed rows, the figure counts the meetings per
month (or quarter, over long spans) and neighbour instead.

Events: when the ``events`` table lands (``meetings.event_id``), the counts
count distinct events (``count_key``), so two articles on the same talks count once.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bordercoop.presentation.labels import UNKNOWN_NEIGHBOUR, country_name, meeting_label

Row = Mapping[str, Any]

MAX_ROWS = 40  # more placed meetings than this: counts per period instead of one row each
MONTHS_MAX_SPAN = 36  # counts per month over at most this many months, else per quarter
MAX_LISTED = 12  # unplaced meetings listed by name under the plot; more are only counted
PAD = dt.timedelta(days=120)
WIDTH = 12  # inches
LEGEND_HEIGHT = 0.9  # inches under the plot and the note
LABEL_WIDTH = 60  # characters per line of a meeting's label; longer labels wrap
COLOUR = {"CN": "#b03a2e", "LA": "#1f618d", "KH": "#1e8449", UNKNOWN_NEIGHBOUR: "#7f8c8d"}
GREY = "#555555"


@dataclass(frozen=True)
class BasisStyle:
    marker: str
    filled: bool
    linestyle: str
    hatch: str
    label: str


BASIS_STYLE = {
    "stated": BasisStyle("o", True, "-", "", "stated in the sentence: filled dot, solid line"),
    "inferred": BasisStyle("o", False, "--", "//", "year inferred from the article: hollow dot, dashed line"),
    "curated": BasisStyle("s", True, ":", "..", "set by a curator: square, dotted line"),
}
NO_BASIS = BasisStyle("x", True, "-", "", "no basis")


def colour(neighbour: str) -> str:
    return COLOUR.get(neighbour, COLOUR[UNKNOWN_NEIGHBOUR])


def basis_style(m: Row) -> BasisStyle:
    return BASIS_STYLE.get(m["date_basis"] or "", NO_BASIS)


def is_placed(m: Row) -> bool:
    return bool(m["date_start"] or m["date_end"])


def count_key(m: Row) -> str:
    """What one count is: the event when the package has events, else the meeting."""
    return m.get("event_id") or m["meeting_id"]


def timeline_figure(rows: Sequence[Row], parties: Mapping[str, Sequence[Row]]) -> Figure | None:
    """The timeline of ``rows`` (None when there are none); ``parties`` by meeting_id."""
    if not rows:
        return None
    placed = [m for m in rows if is_placed(m)]
    unplaced = [m for m in rows if not is_placed(m)]
    if len(placed) > MAX_ROWS:
        return counts_figure(placed, unplaced)
    return rows_figure(placed, unplaced, parties)


# ------------------------------------------------------------------ one row per meeting


def draw_meeting(ax: Axes, y: int, m: Row, x_limits: tuple[float, float]) -> None:
    """One meeting at height y: dots (days), a bar (month/year) or an arrow (one bound)."""
    c, style = colour(m["neighbour"]), basis_style(m)
    start = mdates.date2num(m["date_start"]) if m["date_start"] else None
    end = mdates.date2num(m["date_end"]) if m["date_end"] else None
    face = c if style.filled else "white"
    if m["date_precision"] == "day" and start is not None and end is not None:
        ax.plot([start, end], [y, y], linestyle=style.linestyle, marker=style.marker, color=c,
                markerfacecolor=face, markersize=6, linewidth=2)
    elif m["date_precision"] in ("month", "year") and start is not None and end is not None:
        ax.barh(y, end + 1 - start, left=start, height=0.5, color=c, alpha=0.3)
        ax.barh(y, end + 1 - start, left=start, height=0.5, fill=False, edgecolor=c, hatch=style.hatch,
                linestyle=style.linestyle, linewidth=1.5)
    else:  # only one bound (or day bounds missing one end): an arrow from the bound
        bound = start if start is not None else end
        ax.annotate("", xy=(x_limits[1] if start is not None else x_limits[0], y), xytext=(bound, y),
                    arrowprops={"arrowstyle": "->", "linestyle": style.linestyle, "color": c, "linewidth": 1.5})
        ax.plot([bound], [y], marker=style.marker, markerfacecolor=face, markersize=7, color=c)


def legend_handles(neighbours: Sequence[str], shapes: bool) -> list[Any]:
    handles: list[Any] = [Patch(color=colour(n), label=country_name(n)) for n in neighbours]
    for style in BASIS_STYLE.values():
        if shapes:
            handles.append(Line2D([], [], color=GREY, marker=style.marker, markerfacecolor=GREY if style.filled else "white",
                                  linestyle=style.linestyle, label=style.label))
        else:
            handles.append(Patch(facecolor="white", edgecolor=GREY, hatch=style.hatch, label=style.label.split(":")[0]))
    if shapes:
        handles += [
            Line2D([], [], color=GREY, marker="o", linestyle="-", label="day(s) known: dot(s) on the day(s)"),
            Patch(facecolor=GREY, alpha=0.3, edgecolor=GREY, label="only the month or year known: a bar over it"),
            Line2D([], [], color=GREY, linestyle="-", marker=">", label="only one bound known: arrow from the bound"),
        ]
    return handles


def x_range(placed: Sequence[Row]) -> tuple[float, float]:
    known = [d for m in placed for d in (m["date_start"], m["date_end"]) if d]
    return mdates.date2num(min(known) - PAD), mdates.date2num(max(known) + PAD)


def unplaced_lines(unplaced: Sequence[Row], parties: Mapping[str, Sequence[Row]] | None) -> list[str]:
    if not unplaced:
        return []
    lines = [f"Not placed (no date bounds): {len(unplaced)}" + (":" if parties is not None else ".")]
    if parties is None:
        return lines
    for m in unplaced[:MAX_LISTED]:
        text = f", text \u201c{m['date_text']}\u201d" if m["date_text"] else ""
        lines.append(f"{meeting_label(m, parties.get(m['meeting_id'], []))}{text}")
    if len(unplaced) > MAX_LISTED:
        lines.append(f"and {len(unplaced) - MAX_LISTED} more (see the meetings table)")
    return lines


def figure_with_note(main_height: float, note: list[str]) -> tuple[Figure, Axes | None]:
    """A figure with a plot of ``main_height`` inches (none if 0) over a text note
    that spans the whole width."""
    note_height = 0.2 * len(note) + 0.15 if note else 0.0
    heights = [h for h in (main_height, note_height) if h]
    fig = Figure(figsize=(WIDTH, sum(heights) + LEGEND_HEIGHT), layout="constrained")
    parts = list(fig.subfigures(len(heights), 1, height_ratios=heights, squeeze=False)[:, 0])
    ax = parts.pop(0).subplots() if main_height else None
    if note:
        parts[0].text(0.01, 0.98, "\n".join(note), va="top", ha="left", fontsize=8.5, linespacing=1.6)
    return fig, ax


def date_axis(ax: Axes, x_limits: tuple[float, float]) -> None:
    ax.set_xlim(*x_limits)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=12))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)


def rows_figure(placed: Sequence[Row], unplaced: Sequence[Row], parties: Mapping[str, Sequence[Row]]) -> Figure:
    note = unplaced_lines(unplaced, parties)
    fig, ax = figure_with_note(0.42 * len(placed) + 0.8 if placed else 0.0, note)
    if ax is not None:
        x_limits = x_range(placed)
        ordered = list(reversed(placed))
        for y, m in enumerate(ordered):
            draw_meeting(ax, y, m, x_limits)
        ax.set_yticks(range(len(ordered)), [textwrap.fill(meeting_label(m, parties.get(m["meeting_id"], [])), LABEL_WIDTH)
                                            for m in ordered], fontsize=8)
        for tick, m in zip(ax.get_yticklabels(), ordered, strict=True):
            tick.set_color(colour(m["neighbour"]))
        ax.set_ylim(-0.7, len(ordered) - 0.3)
        date_axis(ax, x_limits)
        ax.set_title("Who met whom, and when (as precisely as the date is known)", loc="left")
    neighbours = list(dict.fromkeys(m["neighbour"] for m in [*placed, *unplaced]))
    fig.legend(handles=legend_handles(neighbours, shapes=True), loc="outside lower center", ncols=3, fontsize=8)
    return fig


# ------------------------------------------------------------------ counts per period


def period_of(day: dt.date, months: int) -> dt.date:
    """The first day of the month (months=1) or quarter (months=3) of ``day``."""
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


def period_months(placed: Sequence[Row]) -> int:
    known = [d for m in placed for d in (m["date_start"], m["date_end"]) if d]
    first, last = min(known), max(known)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    return 1 if span <= MONTHS_MAX_SPAN else 3


def period_counts(placed: Sequence[Row], months: int) -> tuple[Counter[tuple[str, str, dt.date]], Counter[str]]:
    """Counts by (neighbour, basis, period) of what falls within one period, and by
    neighbour of what does not (one bound only, or bounds in different periods)."""
    within: dict[tuple[str, str, dt.date], set[str]] = {}
    outside: dict[str, set[str]] = {}
    for m in placed:
        start, end = m["date_start"], m["date_end"]
        if start and end and period_of(start, months) == period_of(end, months):
            key = (m["neighbour"], m["date_basis"] or "", period_of(start, months))
            within.setdefault(key, set()).add(count_key(m))
        else:
            outside.setdefault(m["neighbour"], set()).add(count_key(m))
    return Counter({k: len(v) for k, v in within.items()}), Counter({k: len(v) for k, v in outside.items()})


def period_end(start: dt.date, months: int) -> dt.date:
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def counts_figure(placed: Sequence[Row], unplaced: Sequence[Row]) -> Figure:
    months = period_months(placed)
    within, outside = period_counts(placed, months)
    unit = "month" if months == 1 else "quarter"
    note = [f"Not within one {unit} (one bound only, or bounds in different {unit}s): "
            + ", ".join(f"{country_name(n)} {c}" for n, c in sorted(outside.items()))] if outside else []
    note += unplaced_lines(unplaced, None)
    neighbours = sorted({n for n, _, _ in within} | set(outside) | {m["neighbour"] for m in unplaced})
    fig, ax = figure_with_note(4.5, note)
    assert ax is not None
    bottoms: Counter[dt.date] = Counter()
    for neighbour in neighbours:
        for basis, style in BASIS_STYLE.items():
            for period in sorted(p for n, b, p in within if n == neighbour and b == basis):
                count = within[neighbour, basis, period]
                left, width = mdates.date2num(period), (period_end(period, months) - period).days * 0.85
                ax.bar(left, count, width=width, bottom=bottoms[period], align="edge", color=colour(neighbour),
                       hatch=style.hatch, edgecolor="white", linewidth=0.5)
                bottoms[period] += count
    periods = sorted({p for _, _, p in within})
    if periods:
        date_axis(ax, (mdates.date2num(periods[0] - PAD), mdates.date2num(period_end(periods[-1], months) + PAD)))
    ax.set_ylabel(f"meetings per {unit}")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Meetings per {unit} and neighbour ({len(placed)} with a date; counted where it falls within one {unit})",
                 loc="left")
    fig.legend(handles=legend_handles(neighbours, shapes=False), loc="outside lower center", ncols=4, fontsize=8)
    return fig
