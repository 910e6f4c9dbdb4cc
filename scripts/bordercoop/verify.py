"""Two proofs about a published package (``data/``, ``datapackage.json``, ``schemas/``).

- ``verify``: rebuild it from the seeds and the curation file into a temporary
  folder and compare. Tables are compared row by row on their primary key (so a
  difference names the table, the row's key and CSV line, and the field), the
  descriptor and the schemas key by key, the article copies byte by byte; byte
  equality of every file is the final word (a difference the parsed comparison
  cannot see, such as line ends or quoting, is still reported). Refreshing the
  hashes in ``datapackage.json`` after an edit does not hide it: the rebuilt
  descriptor and tables are what the seeds make, whatever the published ones say.
- ``check``: Frictionless plus the project's own checks (``stages/validate.py``:
  pandera derived from the schemas, keys, foreign keys, evidence at its offsets,
  the fact types' rules, country enums) on the published files, without
  rebuilding; the article texts are read from the ``documents.path`` of each row.

Both return problems naming the table, row and field; neither raises on a broken
package.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bordercoop.checks import Issue, csv_line
from bordercoop.files import atomic_write
from bordercoop.paths import ROOT
from bordercoop.pipeline import CHECKED_STAGES, ExtractionError, PipelineState, run_stages
from bordercoop.schema import SCHEMA_DIR, TABLES, load_schema
from bordercoop.stages.bounds import BoundsError
from bordercoop.stages.curate import CurationError
from bordercoop.stages.ingest import IngestError, SeedError, read_seed_text
from bordercoop.stages.sources import SourcesError
from bordercoop.stages.validate import ValidationFailed, check_package, check_tables

DESCRIPTOR = "datapackage.json"
SHOWN = 120  # characters of a value shown in a message


@dataclass(frozen=True)
class Difference:
    """One way the published package differs from the rebuilt one."""

    path: str  # file in the package: data/patrols.csv, datapackage.json, schemas/...
    message: str
    table: str = ""  # resource the file or descriptor entry belongs to
    key: str = ""  # primary key of the row: "patrol_id=p-002-1234"
    line: int | None = None  # CSV row (header = line 1) in the published file, else the rebuilt one
    field: str = ""  # column, or location inside a JSON file

    def __str__(self) -> str:
        where = f"table {self.table} ({self.path})" if self.table else self.path
        if self.line is not None or self.key:
            where += f", row {self.line}" if self.line is not None else ", row"
            where += f" [{self.key}]" if self.key else ""
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


class VerifyError(RuntimeError):
    """The seeds do not build, so nothing can be compared; the message says why."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "...'"


# --- CSV tables -------------------------------------------------------------


@dataclass
class _Csv:
    header: list[str]
    rows: list[list[str]]


def _read_csv(path: Path) -> _Csv:
    with open(path, encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    return _Csv(records[0] if records else [], records[1:])


def _row_key(table: str, header: list[str]) -> list[int]:
    """Positions of the primary key columns in ``header`` (empty if one is missing)."""
    key = load_schema(table).get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    return [header.index(k) for k in key] if all(k in header for k in key) else []


def _keyed(table: str, data: _Csv, path: str) -> tuple[dict[tuple[str, ...], tuple[int, dict[str, str]]], list[Difference]]:
    """Rows by primary key -> (CSV line, {column: cell}); repeated keys and
    ragged rows are differences of their own."""
    positions = _row_key(table, data.header)
    names = [data.header[p] for p in positions]
    rows: dict[tuple[str, ...], tuple[int, dict[str, str]]] = {}
    problems = []
    for index, cells in enumerate(data.rows):
        line = csv_line(index)
        if len(cells) != len(data.header):
            problems.append(Difference(path, f"{len(cells)} cells for {len(data.header)} columns", table, line=line))
        record = dict(zip(data.header, cells, strict=False))
        key = tuple(record.get(n, "") for n in names) if positions else (str(line),)
        if key in rows:
            problems.append(Difference(path, f"repeats the key of row {rows[key][0]}", table, _key_text(names, key), line))
            continue
        rows[key] = (line, record)
    return rows, problems


def _key_text(names: list[str], key: tuple[str, ...]) -> str:
    if not names:
        return ""
    return ", ".join(f"{n}={v}" for n, v in zip(names, key, strict=True))


def _record_differences(table: str, path: str, old_rows: dict, new_rows: dict, names: list[str]) -> list[Difference]:
    diffs = []
    for key, (line, record) in old_rows.items():
        if key not in new_rows:
            diffs.append(Difference(path, "row not made by the seeds (only in the published package)", table, _key_text(names, key), line))
            continue
        rebuilt = new_rows[key][1]
        for column in dict.fromkeys([*rebuilt, *record]):
            was, now = record.get(column), rebuilt.get(column)
            if was != now:
                diffs.append(Difference(path, f"published {_shown(was)}, rebuilt {_shown(now)}", table, _key_text(names, key), line, column))
    for key, (line, _record) in new_rows.items():
        if key not in old_rows:
            diffs.append(Difference(path, f"row missing from the published package (rebuilt line {line})", table, _key_text(names, key)))
    return diffs


def compare_table(table: str, published: Path, rebuilt: Path, path: str) -> list[Difference]:
    """Row-by-row differences of one CSV, keyed on the schema's primary key."""
    try:
        old = _read_csv(published)
    except UnicodeDecodeError as exc:
        return [Difference(path, f"not UTF-8 (bad byte at {exc.start})", table)]
    except csv.Error as exc:
        return [Difference(path, f"not a readable CSV: {exc}", table)]
    new = _read_csv(rebuilt)
    diffs = []
    if old.header != new.header:
        diffs.append(Difference(path, f"published columns {old.header}, rebuilt {new.header}", table, field="header"))
    old_rows, problems = _keyed(table, old, path)
    new_rows, _ = _keyed(table, new, path)
    names = [new.header[p] for p in _row_key(table, new.header)]
    diffs += problems + _record_differences(table, path, old_rows, new_rows, names)
    if not diffs and list(old_rows) != list(new_rows):
        diffs.append(Difference(path, "same rows in another order", table))
    return diffs


# --- JSON descriptors -------------------------------------------------------


def _named(items: list) -> dict[str, Any] | None:
    """A list of objects with unique ``name`` (resources, fields) as a dict."""
    names = [i.get("name") if isinstance(i, dict) else None for i in items]
    if None in names or len(set(names)) != len(names):
        return None
    return dict(zip(names, items, strict=True))


def _dict_differences(old: dict, new: dict, where: str, other: str) -> list[tuple[str, str]]:
    out = []
    for k in dict.fromkeys([*old, *new]):
        at = f"{where}.{k}" if where else str(k)
        if k not in new:
            out.append((at, f"only in the published file: {_shown(old[k])}"))
        elif k not in old:
            out.append((at, f"missing from the published file ({other}: {_shown(new[k])})"))
        else:
            out += json_differences(old[k], new[k], at, other)
    return out


def _list_differences(old: list, new: list, where: str, other: str) -> list[tuple[str, str]]:
    old_named, new_named = _named(old), _named(new)
    if old_named is None or new_named is None:
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            out += json_differences(a, b, f"{where}[{i}]", other)
        if len(old) != len(new):
            out.append((where, f"{len(old)} items published, {len(new)} {other}"))
        return out
    out = [(f"{where}[{k}]", "missing from the published file") for k in new_named if k not in old_named]
    out += [(f"{where}[{k}]", f"not in the {other} file (only in the published one)") for k in old_named if k not in new_named]
    for k in old_named:
        if k in new_named:
            out += json_differences(old_named[k], new_named[k], f"{where}[{k}]", other)
    if not out and list(old_named) != list(new_named):
        out.append((where, f"published order {list(old_named)}, {other} {list(new_named)}"))
    return out


def json_differences(old: Any, new: Any, where: str = "", other: str = "rebuilt") -> list[tuple[str, str]]:
    """(location, message) for every difference between two JSON values; lists
    of named objects are compared by name (``resources[patrols].hash``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return _dict_differences(old, new, where, other)
    if isinstance(old, list) and isinstance(new, list):
        return _list_differences(old, new, where, other)
    if type(old) is not type(new) or old != new:
        return [(where, f"published {_shown(old)}, {other} {_shown(new)}")]
    return []


def _resource_of(location: str) -> str:
    """``resources[patrols].hash`` -> ``patrols``."""
    if location.startswith("resources[") and "]" in location:
        return location[len("resources["):location.index("]")]
    return ""


def compare_json(published: Path, rebuilt: Path, path: str, table: str = "", other: str = "rebuilt") -> list[Difference]:
    try:
        old = json.loads(published.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [Difference(path, f"not valid JSON: {exc}", table)]
    new = json.loads(rebuilt.read_text(encoding="utf-8"))
    return [Difference(path, message, table or _resource_of(at), field=at) for at, message in json_differences(old, new, "", other)]


# --- the package ------------------------------------------------------------


def package_files(folder: Path) -> set[str]:
    """What a package consists of: the descriptor, everything under ``data/``
    (tables and article copies) and the Table Schemas."""
    files = {DESCRIPTOR} if (folder / DESCRIPTOR).is_file() else set()
    for sub, pattern in (("data", "**/*"), ("schemas", "*.json")):
        files |= {p.relative_to(folder).as_posix() for p in (folder / sub).glob(pattern) if p.is_file()}
    return files


def _parsed_differences(path: str, published: Path, rebuilt: Path, other: str) -> list[Difference]:
    if path == DESCRIPTOR:
        return compare_json(published, rebuilt, path)
    if path.startswith("schemas/"):
        return compare_json(published, rebuilt, path, path.removeprefix("schemas/").removesuffix(".schema.json"), other)
    table = path.removeprefix("data/").removesuffix(".csv")
    if path == f"data/{table}.csv" and table in TABLES:
        return compare_table(table, published, rebuilt, path)
    return []


def compare_packages(published: Path, rebuilt: Path, labels: dict[str, str] | None = None) -> list[Difference]:
    """Every difference between two package folders, file by file in name order.
    Bytes decide: a file whose bytes differ is reported even when its parsed
    rows or keys are the same. ``labels`` names what a file of ``rebuilt`` is
    when it is not a rebuild (``committed (git HEAD)``)."""
    diffs: list[Difference] = []
    for path in sorted(package_files(published) | package_files(rebuilt)):
        old, new = published / path, rebuilt / path
        other = (labels or {}).get(path, "rebuilt")
        if not old.is_file():
            diffs.append(Difference(path, f"missing from the published package ({other} file exists)"))
        elif not new.is_file():
            diffs.append(Difference(path, f"no {other} file (only in the published package)"))
        else:
            old_bytes, new_bytes = old.read_bytes(), new.read_bytes()
            if old_bytes != new_bytes:
                diffs += _parsed_differences(path, old, new, other) or [Difference(
                    path, "bytes differ although every row and key reads the same (line ends, quoting, spacing or encoding): "
                    f"sha256 published {hashlib.sha256(old_bytes).hexdigest()[:12]}, {other} {hashlib.sha256(new_bytes).hexdigest()[:12]}")]
    return diffs


@dataclass
class VerifyResult:
    differences: list[Difference]
    notes: list[str]
    files: int  # files compared


def _git_schema(name: str) -> bytes | None:
    """``schemas/<name>`` as committed at HEAD, or None if git cannot say."""
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "show", f"HEAD:schemas/{name}"], capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


COMMITTED = "committed (git HEAD)"


def _committed_schemas(package: Path, rebuilt: Path) -> tuple[list[str], dict[str, str]]:
    """When the package's ``schemas/`` is the build's own source folder (the
    repository), the rebuild copied the very files under test: put the
    committed ones in their place. Returns notes and the labels of the files
    replaced."""
    if (package / "schemas").resolve() != SCHEMA_DIR.resolve():
        return [], {}
    names = sorted(p.name for p in SCHEMA_DIR.glob("*.json"))
    committed = {n: _git_schema(n) for n in names}
    if all(blob is None for blob in committed.values()):
        return ["schemas/ is the build's own source and git cannot give a committed version: schemas not compared"], {}
    for name, blob in committed.items():
        target = rebuilt / "schemas" / name
        if blob is None:
            target.unlink(missing_ok=True)  # reported: no committed file
        else:
            atomic_write(target, blob)
    return ([f"schemas/ is the build's own source: compared with the {COMMITTED} version"],
            {f"schemas/{n}": COMMITTED for n in names})


def verify(seeds: Path, package: Path, jobs: int = 1) -> VerifyResult:
    """Rebuild ``package`` from ``seeds`` and the curation file in a temporary
    folder (document paths recorded as the published build records them) and
    compare. Raises VerifyError if the seeds do not build."""
    with tempfile.TemporaryDirectory(prefix="bordercoop-verify-") as tmp:
        rebuilt = Path(tmp)
        state = PipelineState(seeds, package, staging=rebuilt, jobs=jobs)
        try:
            run_stages(state, (*CHECKED_STAGES, "publish"))
        except (ValidationFailed, CurationError, ExtractionError, SourcesError, IngestError, BoundsError) as exc:
            raise VerifyError(f"the seeds in {seeds} do not build, so nothing was compared:\n{exc}") from exc
        notes, labels = _committed_schemas(package, rebuilt)
        files = len(package_files(package) | package_files(rebuilt))
        return VerifyResult(compare_packages(package, rebuilt, labels), notes, files)


# --- check ------------------------------------------------------------------


def _inside(package: Path, path: str) -> Path | None:
    """``package/path`` if ``path`` is relative and stays inside the package."""
    parts = Path(path).parts
    if not path or Path(path).is_absolute() or ".." in parts:
        return None
    return package / path


def _article_issue(package: Path, line: int, row: dict[str, str]) -> tuple[Issue | None, str | None]:
    """(problem, text) of the article one documents row points at."""
    file = _inside(package, row.get("path", ""))
    if file is None:
        return Issue("documents", line, "path", f"{row.get('path')!r} is not a path inside the package"), None
    if not file.is_file():
        return Issue("documents", line, "path", f"article {row['path']} not found in the package"), None
    raw = file.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != row.get("sha256"):
        return Issue("documents", line, "sha256", f"{row.get('sha256')!r} is not the sha256 of {row['path']} ({digest})"), None
    try:
        return None, read_seed_text(file)
    except (SeedError, UnicodeDecodeError) as exc:
        return Issue("documents", line, "path", f"{row['path']}: {exc}"), None


def article_texts(package: Path) -> tuple[dict[str, str], list[Issue]]:
    """The normalised text of every article ``data/documents.csv`` lists (what
    the evidence offsets point into), and the rows whose article is missing,
    outside the package or not the file its sha256 names."""
    texts: dict[str, str] = {}
    issues = []
    with open(package / "data" / "documents.csv", encoding="utf-8", newline="") as fh:
        for index, row in enumerate(csv.DictReader(fh)):
            issue, text = _article_issue(package, csv_line(index), row)
            if issue is not None:
                issues.append(issue)
            elif text is not None:
                texts[row.get("document_id", "")] = text
    return texts, issues


def _unreadable(table: str, path: Path) -> Issue | None:
    """A table that is missing, not UTF-8 or not CSV, named before pandas meets it."""
    if not path.is_file():
        return Issue(table, None, "", f"data/{table}.csv not found")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Issue(table, raw[:exc.start].count(b"\n") + 1, "", f"data/{table}.csv is not UTF-8 (byte {exc.start})")
    try:
        for _ in csv.reader(io.StringIO(text, newline="")):
            pass
    except csv.Error as exc:
        return Issue(table, None, "", f"data/{table}.csv is not a readable CSV: {exc}")
    return None


def _own_checks(package: Path) -> list[Issue]:
    paths = {t: package / "data" / f"{t}.csv" for t in TABLES}
    unreadable = [i for t, p in paths.items() if (i := _unreadable(t, p)) is not None]
    if unreadable:
        return unreadable  # the cross-table checks need every table
    try:
        texts, issues = article_texts(package)
        return issues + check_tables(paths, texts)
    except ValueError as exc:  # pandas' ParserError is a ValueError
        return [Issue("data", None, "", f"the tables cannot be read: {type(exc).__name__}: {exc}")]


def check(package: Path) -> list[Issue]:
    """Frictionless and the project's own checks on a published package, without
    rebuilding. The own checks use the build's Table Schemas; a package whose
    schemas were edited is caught by ``verify``."""
    descriptor = package / DESCRIPTOR
    if not descriptor.is_file():
        return [Issue(DESCRIPTOR, None, "", f"{descriptor} not found")]
    try:
        issues = check_package(descriptor)
    except Exception as exc:  # frictionless raises its own errors on an unreadable descriptor
        issues = [Issue(DESCRIPTOR, None, "", f"Frictionless cannot read it: {type(exc).__name__}: {exc}")]
    return issues + _own_checks(package)


# --- command line (scripts/build.py --verify / --check) ---------------------

SHOWN_PROBLEMS = 200  # lines printed before "... and N more"


def _print_problems(title: str, problems: list) -> None:
    print(title, file=sys.stderr)
    for p in problems[:SHOWN_PROBLEMS]:
        print(f"  {p}", file=sys.stderr)
    if len(problems) > SHOWN_PROBLEMS:
        print(f"  ... and {len(problems) - SHOWN_PROBLEMS} more", file=sys.stderr)


def run_verify(seeds: Path, package: Path, jobs: int) -> int:
    """Exit code of ``build.py --verify``: 0 when the package is what the seeds make."""
    try:
        result = verify(seeds, package, jobs)
    except VerifyError as exc:
        print(f"verify failed: {exc}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"note: {note}")
    if result.differences:
        _print_problems(f"verify failed: {package} is not what {seeds} and the curation file make; "
                        f"{len(result.differences)} difference(s):", result.differences)
        return 1
    print(f"verified {package}: {result.files} files byte-identical to a rebuild from {seeds}")
    return 0


def run_check(package: Path) -> int:
    """Exit code of ``build.py --check``: 0 when Frictionless and every own check pass."""
    issues = check(package)
    if issues:
        _print_problems(f"check failed: {len(issues)} problem(s) in {package}:", issues)
        return 1
    print(f"checked {package / DESCRIPTOR}: Frictionless and the project's checks pass")
    return 0
