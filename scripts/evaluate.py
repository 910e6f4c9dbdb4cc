"""Score the extraction rules against folders of articles with expected facts.

    python scripts/evaluate.py tests/sets/vi/devset tests/sets/vi/heldout

See ``bordercoop/evaluation/score.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.evaluation.score import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
