"""What every check needs: a problem named by table, CSV row and field, and
small frame helpers shared by the validate stage and the fact types' checks."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Issue:
    table: str
    row: int | None  # CSV line number; None for whole-table issues
    field: str
    message: str

    def __str__(self) -> str:
        where = f"table {self.table}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


class ValidationFailed(Exception):
    def __init__(self, issues: list[Issue]):
        self.issues = issues
        shown = "\n  ".join(str(i) for i in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"{len(issues)} validation error(s):\n  {shown}{more}")


def csv_line(index: int) -> int:
    """The CSV line of a frame row (header = line 1)."""
    return int(index) + 2


def column_values(frame: pd.DataFrame, column: str) -> list:
    """A column as a list of the scalars ``frame.at`` gives, without per-cell indexing."""
    return frame[column].to_numpy(dtype=object).tolist()


def line_of(text: str, offset: int) -> int:
    """The line (1 = the title) of a code-point offset into an article's text."""
    return text.count("\n", 0, max(0, offset)) + 1
