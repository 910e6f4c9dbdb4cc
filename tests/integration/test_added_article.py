"""A curator drops another article into seeds/: the build takes it (--strict:
nothing is left out), the seeds' hand-checked facts are unchanged, and every
corpus-independent assertion holds on the new package. The article is written
for this test; its name sorts first and shares seed 000's prefix, so a test that
picks seeds by position or by prefix would break."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import corpus_checks
from bordercoop.stages.ingest import read_seed_text
from bordercoop.stages.validate import check_package, check_tables

ADDED = "000_added_article.txt"
ARTICLE = """Điện Biên và Phông-sa-lỳ hội đàm về công tác biên giới
Sáng 14/3/2025, tại cửa khẩu quốc tế Tây Trang, Bộ Chỉ huy Bộ đội Biên phòng (BĐBP) tỉnh Điện Biên tổ chức hội đàm với Bộ Chỉ huy Quân sự tỉnh Phông-sa-lỳ (Lào).
Năm 2024, hai bên đã tổ chức 7 lần tuần tra song phương với tổng cộng 210 cán bộ, chiến sĩ tham gia.
Đường biên giới Việt Nam - Lào dài hơn 2.337 km, trong đó tỉnh Điện Biên có hơn 40 km tiếp giáp tỉnh Phông-sa-lỳ.
Tin liên quan
Lai Châu đón đoàn khách Trung Quốc ngày 20/3
"""


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def built(root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("added")
    seeds = work / "seeds"
    shutil.copytree(root / "seeds", seeds)
    (seeds / ADDED).write_text(ARTICLE, encoding="utf-8")
    out = work / "pkg"
    result = subprocess.run([sys.executable, str(root / "scripts" / "build.py"), "--seeds", str(seeds), "--out", str(out), "--quiet", "--strict"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return seeds, out


@pytest.fixture(scope="module")
def tables(built: tuple[Path, Path]) -> dict[str, list[dict[str, str]]]:
    return {p.stem: _csv(p) for p in sorted((built[1] / "data").glob("*.csv"))}


@pytest.fixture(scope="module")
def texts(built: tuple[Path, Path]) -> dict[str, str]:
    return {p.stem: read_seed_text(p) for p in sorted(built[0].glob("*.txt"))}


def test_added_article_is_published(tables) -> None:
    ids = [d["document_id"] for d in tables["documents"]]
    assert ids[0] == Path(ADDED).stem and set(corpus_checks.SEED_IDS) < set(ids)
    added = Path(ADDED).stem
    assert [m["kind"] for m in tables["meetings"] if m["document_id"] == added] == ["talks"]
    assert any(p["document_id"] == added for p in tables["patrols"])


def test_hand_checked_seed_facts_still_hold(tables) -> None:
    corpus_checks.hand_checked_seed_facts(tables)


def test_corpus_independent_assertions(tables, texts) -> None:
    assert corpus_checks.evidence_is_the_text_at_its_offsets(tables, texts) > 20
    corpus_checks.nothing_comes_from_boilerplate(tables)
    corpus_checks.every_meeting_has_both_sides(tables)
    assert check_tables(tables, texts) == []


def test_package_validates(built: tuple[Path, Path]) -> None:
    assert check_package(built[1] / "datapackage.json") == []
