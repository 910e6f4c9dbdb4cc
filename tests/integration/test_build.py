"""The whole build: facts from the seeds, evidence at its offsets, determinism,
and the committed package equal to a fresh build."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import rows_of

PY = sys.executable


def _build(root: Path, out: Path, seeds: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [PY, str(root / "scripts" / "build.py"), "--out", str(out), "--quiet"]
    if seeds is not None:
        cmd += ["--seeds", str(seeds)]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False)


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
    t = pipeline.tables
    checked = 0
    for table in ("meetings", "patrols", "border_lengths", "province_borders"):
        for r in t[table]:
            assert texts[r["document_id"]][int(r["char_start"]):int(r["char_end"])] == r["evidence"]
            checked += 1
    for r in t["province_mentions"]:
        assert texts[r["document_id"]][int(r["char_start"]):int(r["char_end"])] == r["surface"]
    assert checked > 20


def test_nothing_comes_from_boilerplate(pipeline) -> None:
    ends = {d["document_id"]: int(d["body_end"]) for d in pipeline.tables["documents"]}
    for table in ("meetings", "patrols", "border_lengths", "province_borders", "province_mentions"):
        for r in pipeline.tables[table]:
            assert int(r["char_end"]) <= ends[r["document_id"]], (table, r)
    # seed 004's "Tin mới" items are dated 19-8 and name Phú Thọ, Gia Lai, Cà Mau, Hòa Bình
    m004 = rows_of(pipeline.tables, "province_mentions", document_id="004_e411e5d8253a8af0")
    assert not {r["province_id"] for r in m004} & {"vn-phu-tho", "vn-gia-lai", "vn-ca-mau", "vn-hoa-binh", "vn-can-tho"}


def test_hand_checked_seed_facts(pipeline) -> None:
    t = pipeline.tables
    lengths = {(r["document_id"][:3], r["segment"]): r["length_km"] for r in t["border_lengths"]}
    assert lengths == {("000", "total"): "1449.566", ("000", "land"): "1065.652", ("000", "water"): "383.914"}
    patrols = {(r["document_id"][:3], r["patrol_count"], r["personnel"], r["personnel_scope"], r["level"]) for r in t["patrols"]}
    assert patrols == {
        ("000", "9", "945", "per_side", "unspecified"),
        ("002", "1", "24", "unknown", "provincial"),
        ("002", "49", "1080", "total", "post_company"),
    }
    meetings = {(r["document_id"][:3], r["kind"], r["status"], r["date_start"], r["date_end"], r["date_precision"], r["date_basis"]) for r in t["meetings"]}
    assert ("002", "talks", "held", "2025-12-09", "2025-12-09", "day", "stated") in meetings
    assert ("004", "talks", "held", "2024-08-28", "2024-08-28", "day", "inferred") in meetings  # 79 năm Quốc khánh
    assert ("004", "visit", "held", "2024-08-26", "2024-08-30", "day", "inferred") in meetings
    assert ("001", "talks", "held", "2025-01-01", "2025-12-31", "year", "stated") in meetings
    assert ("003", "exchange", "planned", "", "", "unknown", "") in meetings  # no year anywhere: unknown
    assert ("000", "online_talks", "held", "2021-07-01", "", "unknown", "curated") in meetings
    borders = {(r["province_id"], r["neighbour_country"]) for r in t["province_borders"] if r["document_id"].startswith("000")}
    assert {(p, "CN") for p in ("vn-dien-bien", "vn-lai-chau", "vn-lao-cai", "vn-ha-giang", "vn-cao-bang", "vn-lang-son", "vn-quang-ninh")} <= borders


def test_every_meeting_has_both_sides(pipeline) -> None:
    sides: dict[str, set[str]] = {}
    for p in pipeline.tables["meeting_parties"]:
        sides.setdefault(p["meeting_id"], set()).add(p["country_code"])
    for m in pipeline.tables["meetings"]:
        assert "VN" in sides[m["meeting_id"]] and sides[m["meeting_id"]] - {"VN"}


def test_committed_package_equals_a_fresh_build(root: Path, tmp_path: Path) -> None:
    shutil.copytree(root / "seeds", tmp_path / "seeds")
    result = _build(root, tmp_path, tmp_path / "seeds")
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
    assert len([s for s in d["sources"] if s["path"].startswith("seeds/")]) == 5
    for r in d["resources"]:
        blob = (root / r["path"]).read_bytes()
        assert r["hash"] == "sha256:" + hashlib.sha256(blob).hexdigest()
        assert r["bytes"] == len(blob)
        schema = json.loads((root / r["schema"]).read_text(encoding="utf-8"))
        assert "primaryKey" in schema
