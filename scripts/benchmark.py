"""Benchmark every pipeline stage on a synthetic corpus.

    python scripts/benchmark.py --sizes 1000 10000 [--jobs N] [--no-memory]

See ``bordercoop/evaluation/benchmark.py`` (runner), ``benchmark_report.py``
(the printed report) and ``synthetic.py`` (the corpus and its truth).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.evaluation.benchmark import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
