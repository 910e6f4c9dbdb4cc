"""Build the data package: seeds/*.txt -> data/*.csv + datapackage.json.

    python scripts/build.py                        # seeds/ -> data/, datapackage.json
    python scripts/build.py --seeds DIR --out DIR  # any folder of articles -> DIR

The stages are listed once, in ``bordercoop/pipeline.py``; see scripts/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

if __name__ == "__main__":
    try:
        from bordercoop.pipeline import main
    except KeyboardInterrupt:  # Ctrl-C while the libraries load: nothing was done yet
        print("build interrupted (SIGINT) while starting: nothing was written", file=sys.stderr)
        sys.exit(130)
    sys.exit(main())
