"""The benchmark's synthetic corpus and a small benchmark run (scripts/benchmark.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercoop.evaluation import benchmark
from bordercoop.evaluation.benchmark import STAGES, SizeRun, generate_articles, report, run_benchmark, write_corpus

N = 50


def _corpus_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.txt"))}


@pytest.fixture(scope="module")
def small_run() -> SizeRun:
    return run_benchmark([N], memory=True, warm_up_articles=3)[0]


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    first = write_corpus(generate_articles(N), tmp_path / "a")
    second = write_corpus(generate_articles(N), tmp_path / "b")
    assert first == second
    assert _corpus_bytes(tmp_path / "a") == _corpus_bytes(tmp_path / "b")
    assert len(_corpus_bytes(tmp_path / "a")) == N
    # a smaller corpus is a prefix of a larger one; another seed gives another corpus
    assert [a.text for a in generate_articles(N + 10)[:N]] == [a.text for a in generate_articles(N)]
    assert write_corpus(generate_articles(N, seed=1), tmp_path / "c") != first


def test_articles_look_like_seeds() -> None:
    articles = generate_articles(N)
    markers = benchmark.load_templates()["boilerplate"]["markers"]
    for a in articles:
        lines = a.text.split("\n")
        assert lines[0].strip() and not lines[0].startswith(" ")
        assert any(line in markers for line in lines[2:]), a.stem
    kinds = {m[0] for a in articles for m in a.truth.meetings}
    assert {"talks", "online_talks", "visit", "exchange"} <= kinds
    assert any(not a.truth.meetings for a in articles)  # domestic articles, no border facts
    assert any(p[2] == "per_side" for a in articles for p in a.truth.patrols)
    assert any(p[2] == "total" for a in articles for p in a.truth.patrols)
    assert any(m[4] == "unknown" for a in articles for m in a.truth.meetings)


def test_extraction_finds_what_the_generator_wrote(small_run: SizeRun) -> None:
    q = small_run.quality
    assert q.articles == N and q.skipped_files == 0
    assert q.count_recall["meetings"] >= 0.95
    assert q.count_recall["patrols"] >= 0.95
    for name in ("meetings", "patrols", "border_lengths", "province_borders"):
        assert q.scores[name].recall >= 0.95, (name, q.scores[name])
        assert q.scores[name].precision >= 0.95, (name, q.scores[name])
    assert q.exact_articles >= 0.9 * N
    assert q.boilerplate_rows == 0  # nothing is read from the boilerplate block


def test_small_run_validates_and_reports_every_stage(small_run: SizeRun) -> None:
    assert small_run.issues == [] and small_run.frictionless_issues == []
    assert small_run.rows["documents"] == N
    for name in STAGES:
        stage = small_run.stages[name]
        assert stage.seconds is not None and stage.seconds >= 0 and not stage.skipped
        assert stage.peak_bytes is not None and stage.peak_bytes > 0
    text = report([small_run], benchmark.DEFAULT_SEED, benchmark.DEFAULT_FRICTIONLESS_MAX_ROWS)
    rows = {line.split("|")[0].strip() for line in text.splitlines() if "|" in line}
    assert set(STAGES) | {"total"} <= rows
    assert f"N={N}" in text and "logical CPUs" in text
    assert "Extraction throughput relative to the N=50 reference run" in text


def test_cli_prints_table_and_says_when_frictionless_is_skipped(capsys: pytest.CaptureFixture[str]) -> None:
    assert benchmark.main(["--sizes", "8", "16", "--no-memory", "--frictionless-max-rows", "1"]) == 0
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if "|" in line]
    assert [line.split("|")[0].strip() for line in table[1:]] == [*STAGES, "total"]
    assert "t(16)/t(8)" in table[0]
    frictionless = next(line for line in table if line.startswith("frictionless"))
    assert "skipped" in frictionless
    assert "frictionless skipped:" in out and "--frictionless-max-rows 1" in out
