"""Figures as bytes that do not change from run to run."""

from __future__ import annotations

import io

from matplotlib.figure import Figure


def png(fig: Figure) -> bytes:
    """The figure as a PNG without metadata (no software or date chunks), so reruns
    give identical bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
