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
    from bordercoop import interrupt  # no third-party import: quick

    interrupt.install()  # a Ctrl-C from here on stops the build at a checkpoint, never with a traceback
    from bordercoop.pipeline import main

    sys.exit(main())
