"""Ctrl-C, SIGTERM and SIGHUP stop a build between two steps, never inside one.

Python's default turns SIGINT into a KeyboardInterrupt wherever the interpreter
happens to be: inside a library, a clean-up or a ``__del__``, where it is printed
as a traceback and swallowed, or at interpreter shutdown. Under ``cooperative``
these signals only note themselves; ``checkpoint()`` (between stages, between
articles, before the commit) raises ``Interrupted`` for them. A second signal
while the first is pending raises at once. ``deferred`` holds them back entirely
(the swap of the published files) and passes them on when its block ends.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_pending: list[int] = []


class Interrupted(BaseException):
    """A signal asked the build to stop; raised at a checkpoint so clean-ups run."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _note(signum: int, _frame: object) -> None:
    if _pending:
        raise Interrupted(_pending[0])  # asked twice: stop now
    _pending.append(signum)


def checkpoint() -> None:
    """Raise ``Interrupted`` if a signal arrived since ``cooperative`` began."""
    if _pending:
        raise Interrupted(_pending[0])


def install() -> None:
    """Note the signals from now on (the entry point calls this before loading
    any library, so a Ctrl-C while Python starts is noted too)."""
    for sig in SIGNALS:
        signal.signal(sig, _note)


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def cooperative() -> Iterator[None]:
    """Within the block the signals are noted and acted on at ``checkpoint()``."""
    if not _on_main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _note) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        _pending.clear()  # acted on (or the block ended first)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold the signals until the block is done, then deliver them. (Swapping the
    handlers, not the signal mask: any thread may receive a process's signal.)"""
    if not _on_main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, _frame: caught.append(signum)) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in dict.fromkeys(caught):
            signal.raise_signal(sig)
