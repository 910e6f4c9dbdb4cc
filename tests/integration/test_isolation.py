"""One bad article never stops the build: its facts fail a check, it is left out
with the reason (file, line, table, field) on stderr and in the extraction
report, and the rest builds; --strict fails instead. Values outside the
plausibility bounds (reference/bounds.csv) are not published. Package-level
problems (bounds or curation file, gazetteer, schemas) still fail the build.

Every article here is written for this test."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bordercoop.checks import Issue
from bordercoop.pipeline import CHECKED_STAGES, PipelineState, run_stages
from bordercoop.stages.bounds import BoundsError
from bordercoop.stages.curate import CURATION_PATH, CurationError
from bordercoop.stages.isolate import ArticlesRejected, attribute

GOOD = "002_e09a1e6ea1454227.txt"
TALKS = ("Sáng 28/8, tại cửa khẩu Thanh Thủy, Bộ Chỉ huy Bộ đội Biên phòng (BĐBP) tỉnh Hà Giang "
         "tổ chức hội đàm với Bộ Chỉ huy Quân sự tỉnh Vân Nam (Trung Quốc).")
# Years that disagree: the talks end before they start.
YEARS_DISAGREE = ("Lai Châu và Vân Nam hội đàm\n"
                  "Từ ngày 30/9/2025 đến 2/10/2024, tại cửa khẩu Ma Lù Thàng, Bộ Chỉ huy Bộ đội Biên phòng (BĐBP) tỉnh Lai Châu "
                  "tổ chức hội đàm với Bộ Chỉ huy Quân sự tỉnh Vân Nam (Trung Quốc).\nTin liên quan\n")


def anniversary(years: int) -> str:
    return f"Hà Giang và Vân Nam hội đàm\n{TALKS}\nPhía bạn gửi lời chúc mừng {years} năm Quốc khánh Việt Nam.\nTin liên quan\n"


def length(figure: str) -> str:
    return f"Biên giới Việt Nam - Lào\nĐường biên giới Việt Nam - Lào dài {figure} km, đi qua mười tỉnh.\nTin liên quan\n"


def _build(root: Path, seeds: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "scripts" / "build.py"), "--seeds", str(seeds), "--out", str(out), "--quiet", *extra],
                          capture_output=True, text=True, check=False)


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _seeds(root: Path, tmp_path: Path, articles: dict[str, str]) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(root / "seeds" / GOOD, seeds / GOOD)
    for name, text in articles.items():
        (seeds / name).write_text(text, encoding="utf-8")
    return seeds


def _rows_of(out: Path, document_id: str) -> dict[str, int]:
    return {p.stem: sum(r.get("document_id") == document_id for r in _csv(p)) for p in sorted((out / "data").glob("*.csv"))}


def test_article_whose_facts_fail_a_check_is_left_out(root: Path, tmp_path: Path) -> None:
    seeds = _seeds(root, tmp_path, {"nam_nguoc.txt": YEARS_DISAGREE})
    out = tmp_path / "out"
    result = _build(root, seeds, out)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "left out of the package:" in result.stderr and "nam_nguoc.txt line 2: meetings, field date_start" in result.stderr
    assert [d["document_id"] for d in _csv(out / "data" / "documents.csv")] == [Path(GOOD).stem]
    assert not any(_rows_of(out, "nam_nguoc").values())  # no row of it in any table
    assert _rows_of(out, Path(GOOD).stem)["meetings"] > 0  # the rest builds
    report = {r["document_id"]: r for r in _csv(out / "build" / "extraction_report.csv")}
    assert report["nam_nguoc"]["status"] == "left out"
    assert "nam_nguoc.txt line 2" in report["nam_nguoc"]["detail"] and "date_start is after date_end" in report["nam_nguoc"]["detail"]


def test_strict_fails_naming_the_file_and_writes_nothing(root: Path, tmp_path: Path) -> None:
    seeds = _seeds(root, tmp_path, {"nam_nguoc.txt": YEARS_DISAGREE})
    out = tmp_path / "out"
    result = _build(root, seeds, out, "--strict")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--strict" in result.stderr and "nam_nguoc.txt line 2: meetings, field date_start" in result.stderr
    assert not (out / "datapackage.json").exists()


IMPLAUSIBLE = {  # article -> (its text, the table, the value shown in the report)
    "q790": (anniversary(790), "meetings", "meetings.date_start = 2735-08-28"),  # was a pandas OutOfBoundsDatetime traceback
    "q179": (anniversary(179), "meetings", "meetings.date_start = 2124-08-28"),
    "minus": (length("-1"), "border_lengths", "border_lengths.length_km = -1"),  # was published as 1 km
    "dots": (length("1.449.566"), "border_lengths", "border_lengths.length_km = 1449566"),
}


@pytest.fixture(scope="module")
def implausible(root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    work = tmp_path_factory.mktemp("implausible")
    articles = {f"{name}.txt": text for name, (text, _, _) in IMPLAUSIBLE.items()}
    seeds = _seeds(root, work, {**articles, "plausible.txt": length("2.337")})
    out = work / "out"
    return out, _build(root, seeds, out, "--strict")  # not an article's failure: --strict builds too


@pytest.mark.parametrize("name", IMPLAUSIBLE)
def test_implausible_values_are_not_published(implausible, name: str) -> None:
    out, result = implausible
    text, table, shown = IMPLAUSIBLE[name]
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{name}.txt line 2: {shown}" in result.stderr
    assert _rows_of(out, name)[table] == 0
    if table == "meetings":
        assert _rows_of(out, name)["province_mentions"] > 0  # the article itself is published
    detail = next(r["detail"] for r in _csv(out / "build" / "extraction_report.csv") if r["document_id"] == name)
    assert "looked like a fact, not published" in detail and shown in detail and "bounds.csv row" in detail
    evidence = TALKS if table == "meetings" else text.splitlines()[1]
    assert evidence[:40] in detail


def test_a_plausible_value_is_still_published(implausible) -> None:
    out, _ = implausible
    assert [r["length_km"] for r in _csv(out / "data" / "border_lengths.csv") if r["document_id"] == "plausible"] == ["2337"]


def _state(root: Path, seeds: Path, **kw) -> PipelineState:
    return PipelineState(seeds, seeds.parent, jobs=1, **kw)


def test_extraction_failure_leaves_the_article_out(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule that crashes on one article (a bug) loses that article only."""
    import bordercoop.pipeline as pipeline

    seeds = _seeds(root, tmp_path, {"crash.txt": anniversary(79)})
    real = pipeline.extract_document

    def crashing(doc):
        if doc.document_id == "crash":
            raise KeyError("boom")
        return real(doc)

    monkeypatch.setattr(pipeline, "extract_document", crashing)
    state = _state(root, seeds)
    run_stages(state, CHECKED_STAGES)
    assert [d["document_id"] for d in state.tables["documents"]] == [Path(GOOD).stem]
    assert [(i.document_id, i.reasons) for i in state.left_out] == [("crash", (f"{state.left_out[0].path}: extraction failed: KeyError: 'boom'",))]
    assert state.left_out[0].path.endswith("crash.txt")
    with pytest.raises(ArticlesRejected, match="crash.txt: extraction failed"):
        run_stages(_state(root, seeds, strict=True), CHECKED_STAGES)


def test_bad_bounds_file_fails_the_build_naming_row_and_field(root: Path, tmp_path: Path) -> None:
    seeds = _seeds(root, tmp_path, {})
    bounds = tmp_path / "bounds.csv"
    for body, named in [
        ("table,field,min,max,note\nborder_lengths,length_miles,1,3000,x\n", "bounds.csv row 2, field field"),
        ("table,field,min,max,note\nborder_lengths,length_km,one,3000,x\n", "bounds.csv row 2, field min"),
        ("table,field,min,max,note\nborder_lengths,length_km,1,3000,x\nmeetingz,date_start,1945,2030,x\n", "bounds.csv row 3, field table"),
        ("table,field,min\nborder_lengths,length_km,1\n", "header"),
    ]:
        bounds.write_text(body, encoding="utf-8")
        with pytest.raises(BoundsError, match=named):
            run_stages(_state(root, seeds, bounds_path=bounds), CHECKED_STAGES)


def test_a_curated_row_that_fails_a_check_names_its_curation_row(root: Path, tmp_path: Path) -> None:
    """An added meeting whose party names an unknown province is the curation's
    fault, not the article's: the build fails naming the curation row."""
    seeds = _seeds(root, tmp_path, {})
    curation = tmp_path / "curation.csv"
    curation.write_text(CURATION_PATH.read_text(encoding="utf-8").replace('"la-sekong"', '"la-atlantis"'), encoding="utf-8")
    with pytest.raises(CurationError) as err:
        run_stages(_state(root, seeds, curation_path=curation), CHECKED_STAGES)
    line = next(i for i, text in enumerate(curation.read_text(encoding="utf-8").splitlines(), start=1) if "la-atlantis" in text)
    assert f"curation.csv row {line}" in str(err.value) and "la-atlantis" in str(err.value) and "province_id" in str(err.value)


def test_attribution(pipeline) -> None:
    """Issues are traced to the article (a child row through its parent), or are
    the package's (whole-table issues, the gazetteer)."""
    t = pipeline.tables
    party = next(i for i, p in enumerate(t["meeting_parties"]) if p["method"] == "rule")
    meeting = next(m for m in t["meetings"] if m["meeting_id"] == t["meeting_parties"][party]["meeting_id"])
    issues = [
        Issue("meeting_parties", party + 2, "province_id", "'x' not found"),
        Issue("provinces", 2, "parent_id", "'y' not found"),
        Issue("meetings", None, "kind", "column missing"),
    ]
    found = attribute(issues, t, pipeline.ingested.documents, [])
    assert list(found.by_document) == [meeting["document_id"]]
    (reason,) = found.by_document[meeting["document_id"]]
    assert reason.startswith(f"seeds/{meeting['document_id']}.txt line ") and "meeting_parties, field province_id" in reason
    assert [i.table for i in found.package] == ["provinces", "meetings"]
    assert found.curation == []
