"""Every output is written through the one atomic-write helper (bordercoop/files.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bordercoop.files import atomic_path, atomic_write, is_temp

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
# files.py is the helper; evaluation/ writes scratch corpora (benchmark, kill loop) into temporary folders.
EXEMPT = {SCRIPTS / "bordercoop" / "files.py", SCRIPTS / "bordercoop" / "evaluation"}


def _write_mode(call: ast.Call) -> str | None:
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
        return mode.value
    return None


def direct_writes(path: Path) -> list[str]:
    """``file:line`` of each write_text, write_bytes or open(..., write mode) call."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in {"write_text", "write_bytes"}:
            found.append(f"{path.name}:{node.lineno} {func.attr}")
        elif isinstance(func, ast.Name) and func.id == "open" and _write_mode(node):
            found.append(f"{path.name}:{node.lineno} open(..., {_write_mode(node)!r})")
    return found


def test_no_script_writes_a_file_except_through_atomic_write() -> None:
    files = [p for p in SCRIPTS.rglob("*.py") if not any(p == e or e in p.parents for e in EXEMPT)]
    assert len(files) > 20
    assert [w for p in files for w in direct_writes(p)] == []


def test_the_scan_finds_a_direct_write(tmp_path: Path) -> None:
    sample = SCRIPTS / "bordercoop" / "pipeline.py"
    assert direct_writes(sample) == []
    bad = tmp_path / "bad.py"
    bad.write_text("open(p, 'w').write('x')\nq.write_text('y')\nopen(p, encoding='utf-8')\n", encoding="utf-8")
    assert sorted(direct_writes(bad)) == ["bad.py:1 open(..., 'w')", "bad.py:2 write_text"]


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.txt"
    atomic_write(target, "old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temp(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    atomic_write(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        assert is_temp(tmp) and tmp.parent == tmp_path
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
