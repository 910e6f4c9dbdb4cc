"""Benchmark every stage on a synthetic corpus.

    python scripts/benchmark.py --sizes 1000 10000

See ``bordercoop/evaluation/benchmark.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.evaluation.benchmark import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
