"""Interrupted builds, concurrent builds and empty input never lose the published
package: it is the old one or the new one, complete, or the next run completes it
before doing anything else; readers never find a file missing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from bordercoop import transaction
from bordercoop.evaluation import kill_loop
from bordercoop.evaluation.kill_loop import classify, descriptor_problems, digest, published_files
from bordercoop.files import exclusive

PY = sys.executable
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
FIRST, SECOND = "002_e09a1e6ea1454227.txt", "000_bab3cb856d3fb1ea.txt"

# Runs the build with os.replace wrapped: after `after` moves out of the staging
# folder into the package, the build sends itself `sig` (SIGKILL = a crash).
KILL_DURING_SWAP = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {scripts!r})
    from bordercoop import pipeline
    real, moves = os.replace, []
    def replace(src, dst):
        if ".build-" in str(src) and ".build-" not in str(dst):
            if len(moves) == {after}:
                os.kill(os.getpid(), {sig})
            moves.append(dst)
        real(src, dst)
    os.replace = replace
    sys.exit(pipeline.main({argv!r}))
""")


def _build(seeds: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([PY, str(SCRIPTS / "build.py"), "--seeds", str(seeds), "--out", str(out), "--quiet", *extra],
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def versions(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Seeds and reference packages of two versions: A (one article) and B (two)."""
    work = tmp_path_factory.mktemp("versions")
    out = {"refs": {}}
    for name, files in (("A", [FIRST]), ("B", [FIRST, SECOND])):
        seeds = work / f"seeds_{name}"
        seeds.mkdir()
        for f in files:
            shutil.copy(root / "seeds" / f, seeds / f)
        assert _build(seeds, work / f"ref_{name}").returncode == 0
        out[name] = seeds
        out["refs"][name] = digest(work / f"ref_{name}", published_files(work / f"ref_{name}"))
    return out


@pytest.fixture()
def package_a(versions: dict, tmp_path: Path) -> Path:
    """Version A built into a fresh folder next to the references (documents record
    their path relative to the package folder)."""
    out = versions["A"].parent / f"pkg_{tmp_path.name}"
    shutil.copytree(versions["A"].parent / "ref_A", out)
    assert classify(out, versions["refs"]) == ("A", [])
    return out


def _kill_during_swap(seeds: Path, out: Path, after: int, sig: int) -> subprocess.CompletedProcess:
    code = KILL_DURING_SWAP.format(scripts=str(SCRIPTS), after=after, sig=sig,
                                   argv=["--seeds", str(seeds), "--out", str(out), "--quiet"])
    return subprocess.run([PY, "-c", code], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("after", [0, 3, 8])
def test_a_crash_during_the_swap_is_completed_by_the_next_run_before_anything_else(versions, package_a, tmp_path, after) -> None:
    crashed = _kill_during_swap(versions["B"], package_a, after, signal.SIGKILL)
    assert crashed.returncode == -signal.SIGKILL
    state, problems = classify(package_a, versions["refs"])
    assert (state, problems) == ("pending", [])  # every file present, each the old or the new one
    empty = tmp_path / "empty"
    empty.mkdir()
    nxt = _build(empty, package_a)  # the next run fails (no articles) but first completes the publication
    assert nxt.returncode == 1 and "completed the publication" in nxt.stderr, nxt.stderr
    assert classify(package_a, versions["refs"]) == ("B", [])
    assert not list(package_a.glob(".build-*")) and not (package_a / transaction.JOURNAL).exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_during_the_swap_lets_it_finish(versions, package_a, sig) -> None:
    result = _kill_during_swap(versions["B"], package_a, 3, sig)
    assert result.returncode == 128 + sig, result.stderr
    assert "Traceback" not in result.stderr and "interrupted" in result.stderr
    assert classify(package_a, versions["refs"]) == ("B", [])
    assert not list(package_a.glob(".build-*")) and not (package_a / transaction.JOURNAL).exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_before_the_swap_leaves_the_old_package(versions, package_a, sig) -> None:
    proc = subprocess.Popen([PY, str(SCRIPTS / "build.py"), "--seeds", str(versions["B"]), "--out", str(package_a), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert kill_loop.wait_for(proc, lambda: any(package_a.glob(".build-*")), timeout=60)  # staging, before the commit
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode in (128 + sig, 0), stderr  # 0: it had already finished
    assert "Traceback" not in stderr
    state, problems = classify(package_a, versions["refs"])
    assert state in ("A", "B") and problems == []
    assert not list(package_a.glob(".build-*"))


def _legacy_step1(out: Path, backup: Path, ref_b: Path) -> None:
    os.replace(out / "data", backup / "data")


def _legacy_step2(out: Path, backup: Path, ref_b: Path) -> None:
    os.replace(out / "data", backup / "data")
    os.replace(out / "datapackage.json", backup / "datapackage.json")


def _legacy_step3(out: Path, backup: Path, ref_b: Path) -> None:
    _legacy_step2(out, backup, ref_b)
    shutil.copytree(ref_b / "data", out / "data")
    staging = backup.with_name(backup.name.removesuffix(".old"))
    shutil.copy(ref_b / "datapackage.json", staging / "datapackage.json")
    shutil.copy(ref_b / "build" / "extraction_report.csv", out / "build" / "extraction_report.csv")


@pytest.mark.parametrize(("kill", "expected"), [(_legacy_step1, "A"), (_legacy_step2, "A"), (_legacy_step3, "B")])
def test_the_old_swap_killed_half_way_is_repaired(versions, package_a, kill, expected) -> None:
    """The swap before the journal left the old package only in .build-X.old after a kill."""
    staging = package_a / ".build-abc123"
    backup = package_a / ".build-abc123.old"
    staging.mkdir()
    backup.mkdir()
    kill(package_a, backup, versions["A"].parent / "ref_B")
    assert transaction.recover(package_a)
    assert classify(package_a, versions["refs"]) == (expected, [])
    assert not list(package_a.glob(".build-*"))


def test_a_staging_folder_without_journal_is_removed_and_the_package_kept(versions, package_a) -> None:
    stale = package_a / ".build-dead01"
    (stale / "data").mkdir(parents=True)
    (stale / "data" / "documents.csv").write_text("half", encoding="utf-8")
    (package_a / "data" / ".documents.csv.0a1b2c3d4e5f.tmp").write_text("half", encoding="utf-8")
    assert transaction.recover(package_a)
    assert classify(package_a, versions["refs"]) == ("A", [])
    assert not stale.exists() and not list((package_a / "data").glob(".*"))


READER = textwrap.dedent("""
    import os, sys, time
    root, stop, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    reads = missing = 0
    while not os.path.exists(stop):
        for f in files:
            try:
                with open(os.path.join(root, f), "rb") as fh:
                    fh.read()
                reads += 1
            except FileNotFoundError:
                missing += 1
    print(reads, missing)
""")


def test_readers_never_find_a_file_missing_during_rebuilds(versions, package_a, tmp_path) -> None:
    files, stop = published_files(package_a), tmp_path / "stop"
    reader = subprocess.Popen([PY, "-c", READER, str(package_a), str(stop), *files], stdout=subprocess.PIPE, text=True)
    try:
        for name in ("B", "A"):
            assert _build(versions[name], package_a).returncode == 0
    finally:
        stop.touch()
    reads, missing = map(int, reader.communicate(timeout=60)[0].split())
    assert reads > 100 and missing == 0


def test_a_second_build_into_the_same_folder_fails_with_a_clear_message(versions, package_a) -> None:
    with exclusive(package_a):
        result = _build(versions["B"], package_a)
    assert result.returncode == 1
    assert f"another build is running in {package_a} (pid {os.getpid()})" in result.stderr
    assert "Traceback" not in result.stderr
    assert classify(package_a, versions["refs"]) == ("A", [])


def test_wait_serialises_a_second_build(versions, package_a) -> None:
    with exclusive(package_a):
        proc = subprocess.Popen([PY, str(SCRIPTS / "build.py"), "--seeds", str(versions["B"]), "--out", str(package_a),
                                 "--quiet", "--wait"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert "waiting for it to finish" in proc.stderr.readline()
        time.sleep(0.2)
        assert proc.poll() is None and classify(package_a, versions["refs"]) == ("A", [])
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert classify(package_a, versions["refs"]) == ("B", [])


def test_duckdb_views_and_notebook_take_the_lock_too(package_a, monkeypatch, capsys) -> None:
    import duckdb_views
    import notebook

    monkeypatch.setattr(notebook, "execute", lambda *a: pytest.fail("the notebook ran while another build held the lock"))
    with exclusive(package_a):
        assert duckdb_views.main(["--root", str(package_a)]) == 1
        assert notebook.main(["--root", str(package_a)]) == 1
    assert capsys.readouterr().err.count(f"another build is running in {package_a} (pid {os.getpid()})") == 2
    assert not (package_a / "build" / "border.duckdb").exists()
    assert duckdb_views.main(["--root", str(package_a)]) == 0


KILL_NOTEBOOK_WRITE = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {scripts!r})
    import nbformat, notebook
    from bordercoop import files
    def fsync_then_die(path):
        os.kill(os.getpid(), signal.SIGKILL)  # the new content is written, not yet in place
    files.fsync_file = fsync_then_die
    nb = nbformat.read({src!r}, as_version=4)
    notebook.write_outputs(nb, __import__("pathlib").Path({nb!r}), __import__("pathlib").Path({html!r}))
""")


def test_a_kill_while_the_notebook_is_written_keeps_the_old_one(root, tmp_path) -> None:
    target, html = tmp_path / "analysis.ipynb", tmp_path / "build" / "report.html"
    shutil.copy(root / "analysis.ipynb", target)
    before = target.read_bytes()
    code = KILL_NOTEBOOK_WRITE.format(scripts=str(SCRIPTS), src=str(root / "analysis.ipynb"), nb=str(target), html=str(html))
    result = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert target.read_bytes() == before
    assert nbformat.reads(before.decode("utf-8"), as_version=4).cells
    assert [p for p in tmp_path.glob(".analysis.ipynb.*.tmp")]  # the unfinished copy, hidden
    transaction.recover(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis.ipynb"]


def test_an_empty_seeds_folder_fails_and_keeps_the_package(versions, package_a, tmp_path) -> None:
    before = digest(package_a, published_files(package_a))
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _build(empty, package_a)
    assert result.returncode == 1
    assert f"no document to publish from {empty}" in result.stderr and "--allow-empty" in result.stderr
    assert digest(package_a, published_files(package_a)) == before


def test_a_folder_of_unreadable_files_fails_and_keeps_the_package(versions, package_a, tmp_path) -> None:
    before = digest(package_a, published_files(package_a))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"\x00\x01binary")
    result = _build(bad, package_a)
    assert result.returncode == 1 and "1 file(s) given, none readable as an article" in result.stderr
    assert digest(package_a, published_files(package_a)) == before


def test_allow_empty_publishes_an_empty_valid_package(package_a, tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _build(empty, package_a, "--allow-empty")
    assert result.returncode == 0, result.stderr
    assert (package_a / "data" / "documents.csv").read_text(encoding="utf-8").count("\n") == 1  # header only
    assert descriptor_problems(package_a) == []
    assert json.loads((package_a / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def test_fewer_documents_than_given_or_than_published_is_said(versions, tmp_path) -> None:
    out = tmp_path / "pkg"
    assert _build(versions["B"], out).returncode == 0  # two documents
    seeds = tmp_path / "seeds"
    shutil.copytree(versions["A"], seeds)
    (seeds / "b.txt").write_bytes(b"\x00\x01binary")
    result = _build(seeds, out)
    assert result.returncode == 0, result.stderr
    assert "1 of the 2 article files" in result.stderr
    assert f"the package in {out} has 2 documents; the new one has 1" in result.stderr


def test_kill_loop_short(root, tmp_path) -> None:
    """A short run of scripts/stress_kill.py: random kills never leave an incomplete package."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(root / "seeds" / FIRST, seeds / FIRST)
    work = tmp_path / "work"
    work.mkdir()
    outcomes = kill_loop.run(seeds, iterations=10, seed=3, work=work, log=lambda line: None)
    assert [o.problems for o in outcomes if o.problems] == []
    assert {o.signal for o in outcomes} == {"SIGINT", "SIGTERM", "SIGKILL"}
