"""The curation file as curators write it (Excel exports included): decoded as
ingest decodes articles, and every mistake a CurationError naming the file, the
row (CSV line) and the field; never another exception."""

from __future__ import annotations

import codecs
import copy
import dataclasses
from pathlib import Path

import pytest

from bordercoop.stages.curate import CURATION_PATH, CurationError, apply_curation, load_curation
from bordercoop.stages.extract import extract_document
from bordercoop.stages.ingest import ingest

HEADER = "action,document_id,table,match,field,value,note\n"
S000, S002 = "000_bab3cb856d3fb1ea", "002_e09a1e6ea1454227"
ADD_PATROL = 'add,002_e09a1e6ea1454227,patrols,Biên bản Hội đàm năm 2024,,"{{{0}}}",x\n'
ADD_MEETING = 'add,002_e09a1e6ea1454227,meetings,Biên bản Hội đàm năm 2024,,"{{""kind"": ""talks"", ""status"": ""held"", ""date_precision"": ""unknown"", ""parties"": {0}}}",x\n'


@pytest.fixture(scope="module")
def facts(root: Path) -> list:
    docs = [d for d in ingest(root / "seeds").documents if d.document_id in {S000, S002}]
    return [extract_document(d) for d in docs]


def _curate(facts: list, path: Path) -> list:
    return apply_curation(copy.deepcopy(facts), load_curation(path))[0]


def _plain(items: list) -> list[tuple]:
    return [dataclasses.astuple(dataclasses.replace(c, path="")) for c in items]


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-16"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),  # Excel's "CSV UTF-8"
    lambda t: t.replace("\n", "\r\n").encode("utf-8"),
], ids=["utf-16", "excel-bom", "crlf"])
def test_encodings_read_as_utf8(tmp_path: Path, encode) -> None:
    text = CURATION_PATH.read_text(encoding="utf-8")
    path = tmp_path / "curation.csv"
    path.write_bytes(encode(text))
    assert _plain(load_curation(path)) == _plain(load_curation(CURATION_PATH))


def test_windows_1252_export_is_read(tmp_path: Path, facts: list) -> None:
    path = tmp_path / "curation.csv"
    path.write_bytes((HEADER + f"confirm,{S000},border_lengths,1.449,,,curator\u2019s note: café\n").encode("cp1252"))
    (item,) = load_curation(path)
    assert item.note == "curator\u2019s note: café"
    rows = next(f for f in _curate(facts, path) if f.document.document_id == S000).table("border_lengths")
    assert any(r["note"] == "curator\u2019s note: café" for r in rows)


def test_row_is_the_csv_line_where_it_starts(tmp_path: Path) -> None:
    path = tmp_path / "curation.csv"
    path.write_text(HEADER + f'confirm,{S000},meetings,Tại buổi,,,"two\nlines"\n\nfrob,{S000},meetings,Tại buổi,,,x\n', encoding="utf-8")
    with pytest.raises(CurationError, match="curation.csv row 5, field action"):
        load_curation(path)


def test_empty_spreadsheet_rows_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "curation.csv"
    path.write_text(HEADER + ",,,,,,\n" + f"confirm,{S000},meetings,Tại buổi,,,x\n" + ",,,,,,\n", encoding="utf-8")
    assert [c.line for c in load_curation(path)] == [3]


@pytest.mark.parametrize(("line", "named", "why"), [
    (f"set,{S000},border_lengths,1.449,length_km,NaN,x\n", "field value", "not a finite number"),
    (f"set,{S000},border_lengths,1.449,length_km,Infinity,x\n", "field value", "not a finite number"),
    (f"set,{S000},border_lengths,1.449,length_km,-inf,x\n", "field value", "not a finite number"),
    (f"set,{S000},border_lengths,1.449,length_km,-3,x\n", "field value", "minimum"),
    (f"set,{S000},meetings,Tại buổi,kind,party,x\n", "field value", "enum"),
    (f"set,{S000},meetings,Tại buổi,date_begin,2021-01-01,x\n", "field field", "cannot be set"),
    (f"set,{S000},meetings,no such words,kind,talks,x\n", "field match", "fits 0 rows"),
    (ADD_PATROL.format('""country_a"": ""VN"", ""country_b"": ""LA"", ""level"": ""provincial"", ""personnel"": NaN, ""personnel_scope"": ""total""'),
     "field value", "NaN is not a value"),
    (ADD_PATROL.format('""country_a"": ""VN"", ""country_b"": ""LA"", ""level"": ""provincial"", ""personnel"": Infinity, ""personnel_scope"": ""total""'),
     "field value", "Infinity is not a value"),
    (ADD_PATROL.format('""country_a"": ""VN"", ""level"": ""provincial"", ""personnel_scope"": ""total""'), "field value", "needs country_b"),
    (ADD_MEETING.format('[""VN"", ""LA""]'), "field value", "parties\\[0\\] must be a JSON object"),
    (ADD_MEETING.format('""VN, LA""'), "field value", "needs \"parties\""),
    (ADD_MEETING.format('[{""country_code"": ""VN""}, {""organisation"": ""Bộ CHQS""}]'), "field value", "parties\\[1\\] needs country_code"),
    (ADD_MEETING.format('[{""country_code"": ""VN""}, {""country_code"": ""XX""}]'), "field value", "enum"),
    (f'add,{S002},meetings,Biên bản Hội đàm năm 2024,,"[1, 2]",x\n', "field value", "JSON object of fields, got list"),
], ids=["nan", "infinity", "minus-inf", "negative", "enum", "unknown-field", "no-match", "json-nan", "json-infinity",
        "missing-required", "parties-strings", "parties-string", "party-without-country", "party-bad-country", "value-list"])
def test_mistakes_name_row_and_field(tmp_path: Path, facts: list, line: str, named: str, why: str) -> None:
    path = tmp_path / "curation.csv"
    path.write_text(HEADER + line, encoding="utf-8")
    with pytest.raises(CurationError, match=why) as err:
        _curate(facts, path)
    assert f"curation.csv row 2, {named}" in str(err.value)


@pytest.mark.parametrize(("content", "why"), [
    (None, "curation file not found"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 8, "binary"),
    (b"action;document_id;table;match;field;value;note\n", "row 1: header must be"),
    (b"", "row 1: header must be"),
], ids=["missing", "binary", "semicolons", "empty"])
def test_unreadable_files_are_clear_errors(tmp_path: Path, content: bytes | None, why: str) -> None:
    path = tmp_path / "curation.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CurationError, match=why) as err:
        load_curation(path)
    assert "curation.csv" in str(err.value)


def test_a_meetings_role_can_be_set_and_its_event_cannot(facts, tmp_path: Path) -> None:
    path = tmp_path / "curation.csv"
    path.write_text(f"{HEADER}set,{S002},meetings,Chiều 9/12,role,context,a test of the role field\n", encoding="utf-8")
    curated = [m for f in _curate(facts, path) for m in f.table("meetings") if m["method"] == "curated"]
    assert [m["role"] for m in curated] == ["context"]
    path.write_text(f"{HEADER}set,{S002},meetings,Chiều 9/12,event_id,e-x-1,no\n", encoding="utf-8")
    with pytest.raises(CurationError, match="event_id"):
        _curate(facts, path)
