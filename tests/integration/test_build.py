"""The whole build: facts from the seeds, evidence at its offsets, determinism,
and the committed package equal to a fresh build."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import corpus_checks

PY = sys.executable


def _build(root: Path, out: Path, seeds: Path | None = None, env: dict | None = None,
           strict: bool = False) -> subprocess.CompletedProcess:
    cmd = [PY, str(root / "scripts" / "build.py"), "--out", str(out), "--quiet", *(["--strict"] if strict else [])]
    if seeds is not None:
        cmd += ["--seeds", str(seeds)]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _tree_digest(out: Path) -> dict[str, str]:
    files = sorted((out / "data").glob("*.csv")) + [out / "datapackage.json"]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_seed_copies_are_byte_identical_to_shared(root: Path) -> None:
    shared = root.parent / "shared" / "seeds"
    if not shared.is_dir():
        import pytest

        pytest.skip("../shared/seeds not present on this machine")
    for src in shared.glob("*.txt"):
        assert (root / "seeds" / src.name).read_bytes() == src.read_bytes()


def test_every_evidence_is_the_text_at_its_offsets(pipeline, texts) -> None:
    assert corpus_checks.evidence_is_the_text_at_its_offsets(pipeline.tables, texts) > 20


def test_nothing_comes_from_boilerplate(pipeline) -> None:
    corpus_checks.nothing_comes_from_boilerplate(pipeline.tables)


def test_hand_checked_seed_facts(pipeline) -> None:
    corpus_checks.hand_checked_seed_facts(pipeline.tables)


def test_every_meeting_has_both_sides(pipeline) -> None:
    corpus_checks.every_meeting_has_both_sides(pipeline.tables)


def test_committed_package_equals_a_fresh_build(root: Path, tmp_path: Path) -> None:
    shutil.copytree(root / "seeds", tmp_path / "seeds")
    result = _build(root, tmp_path, tmp_path / "seeds", strict=True)  # every committed article must pass
    assert result.returncode == 0, result.stderr
    for f in sorted((tmp_path / "data").glob("*.csv")):
        assert f.read_bytes() == (root / "data" / f.name).read_bytes(), f"data/{f.name} is stale: run make build"
    assert (tmp_path / "datapackage.json").read_bytes() == (root / "datapackage.json").read_bytes()


def test_rebuild_is_byte_identical_whatever_the_environment(root: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert _build(root, a, root / "seeds", {"PYTHONHASHSEED": "1", "TZ": "Asia/Ho_Chi_Minh", "LC_ALL": "C"}).returncode == 0
    assert _build(root, b, root / "seeds", {"PYTHONHASHSEED": "987", "TZ": "America/New_York", "LC_ALL": "C.UTF-8"}).returncode == 0
    assert _tree_digest(a) == _tree_digest(b)


def test_out_build_does_not_touch_the_repository_data(root: Path, tmp_path: Path) -> None:
    before = _tree_digest(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "one.txt").write_bytes((root / "seeds" / "002_e09a1e6ea1454227.txt").read_bytes())
    assert _build(root, tmp_path / "pkg", seeds).returncode == 0
    assert _tree_digest(root) == before
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]][0] == "documents"
    assert (tmp_path / "pkg" / "data" / "meetings.csv").read_text(encoding="utf-8").count("\n") == 2  # header + 1


def test_frictionless_validate_from_repo_root(root: Path) -> None:
    exe = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INVALID" not in result.stdout


def test_descriptor_has_v2_metadata_and_hashes(root: Path) -> None:
    d = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    assert d["$schema"].endswith("/2.0/datapackage.json")
    for key in ("name", "title", "version", "created", "licenses", "sources", "contributors"):
        assert d[key]
    assert len([s for s in d["sources"] if s["path"].startswith("seeds/")]) == len(_rows(root / "data" / "documents.csv"))
    for r in d["resources"]:
        blob = (root / r["path"]).read_bytes()
        assert r["hash"] == "sha256:" + hashlib.sha256(blob).hexdigest()
        assert r["bytes"] == len(blob)
        schema = json.loads((root / r["schema"]).read_text(encoding="utf-8"))
        assert "primaryKey" in schema
