"""Writing outputs so that no reader and no crash ever sees half of a file, and one
writer at a time per package folder.

``atomic_write`` (or ``atomic_path`` for a library that writes by path, such as
DuckDB) writes a temporary file next to the target, fsyncs it, puts it in place
with ``os.replace`` and fsyncs the folder: a reader sees the old file or the new
one, complete, and a kill at any instant leaves at most a hidden ``.NAME.*.tmp``.
``exclusive`` takes the package folder's lock (``fcntl.flock`` on ``.build.lock``).
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".build.lock"


class Busy(RuntimeError):
    """Another process holds the package folder's lock."""


def fsync_dir(folder: Path) -> None:
    """Make the renames and deletions inside ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ``.NAME.<12 hex>.tmp``, and what a library adds to it (DuckDB's ``.wal``).
TEMP_PATTERN = re.compile(r"\..+\.[0-9a-f]{12}\.tmp(\.[a-z]+)?")


def temp_name(target: Path) -> Path:
    """A fresh hidden name next to ``target`` (``.NAME.<random>.tmp``)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")


def is_temp(path: Path) -> bool:
    return TEMP_PATTERN.fullmatch(path.name) is not None


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A path (not yet created) for the caller to write ``target``'s new content to;
    on normal exit it is fsynced and replaces ``target``, on any error it is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(target)
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def atomic_write(target: Path, content: bytes | str) -> Path:
    """Replace ``target`` with ``content`` (text is written as UTF-8) in one step."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_path(target) as tmp, open(tmp, "xb") as fh:
        fh.write(data)
    return target


def _holder(fd: int) -> str:
    text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    return text.split()[0] if text else "unknown"


@contextmanager
def exclusive(folder: Path, wait: bool = False) -> Iterator[None]:
    """Hold ``folder``'s lock for the block. Without ``wait`` a second writer fails at
    once with ``Busy`` naming the folder and the holder's pid; with it, it waits."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = f"another build is running in {folder} (pid {_holder(fd)})"
            if not wait:
                raise Busy(f"{message}; wait for it to finish or rerun with --wait") from None
            print(f"{message}; waiting for it to finish", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
