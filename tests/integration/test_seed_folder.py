"""A curator's seeds folder, built end to end: every file is read, refused or
listed as ignored with its name on stderr and in the extraction report; nothing
unreadable (tags, control characters) reaches the CSVs; a folder that cannot be
built fails with the files named and no traceback; add_article.py writes a page
into the folder and its row into sources.csv."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from written import article, web_page

SEED = "002_e09a1e6ea1454227.txt"  # curation.csv adds a meeting to it
# Anything that must not reach a CSV: C0/C1 controls but tab and LF, Unicode line separators, tags.
UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]|</?(?:p|div|html|body|a)\\b")


def _run(root: Path, script: str, *args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "scripts" / script), *map(str, args)],
                          capture_output=True, text=True, check=False, timeout=300)


def _build(root: Path, seeds: Path, out: Path) -> subprocess.CompletedProcess:
    return _run(root, "build.py", "--seeds", seeds, "--out", out, "--quiet")


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def messy(root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """One build of a folder holding every kind of file a curator or an attacker leaves."""
    base = tmp_path_factory.mktemp("messy")
    seeds = base / "seeds"
    (seeds / "old").mkdir(parents=True)
    (seeds / "bài báo.txt").write_text(article("Bài báo có tên tiếng Việt"), encoding="utf-8")
    (seeds / "ARTICLE.TXT").write_text(article("Bài viết hoa"), encoding="utf-8")
    (seeds / "page.html").write_text(web_page("Trang đã lưu"), encoding="utf-8")
    (seeds / "saved page.txt").write_text(web_page("Trang lưu thành txt", url="https://bao-mau.example/b.html"), encoding="utf-8")
    one_line = "Hội đàm trên một dòng. " + article("x").split("\n", 1)[1].replace("\n", " ")
    (seeds / "one line.txt").write_text(one_line, encoding="utf-8")
    (seeds / "separators.txt").write_text(article("Dòng phân cách").replace("\n", "\u2028"), encoding="utf-8")
    (seeds / "controls.txt").write_bytes(article("Ký tự\x1b điều khiển").replace("Hai bên", "Hai\x00 bên").encode("utf-16"))
    (seeds / "notes.md").write_text("ghi chú\n", encoding="utf-8")
    (seeds / "old" / "x.txt").write_text(article("Tin cũ"), encoding="utf-8")
    (base / "secret.txt").write_text("root:x:0:0\n", encoding="utf-8")
    (seeds / "passwd.txt").symlink_to(base / "secret.txt")
    os.mkfifo(seeds / "pipe.txt")
    out = base / "out"
    return out, _build(root, seeds, out)


def test_messy_folder_builds_what_it_can(messy) -> None:
    out, result = messy
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    ids = [d["document_id"] for d in _rows(out / "data" / "documents.csv")]
    assert ids == sorted(["bai-bao", "ARTICLE", "page", "saved-page", "one-line", "separators", "controls"])


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [("notes.md", "ignored", "not an article"), ("old", "ignored", "subfolders"), ("passwd.txt", "skipped", "outside the seeds folder"),
     ("pipe.txt", "skipped", "FIFO")],
)
def test_every_file_not_read_is_named_on_stderr_and_in_the_report(messy, name: str, status: str, reason: str) -> None:
    out, result = messy
    line = next((line for line in result.stderr.splitlines() if line.startswith(status) and f"{name}:" in line), "")
    assert reason in line, result.stderr
    (row,) = [r for r in _rows(out / "build" / "extraction_report.csv") if Path(r["path"]).name == name]
    assert row["status"] == status and reason in row["detail"]


def test_nothing_unreadable_reaches_the_csvs(messy) -> None:
    out, _ = messy
    for path in sorted((out / "data").glob("*.csv")):
        found = UNWANTED.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.name}: {found.group(0)!r}"
    docs = {d["document_id"]: d for d in _rows(out / "data" / "documents.csv")}
    assert docs["saved-page"]["title"] == "Trang lưu thành txt" and docs["page"]["publisher"] == "Báo Biên Giới Mẫu"
    assert docs["one-line"]["title"] == "Hội đàm trên một dòng." and docs["separators"]["title"] == "Dòng phân cách"
    assert docs["controls"]["title"] == "Ký tự điều khiển"


def test_the_paragraph_gives_the_same_facts_in_every_form(messy) -> None:
    """The web pages, the one-line article and the separated one read the same body as a text file."""
    out, _ = messy
    patrols: dict[str, list[tuple[str, str]]] = {}
    for r in _rows(out / "data" / "patrols.csv"):
        patrols.setdefault(r["document_id"], []).append((r["patrol_count"], r["personnel"]))
    assert patrols["bai-bao"] == [("12", "240")]
    assert all(patrols.get(i) == patrols["bai-bao"] for i in ("page", "saved-page", "one-line", "separators", "ARTICLE")), patrols


def test_two_files_with_one_id_fail_before_anything_is_written(root: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "tin.txt").write_text(article("Tin một"), encoding="utf-8")
    (seeds / "tin.TXT").write_text(article("Tin hai"), encoding="utf-8")
    result = _build(root, seeds, tmp_path / "out")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "tin.txt" in result.stderr and "tin.TXT" in result.stderr and "same document id" in result.stderr
    assert not (tmp_path / "out" / "data").exists()


def test_a_copy_that_sorts_first_leaves_the_curated_original_its_facts(root: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    original = (root / "seeds" / SEED).read_bytes()
    (seeds / SEED).write_bytes(original)
    (seeds / "000_copy.txt").write_bytes(original)
    result = _build(root, seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "000_copy.txt: duplicate of" in result.stderr and SEED in result.stderr
    assert [d["document_id"] for d in _rows(tmp_path / "out" / "data" / "documents.csv")] == [Path(SEED).stem]
    curated = [m for m in _rows(tmp_path / "out" / "data" / "meetings.csv") if m["method"] == "curated"]
    assert curated and all(m["document_id"] == Path(SEED).stem for m in curated)


def test_add_article_writes_the_page_and_its_sources_row(root: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sources.csv").write_text("file,url,publisher,published,note\nzz.txt,https://bao-mau.example/zz,Báo Z,,giữ cột\n",
                                       encoding="utf-8")
    (seeds / "zz.txt").write_text(article("Tin Z"), encoding="utf-8")
    page = tmp_path / "Hội đàm Lào Cai.html"
    page.write_text(web_page("Hội đàm Lào Cai"), encoding="utf-8")
    result = _run(root, "add_article.py", page, "--seeds", seeds, "--publisher", "Báo Mẫu")
    assert result.returncode == 0, result.stderr
    assert (seeds / "hoi-dam-lao-cai.txt").read_text(encoding="utf-8") == article("Hội đàm Lào Cai")
    rows = _rows(seeds / "sources.csv")
    assert [r["file"] for r in rows] == ["hoi-dam-lao-cai.txt", "zz.txt"] and rows[1]["note"] == "giữ cột"
    assert (rows[0]["url"], rows[0]["publisher"], rows[0]["published"]) == ("https://bao-mau.example/hoi-dam.html", "Báo Mẫu", "2025-03-12")
    before = {p.name: p.read_bytes() for p in seeds.iterdir()}
    for args in ([page, "--name", "other"], [page, "--published", "12/3/2025"], [seeds / "zz.txt"]):
        refused = _run(root, "add_article.py", *args, "--seeds", seeds)
        assert refused.returncode == 1 and "nothing was written" in refused.stderr and "Traceback" not in refused.stderr
    assert {p.name: p.read_bytes() for p in seeds.iterdir()} == before
    built = _build(root, seeds, tmp_path / "out")
    assert built.returncode == 0, built.stderr
    docs = {d["document_id"]: d for d in _rows(tmp_path / "out" / "data" / "documents.csv")}
    assert docs["hoi-dam-lao-cai"]["publisher"] == "Báo Mẫu" and docs["hoi-dam-lao-cai"]["title"] == "Hội đàm Lào Cai"
