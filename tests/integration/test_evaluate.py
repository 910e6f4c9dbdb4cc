"""scripts/evaluate.py: every written set by default, and a folder of real annotated
articles built into a temporary package and scored by a scorer script (the
shared one when it is beside the repository; a stand-in here, so the test runs
anywhere)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bordercoop.evaluation.realdev import RealdevError, score_realdev
from bordercoop.paths import REALDEV, SHARED_SCORER

STAND_IN = '''import csv, sys
from pathlib import Path
data = Path(sys.argv[1])
for name in ("documents", "meetings", "patrols"):
    rows = list(csv.DictReader(open(data / f"{name}.csv", encoding="utf-8")))
    print(name, len(rows))
print("annotations", len(list(Path(sys.argv[2]).glob("*.json"))))
'''


def _folder(root: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "real"
    (folder / "articles").mkdir(parents=True)
    (folder / "annotations").mkdir()
    for p in sorted((root / "seeds").glob("*.txt"))[:2]:
        shutil.copy(p, folder / "articles" / p.name)
        (folder / "annotations" / f"{p.stem}.json").write_text("{}", encoding="utf-8")
    return folder


def test_a_real_folder_is_built_and_scored(root: Path, tmp_path: Path) -> None:
    scorer = tmp_path / "score.py"
    scorer.write_text(STAND_IN, encoding="utf-8")
    report = score_realdev(_folder(root, tmp_path), scorer)
    assert report.splitlines()[0] == "documents 2"
    assert report.splitlines()[-1] == "annotations 2"


def test_a_missing_scorer_is_named(root: Path, tmp_path: Path) -> None:
    with pytest.raises(RealdevError, match="nope.py not found"):
        score_realdev(_folder(root, tmp_path), tmp_path / "nope.py")


def test_evaluate_scores_every_written_set(root: Path) -> None:
    out = subprocess.run([sys.executable, str(root / "scripts" / "evaluate.py"), "--no-realdev"], capture_output=True, text=True, check=True).stdout
    sets = sorted(p.parent.relative_to(root / "tests" / "sets").as_posix() for p in (root / "tests" / "sets").glob("*/*/expected.json"))
    assert {"vi/devset", "en/written"} <= set(sets)
    assert all(f"{s}\n" in out for s in sets)


@pytest.mark.skipif(not (REALDEV.is_dir() and SHARED_SCORER.is_file()), reason="../shared/realdev is not beside this checkout")
def test_realdev_scores_with_the_shared_scorer() -> None:
    report = score_realdev(REALDEV)
    assert "macro F1 = " in report
