"""The rules on a folder of real, hand-annotated articles, scored by the shared
scorer (``../shared/eval/score.py``): the folder's ``articles/*.txt`` and
``sources.csv`` are built into a temporary package with the pipeline, then the
scorer compares its tables with ``annotations/*.json``.

The articles belong to their publishers: they are read where they lie and
never copied into the repository.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bordercoop.paths import SCRIPTS, SHARED_SCORER


class RealdevError(RuntimeError):
    pass


def score_realdev(folder: Path, scorer: Path = SHARED_SCORER) -> str:
    """The scorer's report on ``folder`` (``articles/``, ``annotations/``,
    optional ``sources.csv``)."""
    articles, annotations = folder / "articles", folder / "annotations"
    for needed in (articles, annotations, scorer):
        if not needed.exists():
            raise RealdevError(f"{needed} not found")
    with tempfile.TemporaryDirectory(prefix="realdev-") as tmp:
        seeds = Path(tmp) / "seeds"
        seeds.mkdir()
        for article in sorted(articles.glob("*.txt")):
            shutil.copyfile(article, seeds / article.name)
        if (folder / "sources.csv").is_file():
            shutil.copyfile(folder / "sources.csv", seeds / "sources.csv")
        out = Path(tmp) / "pkg"
        build = subprocess.run([sys.executable, str(SCRIPTS / "build.py"), "--seeds", str(seeds), "--out", str(out), "--quiet"],
                               capture_output=True, text=True, check=False)
        if build.returncode != 0:
            raise RealdevError(f"building {folder} failed:\n{build.stderr.strip()}")
        scored = subprocess.run([sys.executable, str(scorer), str(out / "data"), str(annotations)],
                                capture_output=True, text=True, check=False)
        if scored.returncode != 0:
            raise RealdevError(f"{scorer} failed:\n{scored.stderr.strip()}")
        return scored.stdout
