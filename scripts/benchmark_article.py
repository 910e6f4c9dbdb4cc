"""Time per MB of one long article (extraction must be linear in article length).

    python scripts/benchmark_article.py --mb 1 2 4 8

See ``bordercoop/evaluation/long_article.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.evaluation.long_article import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
