"""The pipeline: the one list of stages that the build and the benchmark run.

    ingest -> extract -> curate -> bounds -> assemble -> events -> validate -> publish -> frictionless

Each stage is a function of a ``PipelineState`` that reads what earlier stages
left there and adds its own output. ``build`` runs them into a staging folder
and publishes the result only if every check has passed, in one transaction
(``transaction.py``): a failed or interrupted build leaves the old package, and
the next run completes a publication that a kill stopped half-way.

An article whose extraction fails or whose facts fail a check is left out (its
reasons, naming the file, go to stderr and the extraction report) and the rest
builds; ``--strict`` fails instead. Problems of the package itself (schemas,
gazetteer, curation or bounds file) always fail the build.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bordercoop import interrupt
from bordercoop.files import Busy
from bordercoop.interrupt import Interrupted
from bordercoop.paths import ROOT, SEEDS
from bordercoop.schema import SCHEMA_DIR
from bordercoop.stages.assemble import Tables, assemble
from bordercoop.stages.bounds import BOUNDS_PATH, LOOKED_LIKE_A_FACT, BoundsError, apply_bounds, load_bounds
from bordercoop.stages.curate import CURATION_PATH, Curation, CurationError, apply_curation, load_curation
from bordercoop.stages.events import add_events
from bordercoop.stages.extract import DocumentFacts, extract_document
from bordercoop.stages.ingest import ARTICLE_COPIES, Document, IngestError, IngestResult, ingest
from bordercoop.stages.isolate import ArticlesRejected, LeftOut, articles_left_out, attribute
from bordercoop.stages.publish import write_staging
from bordercoop.stages.report import write_report
from bordercoop.stages.sources import SourcesError
from bordercoop.stages.validate import Issue, ValidationFailed, check_package, check_tables
from bordercoop.transaction import STAGING_PREFIX, JournalError, commit, locked

# Below this many documents a process pool costs more than it saves.
POOL_MIN_DOCUMENTS = 64


class ExtractionError(RuntimeError):
    """A rule failed on one article; the message names the file."""


class Skipped(Exception):
    """A stage that was deliberately not run; the message says why."""


@dataclass
class PipelineState:
    seeds: Path
    package_root: Path  # document paths are recorded relative to this folder
    staging: Path | None = None  # where publish writes the package
    jobs: int = 1  # extraction processes
    fail_fast: bool = True  # raise ValidationFailed as soon as a check fails
    strict: bool = False  # fail on an article's failure instead of leaving the article out
    curation_path: Path = CURATION_PATH
    bounds_path: Path = BOUNDS_PATH
    frictionless_max_rows: int | None = None  # skip Frictionless above this many rows
    ingested: IngestResult = field(default_factory=IngestResult)
    facts: list[DocumentFacts] = field(default_factory=list)
    curation: list[Curation] = field(default_factory=list)
    curation_notes: list[str] = field(default_factory=list)
    implausible: list[tuple[str, str]] = field(default_factory=list)  # (file and line, message)
    left_out: list[LeftOut] = field(default_factory=list)
    tables: Tables = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    descriptor: Path | None = None
    frictionless_issues: list[Issue] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.tables.values())

    def texts(self) -> dict[str, str]:
        return {d.document_id: d.text for d in self.ingested.documents}


def _ingest(s: PipelineState) -> None:
    # Of files with one text, the one the curation file refers to keeps its id.
    curated = {c.document_id for c in load_curation()}
    s.ingested = ingest(s.seeds, package_root=s.package_root, prefer=curated)


def _extract_one(doc: Document) -> DocumentFacts | ExtractionError:
    try:
        return extract_document(doc)
    except Exception as exc:  # a rule bug must not hide which article triggered it
        return ExtractionError(f"extraction failed: {type(exc).__name__}: {exc}")


def _checked(function: Callable[[Document], DocumentFacts | ExtractionError], doc: Document) -> DocumentFacts | ExtractionError:
    interrupt.checkpoint()  # a Ctrl-C stops a long extraction between two articles
    return function(doc)


def extract_all(documents: list[Document], jobs: int) -> list[DocumentFacts | ExtractionError]:
    """Facts of every document (or why its extraction failed), in document order:
    the same list (and so the same bytes downstream) whatever the number of processes."""
    if jobs <= 1 or len(documents) < POOL_MIN_DOCUMENTS:
        return [_checked(_extract_one, d) for d in documents]
    chunk = max(1, len(documents) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_extract_one, documents, chunksize=chunk))


def _leave_out(s: PipelineState, reasons: dict[str, list[str]]) -> None:
    """Leave these articles out (all their facts), or fail with ``strict``."""
    items = articles_left_out(reasons, s.ingested.documents, seed_names(s))
    if s.strict:
        raise ArticlesRejected(items)
    s.left_out += items
    s.facts = [f for f in s.facts if f.document.document_id not in reasons]


def _extract(s: PipelineState) -> None:
    results = extract_all(s.ingested.documents, s.jobs)
    s.facts = [r for r in results if isinstance(r, DocumentFacts)]
    names = seed_names(s)
    failed = {d.document_id: [f"{names[d.document_id]}: {r}"]
              for d, r in zip(s.ingested.documents, results, strict=True) if isinstance(r, ExtractionError)}
    if failed:
        _leave_out(s, failed)


def _curate(s: PipelineState) -> None:
    s.curation = load_curation(s.curation_path)
    s.facts, s.curation_notes = apply_curation(s.facts, s.curation)


def _bounds(s: PipelineState) -> None:
    s.implausible = apply_bounds(s.facts, load_bounds(s.bounds_path), seed_names(s))


def _assemble(s: PipelineState) -> None:
    s.tables = assemble(s.facts)


def _events(s: PipelineState) -> None:
    s.tables = add_events(s.tables)


def _validate(s: PipelineState) -> None:
    s.issues = check_tables(s.tables, s.texts())
    if not s.issues or not s.fail_fast:
        return
    found = attribute(s.issues, s.tables, s.ingested.documents, s.curation, seed_names(s))
    if found.package:
        raise ValidationFailed(found.package)
    if found.curation:
        raise CurationError("\n".join(dict.fromkeys(found.curation)))
    _leave_out(s, found.by_document)
    _assemble(s)
    _events(s)  # the events of what is left
    s.issues = check_tables(s.tables, s.texts())  # what is left must pass as it is
    if s.issues:
        raise ValidationFailed(s.issues)


def _publish(s: PipelineState) -> None:
    if s.staging is None:
        raise Skipped("skipped: no staging folder")
    s.descriptor = write_staging(s.tables, s.staging, article_copies(s))


def article_copies(s: PipelineState) -> dict[str, Path]:
    """Package path -> seed file, for the articles that lie outside the package
    folder and are copied into it (``ingest.package_path``)."""
    prefix = ARTICLE_COPIES + "/"
    return {d.path: s.seeds / d.path[len(prefix):] for d in s.ingested.documents if d.path.startswith(prefix)}


def seed_names(s: PipelineState) -> dict[str, str]:
    """Document id -> its file as the curator knows it: the package path, or for
    an article copied into the package, the file in the seeds folder."""
    copies = article_copies(s)
    return {d.document_id: str(copies.get(d.path, d.path)) for d in s.ingested.documents}


def _frictionless(s: PipelineState) -> None:
    if s.frictionless_max_rows is not None and s.rows > s.frictionless_max_rows:
        raise Skipped(f"skipped: {s.rows:,} rows > --frictionless-max-rows {s.frictionless_max_rows:,}")
    if s.descriptor is None:
        raise Skipped("skipped: nothing published")
    s.frictionless_issues = check_package(s.descriptor)
    if s.frictionless_issues and s.fail_fast:
        raise ValidationFailed(s.frictionless_issues)


Stage = Callable[[PipelineState], None]
STAGES: dict[str, Stage] = {
    "ingest": _ingest,
    "extract": _extract,
    "curate": _curate,
    "bounds": _bounds,
    "assemble": _assemble,
    "events": _events,
    "validate": _validate,
    "publish": _publish,
    "frictionless": _frictionless,
}
CHECKED_STAGES = ("ingest", "extract", "curate", "bounds", "assemble", "events", "validate")  # everything before writing


def run_stages(state: PipelineState, names: tuple[str, ...] | None = None,
               around: Callable[[str, Callable[[], None]], None] | None = None) -> dict[str, float]:
    """Run the named stages (default: all) in pipeline order; returns seconds per
    stage run. ``around(name, run)`` lets a caller wrap each stage (the benchmark
    traces memory with it); a stage that raises ``Skipped`` is left out."""
    timings: dict[str, float] = {}
    for name in STAGES:
        if names is not None and name not in names:
            continue
        t0 = time.perf_counter()
        interrupt.checkpoint()
        try:
            if around is None:
                STAGES[name](state)
            else:
                around(name, lambda n=name: STAGES[n](state))
        except Skipped:
            continue
        timings[name] = time.perf_counter() - t0
    return timings


@dataclass
class BuildResult:
    tables: Tables
    ingested: IngestResult
    facts: list[DocumentFacts]
    curation_notes: list[str]
    timings: dict[str, float] = field(default_factory=dict)
    left_out: list[LeftOut] = field(default_factory=list)
    implausible: list[tuple[str, str]] = field(default_factory=list)


def _result(state: PipelineState, timings: dict[str, float]) -> BuildResult:
    return BuildResult(state.tables, state.ingested, state.facts, state.curation_notes, timings,
                       state.left_out, state.implausible)


def run_pipeline(seeds: Path, out: Path, jobs: int = 1, strict: bool = False) -> BuildResult:
    """Ingest, extract, curate, bound, assemble and validate; raises ValidationFailed,
    CurationError (or with ``strict`` ArticlesRejected) without writing anything."""
    state = PipelineState(seeds, out, jobs=jobs, strict=strict)
    timings = run_stages(state, CHECKED_STAGES)
    return _result(state, timings)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _tell(state: PipelineState) -> None:
    """What a curator must know about this build, on stderr."""
    for shown, reason in state.ingested.ignored:
        print(f"ignored {shown}: {reason}", file=sys.stderr)
    for shown, reason in state.ingested.skipped:
        print(f"skipped {shown}: {reason}", file=sys.stderr)
    for shown, what in state.ingested.notices:
        print(f"normalised {shown}: {what}", file=sys.stderr)
    for shown, message in state.implausible:
        print(f"{LOOKED_LIKE_A_FACT}: {shown}: {message}", file=sys.stderr)
    for item in state.left_out:
        for reason in item.reasons:
            print(f"left out of the package: {reason}", file=sys.stderr)


class EmptyPackage(RuntimeError):
    """The build would publish no document; the message says what was given."""


def _published_documents(out: Path) -> int | None:
    """Documents in the package now in ``out`` (None if there is none)."""
    try:
        with open(out / "data" / "documents.csv", encoding="utf-8", newline="") as fh:
            return sum(1 for _ in csv.DictReader(fh))
    except (OSError, csv.Error, UnicodeDecodeError):
        return None


def check_document_count(state: PipelineState, allow_empty: bool) -> None:
    """Say so when fewer documents will be published than were given or than the
    package in the folder has; refuse an empty package unless ``allow_empty``."""
    given = len(state.ingested.documents) + len(state.ingested.skipped)
    kept = len(state.tables.get("documents", []))
    if kept < given:
        print(f"warning: {kept} of the {given} article files in {state.seeds} will be published "
              f"({given - kept} left out, each named above)", file=sys.stderr)
    before = _published_documents(state.package_root)
    if before is not None and kept < before:
        print(f"warning: the package in {state.package_root} has {before} documents; the new one has {kept}", file=sys.stderr)
    if kept == 0 and not allow_empty:
        found = f"{given} file(s) given, none readable as an article" if given else "no article files found"
        raise EmptyPackage(f"no document to publish from {state.seeds} ({found}); "
                           "refusing to publish an empty package (rerun with --allow-empty to publish one)")


def _unpublished(out: Path) -> tuple[str, ...]:
    """Staged folders not to publish: the schemas, when ``out`` is where they live."""
    return ("schemas",) if (out / "schemas").resolve() == SCHEMA_DIR.resolve() else ()


def _publish_and_commit(state: PipelineState, out: Path, timings: dict[str, float]) -> BuildResult:
    """Stage the package and the report, check them, then publish them in one transaction."""
    state.staging = None
    try:
        with interrupt.deferred():  # a Ctrl-C right after the folder is made still removes it
            state.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        timings.update(run_stages(state, ("publish", "frictionless")))
        result = _result(state, timings)
        write_report(result.facts, result.ingested, result.curation_notes, state.staging / "build" / "extraction_report.csv",
                     left_out=result.left_out)
        interrupt.checkpoint()  # the last moment the old package can simply stay
        commit(state.staging, out, exclude=_unpublished(out))
    finally:
        if state.staging is not None:
            shutil.rmtree(state.staging, ignore_errors=True)
    return result


def build(seeds: Path, out: Path, quiet: bool = False, jobs: int | None = None, strict: bool = False,
          allow_empty: bool = False, wait: bool = False) -> BuildResult:
    """Build ``seeds`` into ``out`` holding ``out``'s lock (``wait`` for it, else fail
    with ``Busy``); first completes or removes what an interrupted build left."""
    started = time.perf_counter()
    with locked(out, wait=wait):
        state = PipelineState(seeds, out, jobs=default_jobs() if jobs is None else jobs, strict=strict)
        timings = run_stages(state, CHECKED_STAGES)
        _tell(state)
        check_document_count(state, allow_empty)
        result = _publish_and_commit(state, out, timings)
    timings["total"] = time.perf_counter() - started
    if not quiet:
        counts = ", ".join(f"{t}={len(rows)}" for t, rows in result.tables.items())
        print(f"built {out / 'datapackage.json'}: {counts}")
        print("stage seconds: " + ", ".join(f"{k}={v:.2f}" for k, v in timings.items()))
    return result


def _interrupted(signum: int, out: Path) -> int:
    print(f"build interrupted ({signal.Signals(signum).name}): {out} holds a complete package, the previous one "
          "or, if it was already published, the new one", file=sys.stderr)
    return 128 + signum


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="folder of articles (.txt, .html, .htm) and an optional sources.csv")
    parser.add_argument("--out", type=Path, default=None, help="package folder to write (default: the repository)")
    parser.add_argument("--jobs", type=int, default=None, help="extraction processes (default: all cores)")
    parser.add_argument("--strict", action="store_true",
                        help="fail when an article fails a check, instead of leaving it out and building the rest")
    parser.add_argument("--allow-empty", action="store_true", help="publish a package without documents if no article is readable")
    parser.add_argument("--wait", action="store_true", help="wait for another build into the same folder instead of failing")
    parser.add_argument("--quiet", action="store_true")
    proof = parser.add_mutually_exclusive_group()
    proof.add_argument("--verify", action="store_true",
                       help="rebuild into a temporary folder and compare with the package in --out; write nothing")
    proof.add_argument("--check", action="store_true",
                       help="Frictionless and the project's checks on the package in --out, without rebuilding")
    return parser


def _run(args: argparse.Namespace, out: Path) -> int:
    if args.check:
        from bordercoop.verify import run_check  # verify runs this module's stages

        return run_check(out)
    if not args.seeds.is_dir():
        print(f"error: seeds folder {args.seeds} does not exist", file=sys.stderr)
        return 2
    if args.verify:
        from bordercoop.verify import run_verify

        return run_verify(args.seeds, out, default_jobs() if args.jobs is None else args.jobs)
    if args.seeds.resolve().is_relative_to((out / "data").resolve()):
        print(f"error: seeds folder {args.seeds} is inside {out / 'data'}, which the build replaces; "
              "copy the articles elsewhere first (--verify may read them in place)", file=sys.stderr)
        return 2
    try:
        build(args.seeds, out, quiet=args.quiet, jobs=args.jobs, strict=args.strict, allow_empty=args.allow_empty, wait=args.wait)
    except (ValidationFailed, CurationError, ExtractionError, SourcesError, IngestError, BoundsError, ArticlesRejected,
            EmptyPackage) as exc:
        print(f"build failed; nothing was written to {out}:\n{exc}", file=sys.stderr)
        return 1
    except (Busy, JournalError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line; Ctrl-C, SIGTERM and SIGHUP stop it at the next checkpoint
    (``interrupt.py``) with a message and exit 128 + the signal's number."""
    out = ROOT
    with interrupt.cooperative():
        try:
            interrupt.checkpoint()  # a Ctrl-C while the libraries loaded
            args = _parser().parse_args(argv)
            out = args.out if args.out is not None else ROOT
            code = _run(args, out)
            interrupt.checkpoint()  # a Ctrl-C after the commit: the new package is complete
            return code
        except KeyboardInterrupt:
            return _interrupted(signal.SIGINT, out)
        except Interrupted as exc:
            return _interrupted(exc.signum, out)
