"""Benchmark the pipeline on a synthetic corpus of N articles.

    python scripts/benchmark.py                    # N = 1000 and 10000, all cores
    python scripts/benchmark.py --sizes 200        # quick run
    python scripts/benchmark.py --sizes 1000 10000 --jobs 1 --profile 25

The corpus is written by ``evaluation/synthetic.py`` from the language's
benchmark templates, seeded: the same seed and N give the same bytes. The run
is the pipeline's own: ``pipeline.STAGES`` through ``pipeline.run_stages``, with
extraction in ``--jobs`` processes (default: every usable core), each stage
timed with ``time.perf_counter``. In the same run the extraction is repeated
with one process and its assembled tables compared with the parallel ones. A
second, traced run (jobs=1, ``--no-memory`` skips it) gives each stage's peak
Python heap under ``tracemalloc``. The facts are scored against the
generator's truth with the fact types' one projection (``evaluation/score.py``).
Growth ratios t(N2)/t(N1) show linearity (linear = N2/N1).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import pstats
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bordercoop.evaluation.benchmark_report import report
from bordercoop.evaluation.score import TABLES, Score, expected_facts, extracted_facts
from bordercoop.evaluation.synthetic import DEFAULT_SEED, SyntheticArticle, generate_articles, write_corpus
from bordercoop.facts import FACT_TABLES, DocumentFacts
from bordercoop.pipeline import POOL_MIN_DOCUMENTS, STAGES, PipelineState, Skipped, default_jobs, run_stages
from bordercoop.stages.validate import Issue

DEFAULT_SIZES = (1000, 10000)
DEFAULT_FRICTIONLESS_MAX_ROWS = 250_000
WARM_UP_ARTICLES = 20
STAGE_NAMES: tuple[str, ...] = tuple(STAGES)
# Stages rerun with one process to compare extraction with jobs=1 and jobs=N.
SERIAL_STAGES = ("extract", "curate", "bounds", "assemble", "events")


@dataclass(frozen=True)
class Options:
    """How to run each size."""

    seed: int = DEFAULT_SEED
    jobs: int = field(default_factory=default_jobs)  # extraction processes
    frictionless_max_rows: int = DEFAULT_FRICTIONLESS_MAX_ROWS
    memory: bool = True  # the traced run
    profile: int = 0  # cProfile the extraction of the first size, print the TOP functions
    warm_up_articles: int = WARM_UP_ARTICLES


# ------------------------------------------------------------------ stages


@dataclass
class StageResult:
    """One stage of one size: seconds (None: not run), traced peak, why skipped."""

    seconds: float | None = None
    peak_bytes: int | None = None
    skipped: str = ""


class StageProbe:
    """An ``around`` hook for ``run_stages``: records why the pipeline skipped a
    stage and, when tracing, the peak traced heap while each stage ran."""

    def __init__(self, trace_memory: bool) -> None:
        """A probe; ``trace_memory`` expects tracemalloc to be running."""
        self.trace_memory = trace_memory
        self.peaks: dict[str, int] = {}
        self.skipped: dict[str, str] = {}

    def __call__(self, name: str, run: Callable[[], None]) -> None:
        """Run stage ``name``; note its peak, or why it was skipped (and skip it)."""
        if self.trace_memory:
            tracemalloc.reset_peak()
        try:
            run()
        except Skipped as exc:
            self.skipped[name] = str(exc)
            raise
        if self.trace_memory:
            self.peaks[name] = tracemalloc.get_traced_memory()[1]


def run_all_stages(state: PipelineState, trace_memory: bool = False) -> dict[str, StageResult]:
    """Every pipeline stage, in order, on ``state``; per stage its seconds and
    (with ``trace_memory``) its peak traced Python heap."""
    gc.collect()
    probe = StageProbe(trace_memory)
    if trace_memory:
        tracemalloc.start()
    try:
        seconds = run_stages(state, around=probe)
    finally:
        if trace_memory:
            tracemalloc.stop()
    return {name: StageResult(seconds.get(name), probe.peaks.get(name), probe.skipped.get(name, "")) for name in STAGE_NAMES}


def new_state(corpus: Path, staging: Path, jobs: int, frictionless_max_rows: int | None) -> PipelineState:
    """A pipeline state for a benchmark corpus: every check runs and reports
    instead of stopping the run."""
    return PipelineState(corpus, corpus.parent, staging=staging, jobs=jobs, fail_fast=False,
                         frictionless_max_rows=frictionless_max_rows)


def serial_copy(state: PipelineState) -> PipelineState:
    """A one-process state holding ``state``'s ingested documents, nothing else."""
    serial = PipelineState(state.seeds, state.package_root, jobs=1, fail_fast=False)
    serial.ingested = state.ingested
    return serial


# ------------------------------------------------------------------ jobs=1 vs jobs=N


@dataclass
class ParallelCheck:
    """Extraction of one corpus with one process and with ``jobs``, same run."""

    jobs: int
    serial_seconds: float
    parallel_seconds: float
    identical: bool  # the assembled tables are equal
    pooled: bool  # the pipeline used a process pool (enough documents)

    @property
    def speedup(self) -> float:
        """Seconds with one process over seconds with ``jobs``."""
        return self.serial_seconds / self.parallel_seconds if self.parallel_seconds > 0 else float("inf")


def compare_jobs(state: PipelineState, parallel_seconds: float) -> ParallelCheck:
    """Extract, curate and assemble ``state``'s documents again with one process;
    time the extraction and compare the tables with ``state``'s."""
    serial = serial_copy(state)
    seconds = run_stages(serial, SERIAL_STAGES)
    pooled = state.jobs > 1 and len(state.ingested.documents) >= POOL_MIN_DOCUMENTS
    return ParallelCheck(state.jobs, seconds["extract"], parallel_seconds, serial.tables == state.tables, pooled)


def profile_extraction(state: PipelineState, top: int) -> str:
    """cProfile of the extract stage (one process) over ``state``'s documents."""
    profiler = cProfile.Profile()
    profiler.runcall(run_stages, serial_copy(state), ("extract",))
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# ------------------------------------------------------------------ quality


@dataclass
class Quality:
    """Extracted facts against the generator's truth."""

    articles: int = 0
    scores: dict[str, Score] = field(default_factory=dict)  # by expected.json key
    main_parties: Score = field(default_factory=Score)  # the main meeting names the sentence's parties
    exact_articles: int = 0
    boilerplate_rows: int = 0  # rows with offsets outside the article body
    skipped_files: int = 0
    failing_tags: Counter = field(default_factory=Counter)
    tag_totals: Counter = field(default_factory=Counter)

    @property
    def differences(self) -> list[str]:
        """Every article whose facts differ from its truth, per fact type."""
        return [f"[{key}] {d}" for key, s in self.scores.items() for d in s.differences]


def _iso(day: dt.date | None) -> str | None:
    """An ISO date, or None."""
    return day.isoformat() if day else None


def _main_parties_ok(f: DocumentFacts, article: SyntheticArticle) -> bool:
    """Whether the extracted main meeting (the truth's first) has every party
    the main sentence names (the projection compares countries only)."""
    main = article.expected["meetings"][0]
    want = (main["kind"], main["status"], main["date_start"], main["date_end"], main["date_precision"])
    ids = {m["meeting_id"] for m in f.table("meetings")
           if (m["kind"], m["status"], _iso(m["date_start"]), _iso(m["date_end"]), m["date_precision"]) == want}
    parties = {p["province_id"] for p in f.table("meeting_parties") if p["meeting_id"] in ids}
    return set(article.main_parties) <= parties


def _boilerplate_rows(f: DocumentFacts) -> int:
    """Rows of ``f`` whose offsets fall outside the article body."""
    doc = f.document
    return sum(1 for table in FACT_TABLES for r in f.table(table)
               if "char_start" in r and not (doc.body_start <= r["char_start"] and r["char_end"] <= doc.body_end))


def _score_document(q: Quality, f: DocumentFacts, article: SyntheticArticle) -> None:
    """Add one document's facts to ``q``: per fact type, and the diagnostics."""
    got, want = extracted_facts(f), expected_facts(article.expected)
    exact = True
    for key, score in q.scores.items():
        if not score.add(want[key], got[key]):
            exact = False
            score.differences.append(f"{article.stem}: extra {sorted(got[key] - want[key], key=repr)} "
                                     f"missing {sorted(want[key] - got[key], key=repr)}")
    if article.main_parties:
        q.main_parties.add([1], [1] if _main_parties_ok(f, article) else [])
    q.articles += 1
    q.exact_articles += exact
    q.boilerplate_rows += _boilerplate_rows(f)
    q.tag_totals.update(set(article.tags))
    if not exact:
        q.failing_tags.update(set(article.tags))


def score_extraction(facts: list[DocumentFacts], articles: list[SyntheticArticle], skipped: int = 0) -> Quality:
    """Score each document's facts against its article's expected.json entry,
    with each fact type's ``compare`` and ``expected`` (the evaluation's projection)."""
    by_stem = {a.stem: a for a in articles}
    q = Quality(skipped_files=skipped, scores={key: Score() for key in TABLES})
    for f in facts:
        _score_document(q, f, by_stem[f.document.document_id])
    return q


# ------------------------------------------------------------------ one size


@dataclass
class SizeRun:
    """Everything measured for one corpus size."""

    n: int
    jobs: int
    corpus_bytes: int
    corpus_sha256: str
    generate_seconds: float
    stages: dict[str, StageResult]
    rows: dict[str, int]
    quality: Quality
    issues: list[Issue]
    frictionless_issues: list[Issue]
    max_rss_kb: int
    children_max_rss_kb: int
    parallel: ParallelCheck | None = None  # None with jobs=1
    profile: str = ""

    @property
    def build_seconds(self) -> float:
        """The full build: the sum of every stage that ran, ingest through frictionless."""
        return sum(s.seconds for s in self.stages.values() if s.seconds is not None)


def _trace_memory(stages: dict[str, StageResult], corpus: Path, staging: Path, options: Options) -> None:
    """A second, traced run with one process (so the heap of the extraction is
    this process's); adds each stage's peak to ``stages``."""
    traced = run_all_stages(new_state(corpus, staging, 1, options.frictionless_max_rows), trace_memory=True)
    for name, r in traced.items():
        stages[name].peak_bytes = r.peak_bytes
    shutil.rmtree(staging, ignore_errors=True)


def run_size(n: int, options: Options, workdir: Path, profile: int = 0, templates: dict[str, Any] | None = None) -> SizeRun:
    """Generate N articles into ``workdir`` and run the pipeline on them: timed
    (jobs=N, then the extraction again with jobs=1), then traced."""
    t0 = time.perf_counter()
    articles = generate_articles(n, options.seed, templates)
    corpus = workdir / f"corpus-{n}"
    sha = write_corpus(articles, corpus)
    generate_seconds = time.perf_counter() - t0
    state = new_state(corpus, workdir / f"package-{n}", options.jobs, options.frictionless_max_rows)
    stages = run_all_stages(state)
    extract_seconds = stages["extract"].seconds or 0.0
    parallel = compare_jobs(state, extract_seconds) if options.jobs > 1 else None
    quality = score_extraction(state.facts, articles, len(state.ingested.skipped))
    profile_text = profile_extraction(state, profile) if profile else ""
    rows = {t: len(r) for t, r in state.tables.items()}
    issues, frictionless_issues = state.issues, state.frictionless_issues
    del state
    shutil.rmtree(workdir / f"package-{n}", ignore_errors=True)
    if options.memory:
        _trace_memory(stages, corpus, workdir / f"package-{n}-mem", options)
    return SizeRun(
        n, options.jobs, sum(len(a.text.encode("utf-8")) for a in articles), sha, generate_seconds, stages, rows, quality,
        issues, frictionless_issues, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, parallel, profile_text,
    )


def warm_up(options: Options, workdir: Path, templates: dict[str, Any] | None = None) -> None:
    """Run every stage once on a few other articles (not reported), so that
    imports, regex compilation and caches are not charged to the first size."""
    corpus = workdir / "warm-up"
    write_corpus(generate_articles(options.warm_up_articles, options.seed + 1, templates), corpus)
    run_all_stages(new_state(corpus, workdir / "warm-up-package", 1, options.frictionless_max_rows))
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(workdir / "warm-up-package", ignore_errors=True)


def run_benchmark(sizes: list[int], options: Options | None = None, keep: Path | None = None,
                  templates: dict[str, Any] | None = None) -> list[SizeRun]:
    """Run each size in turn, in one process; corpora go to ``keep`` if given
    (and stay there), else to a temporary folder."""
    options = options or Options()
    runs = []
    workdir = keep or Path(tempfile.mkdtemp(prefix="vn-border-bench-"))
    try:
        if options.warm_up_articles:
            warm_up(options, workdir, templates)
        for i, n in enumerate(sizes):
            runs.append(run_size(n, options, workdir, options.profile if i == 0 else 0, templates))
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return runs


# ------------------------------------------------------------------ CLI


def parse_args(argv: list[str] | None) -> tuple[list[int], Options, Path | None]:
    """The sizes, run options and ``--keep`` folder from the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="corpus sizes (articles)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--jobs", type=int, default=None, help="extraction processes (default: all usable cores)")
    parser.add_argument("--frictionless-max-rows", type=int, default=DEFAULT_FRICTIONLESS_MAX_ROWS,
                        help="skip Frictionless when the package has more rows than this")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--profile", type=int, default=0, metavar="TOP",
                        help="cProfile extraction on the first size and print the TOP functions")
    parser.add_argument("--keep", type=Path, default=None, help="write the corpora here and keep them (default: a temporary folder)")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes):
        parser.error("sizes must be positive")
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be positive")
    jobs = default_jobs() if args.jobs is None else args.jobs
    options = Options(args.seed, jobs, args.frictionless_max_rows, not args.no_memory, args.profile)
    return args.sizes, options, args.keep


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report; 1 if jobs=1 and jobs=N disagree."""
    sizes, options, keep = parse_args(argv)
    runs = run_benchmark(sizes, options, keep)
    print(report(runs, options.seed, options.frictionless_max_rows))
    return 0 if all(r.parallel is None or r.parallel.identical for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
