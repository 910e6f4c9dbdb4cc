"""The benchmark's printed report: one ``SizeRun`` per corpus size -> text.

The per-stage table (seconds, articles/s, traced peak and growth per size), the
full build against the Frictionless validation, extraction with one process
against ``--jobs`` processes, memory, targets and the extraction quality.
"""

from __future__ import annotations

import os
import platform
from typing import TYPE_CHECKING

from bordercoop.evaluation.synthetic import TEMPLATES_PATH
from bordercoop.paths import ROOT
from bordercoop.pipeline import POOL_MIN_DOCUMENTS, STAGES

if TYPE_CHECKING:
    from bordercoop.evaluation.benchmark import SizeRun

STAGE_NAMES: tuple[str, ...] = tuple(STAGES)
TARGET_EXTRACT_PER_S = 500.0
TARGET_VALIDATE_S = 10.0
TARGET_VALIDATE_N = 10000
NOISY_SECONDS = 0.05

Cells = tuple[float | None, int | None, str]  # seconds, peak bytes, why skipped


def machine_line(runs: list[SizeRun]) -> str:
    """The machine, Python, and how many processes extracted."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    jobs = runs[0].jobs if runs else 1
    return (f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} logical CPUs ({usable} usable); "
            f"Python {platform.python_version()}; extraction in {jobs} process{'es' if jobs > 1 else ''} (--jobs), "
            "every other stage in one process")


# ------------------------------------------------------------------ stage table


def _cells(run: SizeRun, name: str) -> Cells:
    """Seconds, peak heap and skip reason of stage ``name`` (or of the ``total``)."""
    if name != "total":
        s = run.stages[name]
        return s.seconds, s.peak_bytes, s.skipped
    peaks = [s.peak_bytes for s in run.stages.values() if s.peak_bytes is not None]
    return run.build_seconds, max(peaks) if peaks else None, ""


def _rate(n: int, seconds: float | None) -> str:
    """Articles per second."""
    if seconds is None:
        return "-"
    return f"{n / seconds:,.0f}" if seconds > 0 else "inf"


def _mb(value: int | None) -> str:
    """Bytes as MiB."""
    return "-" if value is None else f"{value / 2**20:,.1f}"


def _growth(a: float | None, b: float | None) -> str:
    """The time ratio b/a; ``~`` marks a first time too short to trust."""
    if a is None or b is None or a <= 0:
        return "-"
    return f"{b / a:.1f}" + ("~" if a < NOISY_SECONDS else "")


def _growth_head(a: SizeRun, b: SizeRun) -> str:
    """The column heading of the growth from ``a`` to ``b``."""
    return f"t({b.n})/t({a.n})"


def _stage_row(name: str, runs: list[SizeRun]) -> str:
    """One row of the stage table."""
    row = f"{name:<13}"
    cells = [_cells(r, name) for r in runs]
    for run, (seconds, peak, skipped) in zip(runs, cells, strict=True):
        shown = "skipped" if skipped else ("-" if seconds is None else f"{seconds:.3f}")
        row += f" | {'':>10} {shown:>7} {_rate(run.n, seconds):>9} {_mb(peak):>8}"
    for i in range(len(runs) - 1):
        head = _growth_head(runs[i], runs[i + 1])
        row += f" | {_growth(cells[i][0], cells[i + 1][0]):>{len(head)}}"
    return row


def stage_table(runs: list[SizeRun]) -> str:
    """One row per pipeline stage, then the total: seconds, articles/s and peak
    heap per size, then the growth ratio between consecutive sizes."""
    head = f"{'stage':<13}"
    for r in runs:
        head += f" | {'N=' + format(r.n, ','):>10} {'s':>7} {'art/s':>9} {'peak MB':>8}"
    for a, b in zip(runs, runs[1:], strict=False):
        head += f" | {_growth_head(a, b)}"
    lines = [head, "-" * len(head)]
    lines += [_stage_row(name, runs) for name in (*STAGE_NAMES, "total")]
    return "\n".join(lines)


# ------------------------------------------------------------------ sections


def _notes(runs: list[SizeRun], frictionless_max_rows: int) -> list[str]:
    """What the table's columns and stages mean, and which stage was skipped."""
    notes = [
        "art/s = articles per second; peak MB = tracemalloc peak of the Python heap while the stage ran (separate traced run, jobs=1);",
        "the stages are pipeline.STAGES run by pipeline.run_stages; validate = check_tables (pandera + foreign keys + cross-table",
        "rules); publish = write_staging; frictionless = check_package on the written package; total = the full build.",
        f"Growth: linear = the size ratio; ~ = under {NOISY_SECONDS * 1000:.0f} ms, noisy. A warm-up run on a few other articles precedes",
        "the sizes, so imports and regex compilation are not timed.",
        f"Frictionless runs when the package has at most {frictionless_max_rows:,} rows (--frictionless-max-rows).",
    ]
    for r in runs:
        if r.stages["frictionless"].skipped:
            notes.append(f"N={r.n:,}: frictionless {r.stages['frictionless'].skipped} (raise it to run Frictionless).")
    return notes


def build_lines(runs: list[SizeRun]) -> list[str]:
    """Per size: the full build (every stage) and its ratio to the Frictionless validation."""
    lines = ["Full build (sum of every stage, ingest through frictionless) against the Frictionless validation, same run:"]
    for r in runs:
        frictionless = r.stages["frictionless"].seconds
        line = f"  N={r.n:,}: full build {r.build_seconds:.1f} s"
        if frictionless:
            line += f" = {r.build_seconds / frictionless:.1f}x frictionless validate ({frictionless:.1f} s)"
        else:
            line += " (frictionless skipped: no ratio)"
        lines.append(line)
    return lines


def jobs_lines(runs: list[SizeRun]) -> list[str]:
    """Per size: extraction with one process against ``--jobs`` processes."""
    lines = ["Extraction with jobs=1 against jobs=N (same documents, same run; the assembled tables compared):"]
    for r in runs:
        p = r.parallel
        if p is None:
            lines.append(f"  N={r.n:,}: extraction ran with jobs=1 only (--jobs 1): nothing to compare")
            continue
        verdict = "assembled tables identical" if p.identical else "assembled tables DIFFER"
        line = (f"  N={r.n:,}: extract jobs=1 {p.serial_seconds:.2f} s vs jobs={p.jobs} {p.parallel_seconds:.2f} s "
                f"= {p.speedup:.2f}x; {verdict}")
        if not p.pooled:
            line += f" (under {POOL_MIN_DOCUMENTS} documents the pipeline extracts in one process)"
        lines.append(line)
    return lines


def _memory_lines(runs: list[SizeRun]) -> list[str]:
    """Per size: the traced heap peak and the processes' max RSS."""
    lines = []
    for r in runs:
        lines.append(f"N={r.n:,}: peak Python heap (tracemalloc) {_mb(_cells(r, 'total')[1])} MB; max RSS (ru_maxrss, "
                     f"high-water marks so far) this process {r.max_rss_kb / 1024:,.0f} MB, largest extraction worker "
                     f"{r.children_max_rss_kb / 1024:,.0f} MB")
    return lines


def _extract_rate(run: SizeRun) -> float:
    """Articles per second of the extract stage (with ``--jobs``)."""
    seconds = run.stages["extract"].seconds
    return run.n / seconds if seconds else 0.0


def _single_core_rate(run: SizeRun) -> float:
    """Articles per second of the extraction with one process."""
    if run.parallel is not None:
        return run.n / run.parallel.serial_seconds if run.parallel.serial_seconds else 0.0
    return _extract_rate(run)


def _relative_lines(runs: list[SizeRun]) -> list[str]:
    """Extraction throughput of each size against the first."""
    ref, ref_rate = runs[0], _extract_rate(runs[0])
    parts = [f"N={r.n:,}: {_extract_rate(r):,.1f} art/s = {_extract_rate(r) / ref_rate:.2f}x" for r in runs] if ref_rate else []
    lines = [f"Extraction throughput relative to the N={ref.n:,} reference run (same process, jobs={ref.jobs}): " + "; ".join(parts)]
    if len(runs) > 1:
        a, b = runs[0], runs[-1]
        lines.append(f"Linear growth from N={a.n:,} to N={b.n:,} means a time ratio of {b.n / a.n:.1f} per stage.")
    return lines


def _linearity(a: SizeRun, b: SizeRun) -> str:
    """Per stage long enough to time: its growth, linear or not."""
    expected = b.n / a.n
    verdicts = []
    for name in STAGE_NAMES:
        sa, sb = a.stages[name].seconds, b.stages[name].seconds
        if sa and sb and sa >= NOISY_SECONDS:
            ratio = sb / sa
            verdicts.append(f"{name} {ratio:.1f} ({'linear' if ratio <= 1.3 * expected else 'SUPERLINEAR'})")
    return f"(expected {expected:.1f}): " + ", ".join(verdicts)


def _target_lines(runs: list[SizeRun]) -> list[str]:
    """The extraction and validation targets, met or not."""
    big = runs[-1]
    rate = _single_core_rate(big)
    lines = [f"Target extraction >= {TARGET_EXTRACT_PER_S:.0f} articles/s on one core: "
             f"{'MET' if rate >= TARGET_EXTRACT_PER_S else 'NOT MET'} ({rate:,.1f} art/s at N={big.n:,} with jobs=1; "
             f"{_extract_rate(big):,.1f} art/s with jobs={big.jobs})"]
    at_target = [r for r in runs if r.n == TARGET_VALIDATE_N]
    if at_target:
        v = at_target[0].stages["validate"].seconds or 0.0
        lines.append(f"Target validate (check_tables) of the N={TARGET_VALIDATE_N:,} tables < {TARGET_VALIDATE_S:.0f} s: "
                     f"{'MET' if v < TARGET_VALIDATE_S else 'NOT MET'} ({v:.2f} s)")
    else:
        lines.append(f"Target validate < {TARGET_VALIDATE_S:.0f} s at N={TARGET_VALIDATE_N:,}: not measured (size not run)")
    if len(runs) > 1:
        lines.append("Growth " + _linearity(runs[0], runs[-1]))
    return lines


def _worst_tags(run: SizeRun) -> list[str]:
    """The templates most often used in articles whose facts differ."""
    q = run.quality
    worst = sorted(((q.failing_tags[t] / q.tag_totals[t], t) for t in q.failing_tags if q.tag_totals[t] >= 5), reverse=True)[:6]
    if not worst:
        return []
    return ["  templates most often in articles with a mismatch: " + "; ".join(f"{t!r} {share:.0%}" for share, t in worst)]


def quality_lines(run: SizeRun) -> list[str]:
    """Recall and precision per fact type against the generator's truth."""
    q = run.quality
    lines = [f"Extraction quality at N={run.n:,} against the generator's truth (expected.json entries scored with each fact "
             "type's compare/expected, as scripts/evaluate.py does;",
             f"  {q.articles:,} articles, {q.exact_articles / max(q.articles, 1):.1%} fully exact; "
             f"{q.skipped_files} files skipped by ingest):"]
    for name, s in [*q.scores.items(), ("main parties", q.main_parties)]:
        lines.append(f"  {name:<20} truth {s.expected:>7,}  extracted {s.found:>7,}  recall {s.recall:6.1%}  precision {s.precision:6.1%}")
    lines.append("  (main parties: the main meeting has every party its sentence names; province_borders: Vietnamese "
                 "provinces only, as in tests/sets)")
    lines.append(f"  rows outside the article body (boilerplate): {q.boilerplate_rows}; validation issues: "
                 f"check_tables {len(run.issues)}, frictionless {len(run.frictionless_issues)}")
    lines += [f"    {issue}" for issue in (run.issues + run.frictionless_issues)[:5]]
    lines += [f"    {d}" for d in q.differences[:5]]
    return lines + _worst_tags(run)


def report(runs: list[SizeRun], seed: int, frictionless_max_rows: int) -> str:
    """The whole printed report."""
    out = [f"Synthetic corpus: templates {TEMPLATES_PATH.relative_to(ROOT)}, seed {seed}", machine_line(runs), ""]
    for r in runs:
        out.append(f"N={r.n:,}: {r.corpus_bytes / 2**20:.1f} MiB, corpus sha256 {r.corpus_sha256[:16]}, generated in "
                   f"{r.generate_seconds:.2f} s; rows: " + ", ".join(f"{t}={c:,}" for t, c in r.rows.items()))
    out += ["", stage_table(runs), ""]
    out += _notes(runs, frictionless_max_rows)
    out += [""] + build_lines(runs) + [""] + jobs_lines(runs)
    out += [""] + _memory_lines(runs) + [""] + _relative_lines(runs) + [""] + _target_lines(runs)
    out += [""] + quality_lines(runs[-1])
    for r in runs:
        if r.profile:
            out += ["", f"cProfile of the extract stage (jobs=1) over the N={r.n:,} corpus:", r.profile]
    return "\n".join(out)
