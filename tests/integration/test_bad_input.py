"""Bad seed files: each gets a clear message naming the file and either a correct
(normalised) result or a reported skip; never a crash, never a wrong row, and
nothing already built is lost."""

from __future__ import annotations

import codecs
import csv
import hashlib
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

SEED = "002_e09a1e6ea1454227.txt"
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 stores tone marks as separate combining characters."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


@pytest.fixture()
def seed_text(root: Path) -> str:
    return (root / "seeds" / SEED).read_text(encoding="utf-8")


def _build(root: Path, seeds: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "scripts" / "build.py"), "--seeds", str(seeds), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, check=False)


def _table(out: Path, name: str) -> list[dict]:
    with open(out / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _report(out: Path) -> list[dict]:
    with open(out / "build" / "extraction_report.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _facts(out: Path, stem: str) -> list[tuple]:
    rows = [(r["kind"], r["date_start"], r["evidence"]) for r in _table(out, "meetings") if r["document_id"] == stem]
    rows += [(r["patrol_count"], r["personnel"], r["evidence"]) for r in _table(out, "patrols") if r["document_id"] == stem]
    return rows


@pytest.fixture(scope="module")
def reference(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = tmp_path_factory.mktemp("ref_seeds")
    (seeds / "a.txt").write_bytes((root / "seeds" / SEED).read_bytes())
    out = tmp_path_factory.mktemp("ref_out")
    assert _build(root, seeds, out).returncode == 0
    return out


@pytest.mark.parametrize(
    ("encode", "encoding", "notice"),
    [
        (to_cp1258, "cp1258", "Windows-1258"),
        (lambda t: t.encode("utf-16"), "utf-16", "UTF-16"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig", "byte-order mark"),
        (lambda t: unicodedata.normalize("NFD", t).encode("utf-8"), "utf-8", "NFC"),
        (lambda t: t.replace("\n", "\r\n").encode("utf-8"), "utf-8", "CRLF"),
    ],
    ids=["windows-1258", "utf-16", "bom", "nfd", "crlf"],
)
def test_encodings_are_normalised_to_the_same_facts(root, tmp_path, seed_text, reference, encode, encoding, notice) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_bytes(encode(seed_text))
    result = _build(root, seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "a.txt" in result.stderr and notice in result.stderr
    out = tmp_path / "out"
    assert _facts(out, "a") == _facts(reference, "a")
    doc = _table(out, "documents")[0]
    assert doc["source_encoding"] == encoding and doc["sha256"] == hashlib.sha256((seeds / "a.txt").read_bytes()).hexdigest()
    assert notice in _report(out)[0]["detail"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"   \n\n", "empty file"), (bytes(range(256)) * 4, "binary"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary")],
    ids=["empty", "blank", "binary", "png"],
)
def test_unreadable_files_are_skipped_and_reported(root, tmp_path, seed_text, content, reason) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text(seed_text, encoding="utf-8")
    (seeds / "bad.txt").write_bytes(content)
    result = _build(root, seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "bad.txt" in result.stderr and reason in result.stderr
    assert [d["document_id"] for d in _table(tmp_path / "out", "documents")] == ["good"]
    skipped = [r for r in _report(tmp_path / "out") if r["status"] == "skipped"]
    assert skipped[0]["document_id"] == "bad" and reason in skipped[0]["detail"]


def test_duplicate_articles_are_skipped(root, tmp_path, seed_text) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(seed_text, encoding="utf-8")
    (seeds / "b.txt").write_text(seed_text, encoding="utf-8")
    (seeds / "c.txt").write_bytes(seed_text.encode("utf-16"))  # same text, other encoding
    result = _build(root, seeds, tmp_path / "out")
    assert result.returncode == 0
    assert "duplicate of" in result.stderr and "b.txt" in result.stderr and "c.txt" in result.stderr
    assert [d["document_id"] for d in _table(tmp_path / "out", "documents")] == ["a"]


def test_article_without_border_facts(root, tmp_path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "festival.txt").write_text(
        "Lễ hội hoa ban\nSáng 12/3, tỉnh Điện Biên khai mạc lễ hội hoa ban năm 2025 với nhiều hoạt động văn hóa.\n", encoding="utf-8")
    result = _build(root, seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert _table(out, "meetings") == [] and _table(out, "patrols") == [] and _table(out, "border_lengths") == []
    assert [r["province_id"] for r in _table(out, "province_mentions")] == ["vn-dien-bien"]
    assert _report(out)[0]["status"] == "no border facts"


def test_empty_seed_folder_is_refused_unless_allowed(root, tmp_path) -> None:
    (tmp_path / "seeds").mkdir()
    refused = _build(root, tmp_path / "seeds", tmp_path / "out")
    assert refused.returncode == 1 and "refusing to publish an empty package" in refused.stderr
    assert not (tmp_path / "out" / "datapackage.json").exists()
    result = subprocess.run([sys.executable, str(root / "scripts" / "build.py"), "--seeds", str(tmp_path / "seeds"),
                             "--out", str(tmp_path / "out"), "--quiet", "--allow-empty"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert _table(tmp_path / "out", "documents") == []
    assert len(_table(tmp_path / "out", "provinces")) > 100


def test_missing_seed_folder_is_a_clear_error(root, tmp_path) -> None:
    result = _build(root, tmp_path / "nope", tmp_path / "out")
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_input_does_not_lose_an_existing_build(root, tmp_path, seed_text) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(seed_text, encoding="utf-8")
    out = tmp_path / "out"
    assert _build(root, seeds, out).returncode == 0
    before = (out / "data" / "meetings.csv").read_bytes()
    (seeds / "b.txt").write_bytes(b"\x00\x01binary")
    assert _build(root, seeds, out).returncode == 0
    assert (out / "data" / "meetings.csv").read_bytes() == before
