"""Shared fixtures: one pipeline run over the real seeds, reused by many tests."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bordercoop.pipeline import BuildResult, run_pipeline  # noqa: E402


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return run_pipeline(ROOT / "seeds", ROOT)


@pytest.fixture()
def tables(pipeline: BuildResult) -> dict:
    """A private copy of the built tables that a test may break."""
    return copy.deepcopy(pipeline.tables)


@pytest.fixture(scope="session")
def texts(pipeline: BuildResult) -> dict[str, str]:
    return {d.document_id: d.text for d in pipeline.ingested.documents}

