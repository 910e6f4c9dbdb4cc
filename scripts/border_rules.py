"""Rules about border lengths shared by extraction and validation."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

# Land + water may differ from the total by this much (rounding of stated figures).
TOLERANCE_KM = Decimal("0.001")


def segments_add_up(total: Decimal | float, land: Decimal | float, water: Decimal | float) -> bool:
    """True when land + water = total to within TOLERANCE_KM."""
    return abs(Decimal(str(land)) + Decimal(str(water)) - Decimal(str(total))) <= TOLERANCE_KM


def segments_disagree(lengths: Mapping[str, Decimal | float], qualified: bool) -> bool:
    """True when total, land and water are all stated exactly (no "khoảng", "hơn"
    ...) and land + water is not the total: the one rule extraction and validation share."""
    return (
        not qualified
        and {"total", "land", "water"} <= lengths.keys()
        and not segments_add_up(lengths["total"], lengths["land"], lengths["water"])
    )
