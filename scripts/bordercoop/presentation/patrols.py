"""Joint patrol personnel per border and period, each bar labelled with its scope
(per side, total, not stated): figures of different scopes are never added."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Patch

Row = Mapping[str, Any]

PATROLS_SQL = """
    SELECT country_a || '-' || country_b AS border, level, patrol_count, personnel, personnel_scope,
           period_start, period_end, document_id, patrol_id
    FROM patrols
    ORDER BY border, period_start NULLS LAST, personnel_scope, level, patrol_id
"""
SCOPE_STYLE = {
    "per_side": {"color": "#2e86c1", "hatch": "", "label": "per side (each country)"},
    "total": {"color": "#e67e22", "hatch": "//", "label": "total (both sides together)"},
    "unknown": {"color": "#aab7b8", "hatch": "..", "label": "scope not stated"},
}


def patrol_label(p: Row) -> str:
    return f"{p['border']} \u00b7 {p['level']} \u00b7 {p['period_start'] or '?'} to {p['period_end'] or '?'} \u00b7 {p['document_id']}"


def patrols_figure(rows: Sequence[Row]) -> Figure | None:
    """One bar per patrol row (rows of ``PATROLS_SQL``); None when there are none."""
    if not rows:
        return None
    fig = Figure(figsize=(11, 1.8 + 0.55 * len(rows)), layout="constrained")
    ax = fig.subplots()
    largest = max([p["personnel"] or 0 for p in rows] + [1])
    ordered = list(reversed(rows))
    for y, p in enumerate(ordered):
        style = SCOPE_STYLE[p["personnel_scope"]]
        patrols = "patrols not counted" if p["patrol_count"] is None else f"{p['patrol_count']} patrol(s)"
        if p["personnel"] is None:
            ax.text(0, y, f"  personnel not stated \u00b7 {patrols}", va="center", fontsize=8)
            continue
        ax.barh(y, p["personnel"], height=0.55, color=style["color"], hatch=style["hatch"], edgecolor="#333333", linewidth=0.6)
        ax.text(p["personnel"] + largest * 0.01, y, f"{p['personnel']:,} {style['label']} \u00b7 {patrols}", va="center", fontsize=8)
    ax.set_yticks(range(len(ordered)), [patrol_label(p) for p in ordered])
    ax.set_ylim(-0.7, len(ordered) - 0.3)
    ax.set_xlim(0, largest * 1.75)
    ax.set_xlabel("personnel as reported (the scope differs by bar: see the labels)")
    ax.set_title("Joint patrol personnel by border and reporting period\n"
                 "(per-side, total and unstated figures are not comparable and are not added)")
    fig.legend(
        handles=[Patch(facecolor=s["color"], hatch=s["hatch"], edgecolor="#333333", label=s["label"]) for s in SCOPE_STYLE.values()],
        loc="outside lower center", ncols=3, fontsize=8,
    )
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig
