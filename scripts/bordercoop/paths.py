"""Where things are: the one place that knows the repository layout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # scripts/bordercoop
SCRIPTS = PACKAGE.parent
ROOT = SCRIPTS.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "data"
SCHEMAS = ROOT / "schemas"
REFERENCE = SCRIPTS / "reference"
SQL = SCRIPTS / "sql"
LANGUAGES = PACKAGE / "lang"
BUILD = ROOT / "build"
TEST_SETS = ROOT / "tests" / "sets"
# The shared real development set and its scorer, beside the repository when present.
SHARED = ROOT.parent / "shared"
REALDEV = SHARED / "realdev"
SHARED_SCORER = SHARED / "eval" / "score.py"
