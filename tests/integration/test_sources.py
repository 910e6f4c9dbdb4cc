"""sources.csv beside the articles, and extraction on several processes."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bordercoop.pipeline import POOL_MIN_DOCUMENTS


def _build(root: Path, seeds: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "scripts" / "build.py"), "--seeds", str(seeds), "--out", str(out), "--quiet", *extra],
                          capture_output=True, text=True, check=False)


def _seeds(root: Path, tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for p in sorted((root / "seeds").glob("*.txt")):
        shutil.copy(p, seeds / p.name)
    return seeds


def test_sources_fill_documents(root: Path, tmp_path: Path) -> None:
    seeds = _seeds(root, tmp_path)
    first = sorted(seeds.glob("*.txt"))[0].name
    (seeds / "sources.csv").write_text(f"file,url,publisher,published,language\n{first},https://example.org/a,Example,2024-12-20,vi\n", encoding="utf-8")
    result = _build(root, seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    docs = {r["document_id"]: r for r in csv.DictReader(open(tmp_path / "out" / "data" / "documents.csv", encoding="utf-8"))}
    row = docs[Path(first).stem]
    assert (row["url"], row["publisher"], row["published"], row["language"]) == ("https://example.org/a", "Example", "2024-12-20", "vi")
    assert all(r["url"] == "" for k, r in docs.items() if k != Path(first).stem)
    # the articles without a row are listed in the extraction report
    report = {r["document_id"]: r["detail"] for r in csv.DictReader(open(tmp_path / "out" / "build" / "extraction_report.csv", encoding="utf-8"))
              if r["status"] not in {"skipped", "curation"}}
    assert {k for k, detail in report.items() if "no row in sources.csv" in detail} == set(docs) - {Path(first).stem}


@pytest.mark.parametrize(("body", "named"), [
    ("file,url,publisher,published\nmissing.txt,,,\n", "row 2, field file"),
    ("file,url,publisher,published\n{f},,,2024-13-01\n", "row 2, field published"),
    ("file,url,publisher,published\n{f},,,\n{f},,,\n", "row 3, field file"),
    ("file,url\n{f},x\n", "header"),
])
def test_bad_sources_fail_naming_row_and_field(root: Path, tmp_path: Path, body: str, named: str) -> None:
    seeds = _seeds(root, tmp_path)
    first = sorted(seeds.glob("*.txt"))[0].name
    (seeds / "sources.csv").write_text(body.format(f=first), encoding="utf-8")
    out = tmp_path / "out"
    result = _build(root, seeds, out)
    assert result.returncode == 1
    assert named in result.stderr and "Traceback" not in result.stderr
    assert not (out / "datapackage.json").exists()


def test_extraction_on_two_processes_gives_the_same_bytes(root: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "corpus"
    seeds.mkdir()
    articles = sorted((root / "tests" / "sets").glob("*/*/*.txt")) + sorted((root / "seeds").glob("*.txt"))
    for p in articles:
        shutil.copy(p, seeds / p.name)
    assert len(articles) >= POOL_MIN_DOCUMENTS  # the pool is used
    for jobs in ("1", "2"):
        result = _build(root, seeds, tmp_path / f"out{jobs}", "--jobs", jobs)
        assert result.returncode == 0, result.stderr
    for table in sorted((tmp_path / "out1" / "data").glob("*.csv")):
        assert table.read_bytes() == (tmp_path / "out2" / "data" / table.name).read_bytes(), table.name
