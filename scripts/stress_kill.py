"""Kill the build at random instants and check the package survives every time.

    python scripts/stress_kill.py [--iterations 200] [--seed 0] [--seeds DIR] [--keep]

See ``bordercoop/evaluation/kill_loop.py``: builds two versions of a package over
each other in a temporary folder, kills each build with SIGINT, SIGTERM or SIGKILL,
then checks the folder holds one version, complete, or that the next build
completes the interrupted publication. Exit 1 if any kill left a problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.evaluation.kill_loop import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
