"""Publishing a staged package into its folder so that, interrupted at any instant,
the folder holds the old package or the new one, or the next run completes it.

A build writes everything into a hidden staging folder ``OUT/.build-XXXX/`` (every
file fsynced), then ``commit``:

1. writes the journal ``OUT/.publish-journal.json`` atomically: the list of staged
   files and of stale files under ``data/`` to remove. Writing it is the commit point;
2. moves each staged file over its published path with ``os.replace``
   (``datapackage.json`` last), so every published file is at every instant either
   the old one or the new one, complete; never missing;
3. removes the journal, then the staging folder.

SIGINT, SIGTERM and SIGHUP are held back during 1-3 (``interrupt.deferred``), so only SIGKILL (or a power
cut) can stop a publication half-way. ``recover``, run under the lock before a build
(or any other writer) does anything else, completes a publication whose journal is
on disk and deletes staging folders that never got one (the old package was not
touched). ``locked`` is lock + recover.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bordercoop.files import atomic_write, exclusive, fsync_dir, is_temp
from bordercoop.interrupt import deferred

JOURNAL = ".publish-journal.json"
STAGING_PREFIX = ".build-"
LEGACY_BACKUP_SUFFIX = ".old"  # backups of the swap used before the journal
DESCRIPTOR = "datapackage.json"


class JournalError(RuntimeError):
    """An interrupted publication that cannot be completed; the message says why."""


def staged_files(staging: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """Every file under ``staging`` as a relative POSIX path, the descriptor last."""
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    files = [f for f in files if f.split("/")[0] not in exclude]
    return sorted(files, key=lambda f: f == DESCRIPTOR)


def stale_files(out: Path, files: list[str]) -> list[str]:
    """Files under the published ``data/`` (tables, article copies) that the new
    package no longer has: ``data/`` belongs to the package as a whole."""
    new = set(files)
    old = sorted(p.relative_to(out).as_posix() for p in (out / "data").rglob("*") if p.is_file() and not is_temp(p))
    return [f for f in old if f not in new]


def commit(staging: Path, out: Path, exclude: tuple[str, ...] = ()) -> None:
    """Publish every file of ``staging`` (a folder directly inside ``out``) at the same
    relative path in ``out``; folders named in ``exclude`` are left unpublished."""
    files = staged_files(staging, exclude)
    journal = {"staging": staging.name, "files": files, "remove": stale_files(out, files)}
    with deferred():
        atomic_write(out / JOURNAL, json.dumps(journal, indent=1) + "\n")
        roll_forward(out, journal)


def roll_forward(out: Path, journal: dict) -> None:
    """Do (or finish) the moves a journal lists; each step may already be done."""
    staging = out / journal["staging"]
    touched = {out}
    for rel in journal["files"]:
        src, dst = staging / rel, out / rel
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
        elif not dst.exists():
            raise JournalError(f"{out / JOURNAL}: cannot complete the interrupted publication: "
                               f"{src} is missing; delete the journal and rebuild")
        touched.add(dst.parent)
    for rel in journal["remove"]:
        (out / rel).unlink(missing_ok=True)
        touched.add((out / rel).parent)
    for folder in sorted(touched | _drop_empty_folders(out, touched), reverse=True):
        if folder.is_dir():
            fsync_dir(folder)
    (out / JOURNAL).unlink()
    fsync_dir(out)
    shutil.rmtree(staging, ignore_errors=True)


def _drop_empty_folders(out: Path, folders: set[Path]) -> set[Path]:
    """Remove the emptied folders inside ``data/`` (e.g. ``data/articles/`` when no
    article is copied any more); returns their parents, to fsync."""
    data, parents = out / "data", set()
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if data in folder.parents and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            parents.add(folder.parent)
    return parents


def _load_journal(path: Path) -> dict:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(journal.get("staging"), str) or "/" in journal["staging"]:
            raise ValueError("no staging folder name")
        if not all(isinstance(journal.get(k), list) for k in ("files", "remove")):
            raise ValueError("no file lists")
    except (OSError, ValueError, AttributeError) as exc:
        raise JournalError(f"{path}: unreadable publication journal ({exc}); delete it and rebuild") from None
    return journal


def _restore_legacy(out: Path, backup: Path) -> None:
    """The swap before the journal moved ``data`` and ``datapackage.json`` into
    ``.build-X.old``, then the staged ones in from ``.build-X``; a kill in between
    left the package incomplete. Put back what is missing, in that order's logic:
    new data in place means the new descriptor belongs with it."""
    staging = backup.with_name(backup.name.removesuffix(LEGACY_BACKUP_SUFFIX))
    if (out / "data").exists() and not (out / DESCRIPTOR).exists() and (staging / DESCRIPTOR).exists():
        os.replace(staging / DESCRIPTOR, out / DESCRIPTOR)
    for name in ("data", DESCRIPTOR):
        if not (out / name).exists() and (backup / name).exists():
            os.replace(backup / name, out / name)


def recover(out: Path) -> list[str]:
    """Complete or undo whatever an interrupted run left in ``out`` (call it holding
    the lock); returns one line per repair, for the user."""
    notes = []
    if (out / JOURNAL).exists():
        journal = _load_journal(out / JOURNAL)
        with deferred():
            roll_forward(out, journal)
        notes.append(f"completed the publication an interrupted build left in {out}")
    leftovers = sorted(p for p in out.glob(STAGING_PREFIX + "*") if p.is_dir())
    for path in sorted(leftovers, key=lambda p: not p.name.endswith(LEGACY_BACKUP_SUFFIX)):
        if path.name.endswith(LEGACY_BACKUP_SUFFIX):
            _restore_legacy(out, path)
        shutil.rmtree(path, ignore_errors=True)
    if leftovers:
        notes.append(f"removed {len(leftovers)} unfinished staging folder(s) from {out}")
    for folder in (out, out / "data", out / "build", out / "schemas"):
        for tmp in folder.glob(".*") if folder.is_dir() else ():
            if is_temp(tmp) and tmp.is_file():
                tmp.unlink()
    return notes


@contextmanager
def locked(out: Path, wait: bool = False) -> Iterator[list[str]]:
    """Hold ``out``'s lock and repair what an interrupted run left there first;
    yields the repair notes (also printed on stderr)."""
    with exclusive(out, wait=wait):
        notes = recover(out)
        for note in notes:
            print(note, file=sys.stderr)
        yield notes
