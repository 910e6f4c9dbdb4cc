"""Add a saved web page or a text article to seeds/ and its row to seeds/sources.csv.

    python scripts/add_article.py PAGE.html|FILE.txt [--url URL] [--publisher P] [--published YYYY-MM-DD]

See ``bordercoop/add_article.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.add_article import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
