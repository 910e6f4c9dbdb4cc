"""Named SQL files: the summaries in ``scripts/sql/*.sql`` and the convenience
views in ``scripts/sql/views/*.sql``.

Each file starts with a ``-- title: ...`` line and a one-line ``-- ...``
description. The same file text is what ``summaries.py`` runs and what the
database stores as a view of that name (``duckdb_views.py``): one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bordercoop.paths import SQL

SQL_DIR = SQL
VIEWS_DIR = SQL / "views"
TITLE_PREFIX = "-- title:"


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    description: str
    sql: str

    def view_sql(self) -> str:
        """``CREATE VIEW <name> AS <the file's query>``."""
        body = self.sql.rstrip().removesuffix(";")
        return f'CREATE VIEW "{self.name}" AS\n{body}'

    def comment_sql(self) -> str:
        text = f"{self.title}. {self.description}".replace("'", "''")
        return f"COMMENT ON VIEW \"{self.name}\" IS '{text}'"


def load_query(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if len(lines) < 2 or not lines[0].startswith(TITLE_PREFIX) or not lines[1].startswith("--"):
        raise ValueError(f"{path}: must start with '{TITLE_PREFIX} ...' and a '-- description' line")
    return Query(path.stem, lines[0][len(TITLE_PREFIX):].strip(), lines[1][2:].strip(), text)


def load_queries(sql_dir: Path = SQL_DIR) -> dict[str, Query]:
    """All queries of a folder by name, in file-name order."""
    return {path.stem: load_query(path) for path in sorted(sql_dir.glob("*.sql"))}
