"""Each kind of broken data fails with an error naming the table, row and field,
and a failed build writes nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bordercoop.stages.validate import check_package, check_tables


def _first(issues, table: str):
    found = [i for i in issues if i.table == table]
    assert found, f"no issue for {table}: {[str(i) for i in issues]}"
    return found[0]


def test_clean_tables_pass(tables, texts) -> None:
    assert check_tables(tables, texts) == []


def test_wrong_type(tables, texts) -> None:
    tables["patrols"][1]["personnel"] = "nhiều"
    issue = _first(check_tables(tables, texts), "patrols")
    assert (issue.row, issue.field) == (3, "personnel")
    assert "not a valid integer" in str(issue) and "table patrols, row 3, field personnel" in str(issue)


def test_bad_enum(tables, texts) -> None:
    tables["meetings"][0]["kind"] = "party"
    issue = _first(check_tables(tables, texts), "meetings")
    assert (issue.row, issue.field) == (2, "kind")


def test_dangling_foreign_key(tables, texts) -> None:
    tables["meeting_parties"][0]["province_id"] = "vn-atlantis"
    issue = _first(check_tables(tables, texts), "meeting_parties")
    assert (issue.row, issue.field) == (2, "province_id") and "vn-atlantis" in issue.message


def test_duplicate_key(tables, texts) -> None:
    tables["meetings"].append(dict(tables["meetings"][0]))
    issues = check_tables(tables, texts)
    issue = _first(issues, "meetings")
    assert issue.field == "meeting_id" and "duplicate" in issue.message
    assert issue.row == len(tables["meetings"]) + 1


def test_duplicate_composite_key(tables, texts) -> None:
    tables["border_lengths"].append(dict(tables["border_lengths"][0]))
    issue = _first(check_tables(tables, texts), "border_lengths")
    assert "duplicate" in issue.message and "segment" in issue.field


def test_evidence_not_at_offsets(tables, texts) -> None:
    tables["patrols"][0]["char_start"] = str(int(tables["patrols"][0]["char_start"]) + 1)
    issue = _first(check_tables(tables, texts), "patrols")
    assert (issue.row, issue.field) == (2, "evidence") and "does not equal the text" in issue.message


def test_land_plus_water_not_total(tables, texts) -> None:
    land = next(r for r in tables["border_lengths"] if r["segment"] == "land")
    land["length_km"] = "1065.0"
    issue = _first(check_tables(tables, texts), "border_lengths")
    assert issue.field == "length_km" and "not the total" in issue.message and issue.row is not None


def test_meeting_without_foreign_party(tables, texts) -> None:
    mid = tables["meetings"][0]["meeting_id"]
    tables["meeting_parties"] = [p for p in tables["meeting_parties"] if not (p["meeting_id"] == mid and p["country_code"] != "VN")]
    issue = _first(check_tables(tables, texts), "meetings")
    assert "no foreign party" in issue.message and issue.row == 2


def test_wrong_hash_is_caught_by_frictionless(root: Path, tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    shutil.copytree(root / "data", pkg / "data")
    shutil.copytree(root / "schemas", pkg / "schemas")
    shutil.copy(root / "datapackage.json", pkg / "datapackage.json")
    with open(pkg / "data" / "patrols.csv", "a", encoding="utf-8") as fh:
        fh.write("")
    path = pkg / "data" / "border_lengths.csv"
    path.write_bytes(path.read_bytes().replace(b"1449.566", b"1449.567"))
    issues = check_package(pkg / "datapackage.json")
    assert any(i.table == "border_lengths" and "hash" in i.message for i in issues), [str(i) for i in issues]


def test_failed_build_leaves_package_untouched(root: Path, tmp_path: Path) -> None:
    """A curation row that matches nothing stops the build; data/ is unchanged."""
    work = tmp_path / "repo"
    shutil.copytree(root / "scripts", work / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(root / "schemas", work / "schemas")
    shutil.copytree(root / "seeds", work / "seeds")
    shutil.copytree(root / "data", work / "data")
    shutil.copy(root / "datapackage.json", work / "datapackage.json")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in [*sorted((work / "data").iterdir()), work / "datapackage.json"]}
    curation = work / "scripts" / "reference" / "curation.csv"
    with open(curation, "a", encoding="utf-8") as fh:
        fh.write("set,002_e09a1e6ea1454227,patrols,no such words,personnel,5,broken on purpose\n")
    result = subprocess.run([sys.executable, str(work / "scripts" / "build.py")], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "curation.csv row" in result.stderr and "no such words" in result.stderr
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in [*sorted((work / "data").iterdir()), work / "datapackage.json"]}
    assert after == before
    assert not list(work.glob(".build-*"))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("frob,000_bab3cb856d3fb1ea,meetings,Tại buổi,kind,talks,x", "action must be"),
        ("set,000_bab3cb856d3fb1ea,meetings,Tại buổi,kind,talks,", "needs a note"),
        ("set,000_bab3cb856d3fb1ea,meetings,Tại buổi,date_start,2021-13-01,bad month", "is not a valid date"),
        ("set,000_bab3cb856d3fb1ea,meetings,Tại buổi,date_begin,2021-01-01,typo", "cannot be set"),
        ("set,000_bab3cb856d3fb1ea,meeting_parties,Tại buổi,organisation,X,no offsets", "table must be one of"),
        ("set,000_bab3cb856d3fb1ea,meetings,Tại buổi,kind,talks,note,extra", "expected 7 columns"),
    ],
)
def test_curation_errors_name_the_row(tmp_path: Path, line: str, message: str) -> None:
    from bordercoop.stages.curate import CurationError, apply_curation, load_curation


    path = tmp_path / "curation.csv"
    path.write_text("action,document_id,table,match,field,value,note\n" + line + "\n", encoding="utf-8")
    with pytest.raises(CurationError, match=message) as err:
        from bordercoop.stages.extract import extract_document
        from bordercoop.stages.ingest import ingest

        docs = [d for d in ingest(Path(__file__).resolve().parents[2] / "seeds").documents if d.document_id == "000_bab3cb856d3fb1ea"]
        apply_curation([extract_document(d) for d in docs], load_curation(path))
    assert "row 2" in str(err.value)


def test_descriptor_keys_are_inside_schemas(root: Path) -> None:
    """frictionless v5 ignores keys at resource level: they must sit in the schema."""
    d = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for r in d["resources"]:
        assert "primaryKey" not in r and "foreignKeys" not in r


def test_dangling_self_reference(tables, texts) -> None:
    row = next(i for i, r in enumerate(tables["provinces"]) if r["province_id"] == "cn-honghe")
    tables["provinces"][row]["parent_id"] = "cn-atlantis"
    issue = _first(check_tables(tables, texts), "provinces")
    assert (issue.row, issue.field) == (row + 2, "parent_id") and "cn-atlantis" in issue.message


def test_precision_needs_both_bounds(tables, texts) -> None:
    row = next(i for i, r in enumerate(tables["meetings"]) if r["date_end"])
    tables["meetings"][row]["date_end"] = ""
    issue = _first(check_tables(tables, texts), "meetings")
    assert (issue.row, issue.field) == (row + 2, "date_precision")


def test_repeated_document_is_a_duplicate_not_a_crash(tables, texts) -> None:
    tables["documents"].append(dict(tables["documents"][0]))
    issue = _first(check_tables(tables, texts), "documents")
    assert issue.field == "document_id" and "duplicate" in issue.message and issue.row == len(tables["documents"]) + 1


def test_meeting_with_unknown_event(tables, texts) -> None:
    tables["meetings"][0]["event_id"] = "e-nowhere-0"
    issue = _first(check_tables(tables, texts), "meetings")
    assert (issue.row, issue.field) == (2, "event_id") and "e-nowhere-0" in issue.message


def test_wrong_mention_count(tables, texts) -> None:
    tables["events"][0]["mention_count"] = str(int(tables["events"][0]["mention_count"]) + 1)
    issue = _first(check_tables(tables, texts), "events")
    assert (issue.row, issue.field) == (2, "mention_count")


def test_representative_of_another_event(tables, texts) -> None:
    events = tables["events"]
    if len(events) < 2:
        pytest.skip("needs two events")
    events[0]["meeting_id"], events[1]["meeting_id"] = events[1]["meeting_id"], events[0]["meeting_id"]
    issue = _first(check_tables(tables, texts), "events")
    assert (issue.row, issue.field) == (2, "meeting_id") and "belongs to event" in issue.message


def test_representative_not_a_meeting(tables, texts) -> None:
    tables["events"][0]["meeting_id"] = "m-nowhere-0"
    issue = _first(check_tables(tables, texts), "events")
    assert (issue.row, issue.field) == (2, "meeting_id") and "not found in meetings" in issue.message
