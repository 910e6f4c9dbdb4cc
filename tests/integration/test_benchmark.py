"""The benchmark's synthetic corpus and a small benchmark run (scripts/benchmark.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bordercoop.evaluation import benchmark, synthetic
from bordercoop.evaluation.benchmark import Options, SizeRun, run_benchmark
from bordercoop.evaluation.benchmark_report import report
from bordercoop.evaluation.score import TABLES, score_folder
from bordercoop.evaluation.synthetic import generate_articles, write_corpus
from bordercoop.lang import language
from bordercoop.paths import LANGUAGES
from bordercoop.pipeline import POOL_MIN_DOCUMENTS, STAGES

N = 50
RUN_N = POOL_MIN_DOCUMENTS + 16  # enough documents for the pipeline to use its process pool


def _corpus_bytes(folder: Path) -> dict[str, bytes]:
    """The bytes of every article of a corpus folder, by file name."""
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.txt"))}


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder the small run keeps its corpus in."""
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="module")
def small_run(kept: Path) -> SizeRun:
    """One benchmark size, run once for the module."""
    return run_benchmark([RUN_N], Options(jobs=2, memory=True, warm_up_articles=3), keep=kept)[0]


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    """Same seed, same bytes (articles and expected.json); a smaller corpus is a prefix."""
    first = write_corpus(generate_articles(N), tmp_path / "a")
    second = write_corpus(generate_articles(N), tmp_path / "b")
    assert first == second
    assert _corpus_bytes(tmp_path / "a") == _corpus_bytes(tmp_path / "b")
    assert (tmp_path / "a" / "expected.json").read_bytes() == (tmp_path / "b" / "expected.json").read_bytes()
    assert len(_corpus_bytes(tmp_path / "a")) == N
    # a smaller corpus is a prefix of a larger one; another seed gives another corpus
    assert [a.text for a in generate_articles(N + 10)[:N]] == [a.text for a in generate_articles(N)]
    assert write_corpus(generate_articles(N, seed=1), tmp_path / "c") != first


def test_articles_look_like_seeds_and_truth_is_expected_json() -> None:
    """Articles have a headline and boilerplate; truth entries are expected.json-shaped."""
    articles = generate_articles(N)
    markers = synthetic.load_templates()["boilerplate"]["markers"]
    for a in articles:
        lines = a.text.split("\n")
        assert lines[0].strip() and not lines[0].startswith(" ")
        assert any(line in markers for line in lines[2:]), a.stem
        assert set(a.expected) == {"meetings", "patrols", "border_lengths", "provinces_mentioned", "province_borders"}
        assert json.loads(json.dumps(a.expected)) == a.expected
    meetings = [m for a in articles for m in a.expected["meetings"]]
    patrols = [p for a in articles for p in a.expected["patrols"]]
    assert {"talks", "online_talks", "visit", "exchange"} <= {m["kind"] for m in meetings}
    assert any(not a.expected["meetings"] for a in articles)  # domestic articles, no border facts
    assert {"per_side", "total"} <= {p["personnel_scope"] for p in patrols}
    assert any(m["date_precision"] == "unknown" and m["date_start"] is None for m in meetings)
    assert all(pid.startswith("vn-") for a in articles for pid, _ in a.expected["province_borders"])


def test_templates_are_not_read_as_rules() -> None:
    # a subfolder of lang/vi/: the language loader reads lang/vi/*.toml only
    """The templates sit in a subfolder that the language loader does not read."""
    assert synthetic.TEMPLATES_PATH == LANGUAGES / "vi" / "benchmark" / "templates.toml"
    assert synthetic.TEMPLATES_PATH.is_file()
    assert {"article", "headlines", "main", "follow_up"}.isdisjoint(language("vi").data)


def test_extraction_finds_everything_the_generator_wrote(small_run: SizeRun, kept: Path) -> None:
    """100% recall and precision against the truth, scored like scripts/evaluate.py."""
    q = small_run.quality
    assert q.articles == RUN_N and q.skipped_files == 0
    assert set(q.scores) == set(TABLES)
    for name, s in q.scores.items():
        assert s.expected > 0, name
        assert s.recall == 1.0 and s.precision == 1.0, (name, s.differences[:3])
    assert q.main_parties.recall == 1.0 and q.main_parties.precision == 1.0
    assert q.exact_articles == RUN_N and q.differences == []
    assert q.boilerplate_rows == 0  # nothing is read from the boilerplate block
    # the corpus's expected.json scores the same with scripts/evaluate.py
    evaluated = score_folder(kept / f"corpus-{RUN_N}")
    assert {k: (s.true_positives, s.found, s.expected) for k, s in evaluated.items()} == {
        k: (s.true_positives, s.found, s.expected) for k, s in q.scores.items()}


def test_small_run_validates_reports_every_stage_and_compares_jobs(small_run: SizeRun) -> None:
    """Every stage timed and traced; the ratio lines; jobs=1 and jobs=2 agree."""
    assert small_run.issues == [] and small_run.frictionless_issues == []
    assert small_run.rows["documents"] == RUN_N
    for name in STAGES:
        stage = small_run.stages[name]
        assert stage.seconds is not None and stage.seconds >= 0 and not stage.skipped, name
        assert stage.peak_bytes is not None and stage.peak_bytes > 0, name
    assert small_run.build_seconds == pytest.approx(sum(s.seconds for s in small_run.stages.values()))
    p = small_run.parallel
    assert p is not None and p.jobs == 2 and p.pooled and p.identical
    text = report([small_run], synthetic.DEFAULT_SEED, benchmark.DEFAULT_FRICTIONLESS_MAX_ROWS)
    rows = {line.split("|")[0].strip() for line in text.splitlines() if "|" in line}
    assert set(STAGES) | {"total"} <= rows
    assert f"N={RUN_N}" in text and "logical CPUs" in text
    assert re.search(rf"N={RUN_N}: full build \d+\.\d s = \d+\.\dx frictionless validate \(\d+\.\d s\)", text)
    assert re.search(rf"N={RUN_N}: extract jobs=1 \d+\.\d+ s vs jobs=2 \d+\.\d+ s = \d+\.\d+x; assembled tables identical$",
                     text, re.MULTILINE)
    assert f"Extraction throughput relative to the N={RUN_N} reference run" in text


def test_cli_prints_table_and_says_when_frictionless_is_skipped(capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI prints the stage table and says why Frictionless was skipped."""
    assert benchmark.main(["--sizes", "8", "16", "--no-memory", "--frictionless-max-rows", "1", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if "|" in line]
    assert [line.split("|")[0].strip() for line in table[1:]] == [*STAGES, "total"]
    assert "t(16)/t(8)" in table[0]
    frictionless = next(line for line in table if line.startswith("frictionless"))
    assert "skipped" in frictionless
    assert "frictionless skipped:" in out and "--frictionless-max-rows 1" in out
    assert "N=16: full build" in out and "(frictionless skipped: no ratio)" in out
    assert f"(under {POOL_MIN_DOCUMENTS} documents the pipeline extracts in one process)" in out


def test_cli_with_one_job_says_there_is_nothing_to_compare(capsys: pytest.CaptureFixture[str]) -> None:
    """With --jobs 1 there is no parallel run to compare."""
    assert benchmark.main(["--sizes", "5", "--no-memory", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "N=5: extraction ran with jobs=1 only" in out and "extraction in 1 process " in out
