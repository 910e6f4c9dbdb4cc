"""Kill the build at random instants and check that the package survives.

Two legitimate versions of a package are made from one corpus: A (the articles as
given) and B (the same with one line added to the last article, so its sha256 and
the descriptor's hashes change). The loop builds B over A, then A over B, and so
on, in a temporary folder; each build is killed with SIGINT, SIGTERM or SIGKILL
(chosen by a seeded RNG) at a random instant:

- ``anytime``: a delay drawn from 0 to 1.2 times a normal build's duration;
- ``staging``: a delay after the staging folder appears (checks, report, swap);
- ``journal``: as soon as the publication journal appears (in the swap itself).

After each kill the folder must hold A or B, complete (every file present, hashes
in ``datapackage.json`` right), or, only after SIGKILL during the swap, a pending
journal with every file present and each one A's or B's. Then a normal build must
complete any pending publication first, publish the target version and leave no
staging folder, journal or temporary file. The RNG makes the choices reproducible;
the instants depend on the machine's timing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bordercoop.files import is_temp
from bordercoop.paths import SCRIPTS, SEEDS
from bordercoop.transaction import JOURNAL, STAGING_PREFIX

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
MODES = ("anytime", "staging", "journal")
STAGING_WINDOW_S = 0.4  # staging exists while frictionless, the report and the swap run
JOURNAL_WINDOW_S = 0.005
POLL_S = 0.0002
PROGRESS_EVERY = 20
VERSION_B_LINE = "\nkill-loop version B\n"


@dataclass
class Outcome:
    iteration: int
    signal: str
    mode: str
    target: str
    returncode: int | None
    state: str  # A, B, pending, neither
    problems: list[str] = field(default_factory=list)


def build_command(seeds: Path, out: Path) -> list[str]:
    return [sys.executable, str(SCRIPTS / "build.py"), "--seeds", str(seeds), "--out", str(out), "--quiet", "--jobs", "1"]


def make_versions(seeds: Path, work: Path) -> dict[str, Path]:
    """Folders A (a copy of ``seeds``) and B (A with a line added to its last article)."""
    a, b = work / "seeds_A", work / "seeds_B"
    shutil.copytree(seeds, a)
    shutil.copytree(seeds, b)
    articles = sorted(p for p in b.iterdir() if p.suffix.lower() == ".txt")
    if not articles:
        raise SystemExit(f"error: no .txt article in {seeds}")
    with open(articles[-1], "a", encoding="utf-8") as fh:
        fh.write(VERSION_B_LINE)
    return {"A": a, "B": b}


def published_files(out: Path) -> list[str]:
    """What a build publishes, as paths relative to the package folder."""
    found = [p for p in (out / "data").rglob("*") if p.is_file()] + [p for p in (out / "schemas").glob("*") if p.is_file()]
    found += [p for p in (out / "datapackage.json", out / "build" / "extraction_report.csv") if p.is_file()]
    return sorted(p.relative_to(out).as_posix() for p in found if not is_temp(p))


def digest(out: Path, files: list[str]) -> dict[str, str | None]:
    return {f: hashlib.sha256((out / f).read_bytes()).hexdigest() if (out / f).is_file() else None for f in files}


def descriptor_problems(out: Path) -> list[str]:
    """Every resource of ``datapackage.json`` present with its recorded hash and size."""
    try:
        descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"datapackage.json unreadable: {exc}"]
    problems = []
    for resource in descriptor["resources"]:
        path = out / resource["path"]
        if not path.is_file() or not (out / resource["schema"]).is_file():
            problems.append(f"{resource['path']} or its schema is missing")
            continue
        blob = path.read_bytes()
        if resource["hash"] != "sha256:" + hashlib.sha256(blob).hexdigest() or resource["bytes"] != len(blob):
            problems.append(f"{resource['path']}: hash or size differs from datapackage.json")
    return problems


def classify(out: Path, refs: dict[str, dict[str, str | None]]) -> tuple[str, list[str]]:
    """Which version ``out`` holds (A, B, pending or neither) and what is wrong. A
    file one version lacks (an article copy) is expected absent in that version."""
    files = sorted({f for ref in refs.values() for f in ref})
    versions = {name: {f: ref.get(f) for f in files} for name, ref in refs.items()}
    now = digest(out, files)
    problems = [f"{f} is missing" for f in files if now[f] is None and all(v[f] for v in versions.values())]
    if (out / JOURNAL).exists():
        problems += [f"{f} is neither version" for f in files if now[f] not in {v[f] for v in versions.values()}]
        return "pending", problems
    for name, version in versions.items():
        if now == version:
            return name, problems + descriptor_problems(out)
    return "neither", problems + ["the package equals neither version and no publication is pending"]


def leftovers(out: Path) -> list[str]:
    """Staging folders, journal and temporary files a finished build must not leave."""
    names = [p.name for p in out.glob(STAGING_PREFIX + "*")] + [p.name for p in out.glob(JOURNAL)]
    names += [p.relative_to(out).as_posix() for folder in (out, out / "data", out / "build") for p in folder.glob(".*") if is_temp(p)]
    return sorted(names)


def wait_for(proc: subprocess.Popen, condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(POLL_S)
    return False


def kill_at(proc: subprocess.Popen, out: Path, mode: str, delay: float, sig: signal.Signals, timeout: float) -> None:
    """Send ``sig`` at the instant ``mode`` and ``delay`` describe (if still running)."""
    if mode == "staging":
        wait_for(proc, lambda: any(p.is_dir() for p in out.glob(STAGING_PREFIX + "*")), timeout)
    elif mode == "journal":
        wait_for(proc, (out / JOURNAL).exists, timeout)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(sig)


def normal_build(seeds: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(seeds, out), capture_output=True, text=True, check=False)


def reference(seeds: Path, out: Path) -> tuple[dict[str, str | None], float]:
    started = time.monotonic()
    result = normal_build(seeds, out)
    if result.returncode != 0:
        raise SystemExit(f"error: the reference build of {seeds} failed:\n{result.stderr}")
    return digest(out, published_files(out)), time.monotonic() - started


def after_kill(outcome: Outcome, proc: subprocess.Popen, stderr: str, out: Path, refs: dict) -> None:
    outcome.returncode = proc.returncode
    outcome.state, problems = classify(out, refs)
    outcome.problems += [f"after the kill: {p}" for p in problems]
    if outcome.state == "pending" and outcome.signal != "SIGKILL":
        outcome.problems.append("a publication was left pending by a signal that should have been held back")
    if outcome.state == "neither":
        outcome.problems.append("after the kill: neither version")
    if "Traceback" in stderr:
        outcome.problems.append("traceback: " + " / ".join(stderr.strip().splitlines()[-4:]))


def after_rerun(outcome: Outcome, seeds: Path, out: Path, refs: dict) -> None:
    result = normal_build(seeds, out)
    state, problems = classify(out, refs)
    if result.returncode != 0 or state != outcome.target:
        problems.append(f"the next build exited {result.returncode} with {state}: {result.stderr.strip()[-300:]}")
    if outcome.state == "pending" and "completed the publication" not in result.stderr:
        problems.append("the next build did not report completing the pending publication")
    outcome.problems += [f"after the next build: {p}" for p in problems + [f"left {n}" for n in leftovers(out)]]


def one_kill(i: int, rng: random.Random, versions: dict[str, Path], out: Path, refs: dict, build_s: float, target: str) -> Outcome:
    sig, mode = rng.choice(SIGNALS), rng.choice(MODES)
    window = {"anytime": 1.2 * build_s, "staging": STAGING_WINDOW_S, "journal": JOURNAL_WINDOW_S}[mode]
    delay = rng.uniform(0, window)
    outcome = Outcome(i, sig.name, mode, target, None, "")
    proc = subprocess.Popen(build_command(versions[target], out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    kill_at(proc, out, mode, delay, sig, timeout=10 * build_s)
    _, stderr = proc.communicate(timeout=60 * build_s)
    after_kill(outcome, proc, stderr, out, refs)
    after_rerun(outcome, versions[target], out, refs)
    return outcome


def run(seeds: Path, iterations: int, seed: int, work: Path, log: Callable[[str], None] = print) -> list[Outcome]:
    rng = random.Random(seed)
    versions = make_versions(seeds, work)
    refs, seconds = {}, []
    for name, folder in versions.items():
        refs[name], s = reference(folder, work / f"ref_{name}")
        seconds.append(s)
    if refs["A"] == refs["B"]:
        raise SystemExit("error: versions A and B build the same package; the loop would prove nothing")
    out = work / "package"
    shutil.copytree(work / "ref_A", out)  # documents' paths are relative to the folder: both sit in work/
    build_s, outcomes, current = max(seconds), [], "A"
    for i in range(iterations):
        target = "B" if current == "A" else "A"
        outcomes.append(one_kill(i, rng, versions, out, refs, build_s, target))
        current = target
        for problem in outcomes[-1].problems:
            log(f"iteration {i} ({outcomes[-1].signal}, {outcomes[-1].mode}): {problem}")
        if (i + 1) % PROGRESS_EVERY == 0:
            log(f"{i + 1} kills, {sum(1 for o in outcomes if o.problems)} with problems")
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    states = Counter((o.signal, o.state) for o in outcomes)
    codes = Counter(o.returncode for o in outcomes)
    failed = sum(1 for o in outcomes if o.problems)
    lines = [f"{len(outcomes)} kills, {failed} with problems"]
    lines += [f"  {sig:<8} left {state:<8} {n:>4}" for (sig, state), n in sorted(states.items())]
    lines.append("  exit codes: " + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items(), key=lambda kv: str(kv[0]))))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0, help="RNG seed for signals, modes and delays")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="folder of articles to build (default: seeds/)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kill-loop-"))
    started = time.monotonic()
    try:
        outcomes = run(args.seeds, args.iterations, args.seed, work, log=lambda line: print(line, flush=True))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(summary(outcomes))
    print(f"{time.monotonic() - started:.0f} s" + (f"; kept {work}" if args.keep else ""))
    return 1 if any(o.problems for o in outcomes) else 0
