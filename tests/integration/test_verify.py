"""``build.py --verify`` proves a package is what its seeds make; ``--check`` runs
Frictionless and the project's checks on a published package without rebuilding.

The attack the verify tests reproduce: change a value in a published table,
refresh its hash and byte count in ``datapackage.json``; Frictionless and the
project's checks still pass, verify does not.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bordercoop.schema import countries, load_schema
from bordercoop.verify import check, check_package, verify

PY = sys.executable


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PY, str(root / "scripts" / "build.py"), *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def built(root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(seeds, package): the seeds copied beside a package built from them."""
    base = tmp_path_factory.mktemp("verify")
    shutil.copytree(root / "seeds", base / "seeds")
    result = _run(root, "--seeds", str(base / "seeds"), "--out", str(base / "pkg"), "--quiet", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return base / "seeds", base / "pkg"


@pytest.fixture()
def package(built: tuple[Path, Path], tmp_path: Path) -> Path:
    """A private copy of the built package that a test may tamper with."""
    shutil.copytree(built[1], tmp_path / "pkg")
    return tmp_path / "pkg"


def _rows(package: Path, table: str) -> list[dict[str, str]]:
    with open(package / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_rows(package: Path, table: str, rows: list[dict[str, str]], line_end: str = "\n") -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator=line_end)
    writer.writeheader()
    writer.writerows(rows)
    (package / "data" / f"{table}.csv").write_bytes(buffer.getvalue().encode("utf-8"))


def _refresh_hashes(package: Path) -> None:
    """What an editor covering their tracks does: hashes and byte counts made to
    match the edited files, so Frictionless finds nothing."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for r in descriptor["resources"]:
        blob = (package / r["path"]).read_bytes()
        r["hash"], r["bytes"] = "sha256:" + hashlib.sha256(blob).hexdigest(), len(blob)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _earlier_day(value: str) -> str:
    return (dt.date.fromisoformat(value) - dt.timedelta(days=1)).isoformat()


def _other_neighbour(value: str) -> str:
    return next(c for c in countries() if c not in ("VN", value))


EDITS: dict[str, tuple[str, str, Callable[[dict[str, str]], bool], Callable[[str], str]]] = {
    "personnel figure": ("patrols", "personnel", lambda r: r["personnel"] != "", lambda v: str(int(v) + 1)),
    "date": ("meetings", "date_start", lambda r: r["date_start"] != "", _earlier_day),
    "party's country": ("meeting_parties", "country_code", lambda r: r["country_code"] != "VN", _other_neighbour),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_verify_catches_an_edit_with_refreshed_hashes(built: tuple[Path, Path], package: Path, edit: str) -> None:
    table, field, eligible, change = EDITS[edit]
    rows = _rows(package, table)
    index = next(i for i, r in enumerate(rows) if eligible(r))
    was = rows[index][field]
    rows[index][field] = change(was)
    _write_rows(package, table, rows)
    _refresh_hashes(package)
    assert check_package(package / "datapackage.json") == []  # Frictionless is satisfied
    assert check(package) == []  # and so are the project's own checks
    differences = verify(built[0], package).differences
    key = load_schema(table)["primaryKey"]
    key_text = ", ".join(f"{k}={rows[index][k]}" for k in key)
    expected = f"table {table} (data/{table}.csv), row {index + 2} [{key_text}], field {field}: published {rows[index][field]!r}, rebuilt {was!r}"
    assert expected in [str(d) for d in differences], [str(d) for d in differences]
    assert any(d.path == "datapackage.json" and d.field == f"resources[{table}].hash" for d in differences)


def test_verify_passes_on_an_untouched_package(built: tuple[Path, Path]) -> None:
    result = verify(*built)
    assert result.differences == []
    assert result.files >= 1 + 8 + 8  # descriptor, tables, schemas (+ article copies)


def test_verify_command_exits_non_zero_naming_the_row(root: Path, built: tuple[Path, Path], package: Path) -> None:
    rows = _rows(package, "patrols")
    rows.append({**rows[0], "patrol_id": rows[0]["patrol_id"] + "-forged"})
    _write_rows(package, "patrols", rows)
    _refresh_hashes(package)
    result = _run(root, "--verify", "--seeds", str(built[0]), "--out", str(package))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"row {len(rows) + 1} [patrol_id={rows[-1]['patrol_id']}]: row not made by the seeds" in result.stderr
    assert "Traceback" not in result.stderr
    untouched = _run(root, "--verify", "--seeds", str(built[0]), "--out", str(built[1]))
    assert untouched.returncode == 0, untouched.stderr
    assert "byte-identical" in untouched.stdout


def test_verify_catches_a_schema_edit(built: tuple[Path, Path], package: Path) -> None:
    path = package / "schemas" / "patrols.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f.get("constraints", {}).get("required"))
    field["constraints"]["required"] = False
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    differences = [str(d) for d in verify(built[0], package).differences]
    assert differences == [
        f"table patrols (schemas/patrols.schema.json), field fields[{field['name']}].constraints.required: published False, rebuilt True"
    ]


def test_verify_bytes_are_the_final_word(built: tuple[Path, Path], package: Path) -> None:
    """Same rows, other line ends: nothing to name by row or field, still a difference."""
    _write_rows(package, "meetings", _rows(package, "meetings"), line_end="\r\n")
    _refresh_hashes(package)
    differences = verify(built[0], package).differences
    assert [d.path for d in differences] == ["data/meetings.csv", "datapackage.json", "datapackage.json"]
    assert "bytes differ although every row and key reads the same" in differences[0].message


def test_verify_reports_articles_and_seeds_that_do_not_match(built: tuple[Path, Path], package: Path, tmp_path: Path) -> None:
    article = next((package / "data" / "articles").glob("*.txt"))
    article.write_bytes(article.read_bytes() + b"\n")
    differences = [str(d) for d in verify(built[0], package).differences]
    assert any(d.startswith(f"data/articles/{article.name}: bytes differ") for d in differences), differences
    empty = tmp_path / "no-seeds"
    empty.mkdir()
    assert any("missing from the published package" in str(d) or "only in the published package" in str(d)
               for d in verify(empty, package).differences)


def test_check_passes_on_the_published_packages(root: Path, built: tuple[Path, Path]) -> None:
    assert check(root) == []
    assert check(built[1]) == []
    result = _run(root, "--check")
    assert result.returncode == 0, result.stderr


def test_check_catches_a_broken_row_frictionless_misses(root: Path, package: Path) -> None:
    """Evidence moved off its offsets, hashes refreshed: only the project's checks see it."""
    rows = _rows(package, "patrols")
    rows[0]["char_start"] = str(int(rows[0]["char_start"]) + 1)
    _write_rows(package, "patrols", rows)
    _refresh_hashes(package)
    assert check_package(package / "datapackage.json") == []
    assert "table patrols, row 2, field evidence: evidence does not equal the text" in "\n".join(map(str, check(package)))
    result = _run(root, "--check", "--out", str(package))
    assert result.returncode == 1
    assert "table patrols, row 2, field evidence" in result.stderr and "Traceback" not in result.stderr


def test_check_names_wrong_types_and_article_problems(package: Path) -> None:
    rows = _rows(package, "patrols")
    rows[-1]["personnel"] = "many"
    _write_rows(package, "patrols", rows)
    article = package / _rows(package, "documents")[0]["path"]
    article.write_bytes(article.read_bytes() + b" ")
    shown = [str(i) for i in check(package)]
    line = len(rows) + 1
    assert any(s.startswith(f"table patrols, row {line}, field personnel") for s in shown), shown  # Frictionless and pandera
    assert any(s.startswith("table patrols") and "hash" in s for s in shown)  # not refreshed this time
    assert any(s.startswith("table documents, row 2, field sha256") for s in shown)
    article.unlink()
    assert any(s.startswith("table documents, row 2, field path") and "not found" in s for s in map(str, check(package)))


@pytest.mark.parametrize("damage", ["no descriptor", "descriptor not JSON", "table not UTF-8", "table missing"])
def test_check_never_shows_a_traceback(root: Path, package: Path, damage: str) -> None:
    if damage == "no descriptor":
        (package / "datapackage.json").unlink()
    elif damage == "descriptor not JSON":
        (package / "datapackage.json").write_text("{not json", encoding="utf-8")
    elif damage == "table not UTF-8":
        (package / "data" / "meetings.csv").write_bytes(b"meeting_id\n\xff\xfe\x00\n")
    else:
        (package / "data" / "patrols.csv").unlink()
    result = _run(root, "--check", "--out", str(package))
    assert result.returncode == 1
    assert "check failed" in result.stderr and "Traceback" not in result.stderr


def test_verify_in_a_repository_compares_schemas_with_the_commit(root: Path, tmp_path: Path) -> None:
    """In the repository schemas/ is the build's own source, so a rebuild copies the
    edited file; verify compares it with the committed version instead."""
    work = tmp_path / "repo"
    shutil.copytree(root / "scripts", work / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("schemas", "seeds", "data"):
        shutil.copytree(root / folder, work / folder)
    shutil.copy(root / "datapackage.json", work / "datapackage.json")
    git = ["git", "-C", str(work), "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "package"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    build = [PY, str(work / "scripts" / "build.py"), "--verify", "--jobs", "1"]
    clean = subprocess.run(build, capture_output=True, text=True, check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "git HEAD" in clean.stdout
    path = work / "schemas" / "meetings.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"unique": true', '"unique": false', 1), encoding="utf-8")
    edited = subprocess.run(build, capture_output=True, text=True, check=False)
    assert edited.returncode == 1
    assert ("table meetings (schemas/meetings.schema.json), field fields[meeting_id].constraints.unique: "
            "published False, committed (git HEAD) True") in edited.stderr, edited.stderr


def test_a_package_verifies_from_its_own_article_copies(root: Path, built: tuple[Path, Path], package: Path) -> None:
    """A --out package holds its articles, so it can be verified on its own; a build
    from those copies into the same package is refused (it would replace them)."""
    copies = package / "data" / "articles"
    result = _run(root, "--verify", "--seeds", str(copies), "--out", str(package))
    assert result.returncode == 0, result.stdout + result.stderr
    before = sorted(p.name for p in copies.iterdir())
    refused = _run(root, "--seeds", str(copies), "--out", str(package))
    assert refused.returncode == 2 and "which the build replaces" in refused.stderr
    assert sorted(p.name for p in copies.iterdir()) == before
