"""Signals under interrupt.cooperative stop the build only at a checkpoint."""

from __future__ import annotations

import signal

import pytest

from bordercoop import interrupt
from bordercoop.interrupt import Interrupted


def test_a_signal_is_noted_and_raised_at_the_next_checkpoint() -> None:
    with interrupt.cooperative():
        interrupt.checkpoint()
        signal.raise_signal(signal.SIGTERM)
        done = "code between two checkpoints runs on"
        with pytest.raises(Interrupted) as caught:
            interrupt.checkpoint()
    assert done and caught.value.signum == signal.SIGTERM
    interrupt.checkpoint()  # the block's end forgets it
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_second_signal_stops_at_once() -> None:
    with interrupt.cooperative():
        signal.raise_signal(signal.SIGINT)
        with pytest.raises(Interrupted):
            signal.raise_signal(signal.SIGINT)


def test_deferred_signals_arrive_when_the_block_ends() -> None:
    steps = []
    with interrupt.cooperative():
        with interrupt.deferred():
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)  # held too: not "a second signal"
            steps.append("the block finished")
        with pytest.raises(Interrupted):
            interrupt.checkpoint()
    assert steps == ["the block finished"]
