"""The seeds folder as a curator fills it: file names, files that are not
articles, links, FIFOs, devices, sizes, duplicates, web pages, one-line
articles, line separators and control characters (``stages/ingest.py``)."""

from __future__ import annotations

import codecs
import os
import re
import stat
import threading
from pathlib import Path

import pytest

from bordercoop.schema import load_schema
from bordercoop.stages import ingest as ingest_module
from bordercoop.stages.ingest import IngestError, SeedRules, document_id_for, ingest, read_seed, seed_rules
from written import article, web_page

ID_PATTERN = re.compile(next(f for f in load_schema("documents")["fields"] if f["name"] == "document_id")["constraints"]["pattern"])


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _skipped(result, name: str) -> str:
    reasons = [reason for shown, reason in result.skipped if Path(shown).name == name]
    assert reasons, f"{name} not skipped: {result.skipped}"
    return reasons[0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("000_bab3cb856d3fb1ea.txt", "000_bab3cb856d3fb1ea"), ("ARTICLE.TXT", "ARTICLE"), ("bài báo.txt", "bai-bao"),
     ("Đà Nẵng  ngày 2.txt", "da-nang-ngay-2"), ("Hội đàm (2).html", "hoi-dam-2"), ("_draft.txt", "draft"), ("a.b c.txt", "a.b-c")],
)
def test_file_names_a_curator_uses_give_valid_ids(name: str, expected: str) -> None:
    assert document_id_for(name) == expected
    assert ID_PATTERN.fullmatch(expected)


def test_a_name_that_gives_no_id_is_skipped_with_its_name(tmp_path: Path) -> None:
    _write(tmp_path, "---.txt", article("Tin một"))
    assert "no document id" in _skipped(ingest(tmp_path), "---.txt")


def test_upper_case_suffix_and_accented_name_are_read(tmp_path: Path) -> None:
    _write(tmp_path, "ARTICLE.TXT", article("Tin một"))
    _write(tmp_path, "bài báo.txt", article("Tin hai"))
    result = ingest(tmp_path)
    assert [(d.document_id, Path(d.path).name) for d in result.documents] == [("ARTICLE", "ARTICLE.TXT"), ("bai-bao", "bài báo.txt")]


@pytest.mark.parametrize(("first", "second"), [("a.txt", "a.TXT"), ("bai bao.txt", "bai-bao.txt"), ("tin.txt", "tin.html")])
def test_two_files_with_one_id_are_refused_before_any_is_read(tmp_path: Path, monkeypatch, first: str, second: str) -> None:
    _write(tmp_path, first, article("Tin một"))
    _write(tmp_path, second, article("Tin hai"))

    def must_not_read(*_args: object) -> bytes:
        raise AssertionError("a file was read before the ids were checked")

    monkeypatch.setattr(ingest_module, "read_seed_bytes", must_not_read)
    with pytest.raises(IngestError) as error:
        ingest(tmp_path)
    assert first in str(error.value) and second in str(error.value)


def test_files_that_are_not_articles_are_listed_as_ignored(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", article("Tin một"))
    _write(tmp_path, "notes.md", article("Ghi chú"))
    _write(tmp_path, ".gitkeep", "")
    (tmp_path / "old").mkdir()
    _write(tmp_path / "old", "b.txt", article("Tin cũ"))
    _write(tmp_path, "sources.csv", "file,url,publisher,published\n")
    result = ingest(tmp_path)
    assert [d.document_id for d in result.documents] == ["a"]
    ignored = {Path(shown).name: reason for shown, reason in result.ignored}
    assert set(ignored) == {"notes.md", ".gitkeep", "old"}  # sources.csv is read, not ignored
    assert "subfolder" in ignored["old"] and ".txt" in ignored["notes.md"]


def test_a_link_out_of_the_folder_is_refused_and_one_inside_is_read(tmp_path: Path) -> None:
    seeds, outside = tmp_path / "seeds", tmp_path / "secret.txt"
    seeds.mkdir()
    outside.write_text(article("Bí mật"), encoding="utf-8")
    (seeds / "passwd.txt").symlink_to(outside)
    (seeds / "etc.txt").symlink_to("/etc/passwd")
    _write(seeds, "a.txt", article("Tin một"))
    (seeds / "b.txt").symlink_to(seeds / "a.txt")
    result = ingest(seeds)
    assert [d.document_id for d in result.documents] == ["a"]
    assert "outside the seeds folder" in _skipped(result, "passwd.txt") and str(outside) in _skipped(result, "passwd.txt")
    assert "outside the seeds folder" in _skipped(result, "etc.txt")
    assert "duplicate of" in _skipped(result, "b.txt")  # read through the link: the same text as a.txt


def _ingest_within(folder: Path, seconds: float):
    """ingest(folder) in a thread: a FIFO that were opened would block it."""
    box: dict = {}
    worker = threading.Thread(target=lambda: box.setdefault("result", ingest(folder)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "ingest blocked"
    return box["result"]


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    _write(tmp_path, "a.txt", article("Tin một"))
    result = _ingest_within(tmp_path, 20)
    assert [d.document_id for d in result.documents] == ["a"]
    assert "FIFO" in _skipped(result, "pipe.txt")


def test_a_device_is_refused(tmp_path: Path) -> None:
    try:
        os.mknod(tmp_path / "null.txt", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    result = _ingest_within(tmp_path, 20)
    assert result.documents == [] and "character device" in _skipped(result, "null.txt")


def test_a_file_over_the_size_limit_is_skipped_naming_the_limit(tmp_path: Path) -> None:
    rules = seed_rules()
    _write(tmp_path, "big.txt", article("Tin dài") * 3)
    _write(tmp_path, "small.txt", "Tin ngắn\nHai bên hội đàm.\n")
    result = ingest(tmp_path, rules=SeedRules(rules.text_suffixes, rules.page_suffixes, 1000))
    assert [d.document_id for d in result.documents] == ["small"]
    assert "over the limit of 1,000 bytes" in _skipped(result, "big.txt")
    assert seed_rules().max_bytes > 1_000_000  # the reference limit leaves room for a long saved page


def test_a_duplicate_that_sorts_first_does_not_take_a_curated_id(tmp_path: Path) -> None:
    _write(tmp_path, "000_copy.txt", article("Tin một"))
    _write(tmp_path, "002_original.txt", article("Tin một"))
    result = ingest(tmp_path, prefer={"002_original"})
    assert [d.document_id for d in result.documents] == ["002_original"]
    reason = _skipped(result, "000_copy.txt")
    assert "duplicate of" in reason and "002_original.txt" in reason and "curation" in reason


def test_a_duplicate_keeps_the_file_sources_csv_lists_else_the_first_by_name(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", article("Tin một"))
    _write(tmp_path, "b.txt", article("Tin một"))
    assert [d.document_id for d in ingest(tmp_path).documents] == ["a"]
    assert "sorts first" in _skipped(ingest(tmp_path), "b.txt")
    _write(tmp_path, "sources.csv", "file,url,publisher,published\nb.txt,https://bao-mau.example/b,,\n")
    result = ingest(tmp_path)
    assert [d.document_id for d in result.documents] == ["b"] and "sources.csv lists it" in _skipped(result, "a.txt")


def test_one_text_curated_under_two_ids_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", article("Tin một"))
    _write(tmp_path, "b.txt", article("Tin một"))
    with pytest.raises(IngestError, match=r"a\.txt and .*b\.txt"):
        ingest(tmp_path, prefer={"a", "b"})


@pytest.mark.parametrize("name", ["page.html", "PAGE.HTM", "page.txt"], ids=["html", "htm", "html-renamed-txt"])
def test_a_saved_web_page_is_read_as_its_main_text(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(web_page("Hội đàm biên giới Lào Cai"), encoding="utf-8")
    (doc,) = ingest(tmp_path).documents
    assert doc.text == article("Hội đàm biên giới Lào Cai") and doc.title == "Hội đàm biên giới Lào Cai"
    assert "<" not in doc.text and ">" not in doc.text
    assert (doc.url, doc.publisher, str(doc.published)) == ("https://bao-mau.example/hoi-dam.html", "Báo Biên Giới Mẫu", "2025-03-12")
    assert "trafilatura" in doc.normalised
    assert ("HTML in a text file" in doc.normalised) == name.endswith(".txt")


def test_sources_csv_overrides_what_a_page_states(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(web_page("Tin một"), encoding="utf-8")
    _write(tmp_path, "sources.csv", "file,url,publisher,published\npage.html,,Báo Khác,2025-03-13\n")
    (doc,) = ingest(tmp_path).documents
    assert (doc.url, doc.publisher, str(doc.published)) == ("https://bao-mau.example/hoi-dam.html", "Báo Khác", "2025-03-13")


def test_a_page_without_article_text_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "empty.html", "<html><head><title>Trang chủ</title></head><body><nav><a href='/'>Trang chủ</a></nav></body></html>")
    result = ingest(tmp_path)
    assert result.documents == [] and "no main text" in _skipped(result, "empty.html")


def test_a_one_line_article_has_its_first_sentence_as_title(tmp_path: Path) -> None:
    text = "Lào Cai và Hà Khẩu hội đàm biên giới. " + article("x").split("\n", 1)[1].replace("\n", " ").strip()
    _write(tmp_path, "one.txt", text)
    (doc,) = ingest(tmp_path).documents
    assert doc.title == "Lào Cai và Hà Khẩu hội đàm biên giới."
    assert doc.body.startswith("Sáng 12/3/2025") and doc.body_end == len(text)
    assert "one line" in doc.normalised


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\r"], ids=["line-separator", "paragraph-separator", "nel", "cr"])
def test_unicode_line_separators_are_line_breaks(tmp_path: Path, separator: str) -> None:
    _write(tmp_path, "a.txt", article("Tin một").replace("\n", separator))
    (doc,) = ingest(tmp_path).documents
    assert doc.text == article("Tin một") and doc.title == "Tin một"
    assert "line separators -> LF" in doc.normalised


@pytest.mark.parametrize(
    ("encode", "controls"),
    [(lambda t: t.encode("utf-8"), "\x1b\x07"), (lambda t: t.encode("utf-16"), "\x00\x1b"), (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "\x7f")],
    ids=["esc-bel-utf8", "nul-esc-utf16", "del-bom"],
)
def test_control_characters_are_removed_and_named(tmp_path: Path, encode, controls: str) -> None:
    text = article("Tin một")
    dirty = text.replace("Hai bên", f"Hai{controls[0]} bên", 1).replace("tuần tra chung", f"tuần tra{controls[-1]} chung", 1)
    (tmp_path / "a.txt").write_bytes(encode(dirty))
    (doc,) = ingest(tmp_path).documents
    assert doc.text == text
    assert all(f"U+{ord(c):04X}" in doc.normalised for c in controls)


def test_nul_bytes_in_an_eight_bit_file_are_refused_as_binary(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(article("Tin một").encode("utf-8").replace(b" ", b"\x00", 1))
    assert "binary" in _skipped(ingest(tmp_path), "a.txt")


def test_reading_is_the_same_whatever_the_file_name_says(tmp_path: Path) -> None:
    """read_seed is the one reading: a page's text is what the build and add_article both see."""
    raw = web_page("Tin một").encode("utf-8")
    assert read_seed(raw, "x.html").text == read_seed(raw, "x.txt").text == article("Tin một")
