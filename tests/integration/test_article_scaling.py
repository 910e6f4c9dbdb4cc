"""Reading one article is linear in its length: a long article (a saved page, a
concatenation) must not take quadratic time. A 50 MB file once ran for 15 minutes
because each place name and date searched the sentence list from its start.

The article is one written paragraph (facts of every type) repeated; the test
compares CPU seconds for 200 KB and 800 KB: linear is 4x, quadratic 16x.
"""

from __future__ import annotations

import time
from pathlib import Path

from bordercoop.stages.extract import extract_document
from bordercoop.stages.ingest import ingest
from written import PARAGRAPH


def long_article(folder: Path, size_bytes: int) -> Path:
    """An article of about ``size_bytes`` bytes: a title line, then the paragraph repeated."""
    repeats = max(1, size_bytes // len(PARAGRAPH.encode("utf-8")))
    path = folder / f"long_{size_bytes}.txt"
    path.write_text("Hội đàm biên giới\n" + PARAGRAPH * repeats, encoding="utf-8")
    return path


def _read_and_extract(folder: Path) -> tuple[float, int]:
    """CPU seconds (of this process: other load on the machine counts less) to ingest and extract the one article in ``folder``, and its patrol rows."""
    started = time.process_time()
    doc = ingest(folder).documents[0]
    facts = extract_document(doc)
    return time.process_time() - started, len(facts.table("patrols"))


def _ratio(folders: dict[int, Path]) -> tuple[float, dict[int, tuple[float, int]]]:
    runs = {size: _read_and_extract(folder) for size, folder in folders.items()}
    return runs[800_000][0] / runs[200_000][0], runs


def test_extraction_is_linear_in_article_length(tmp_path: Path) -> None:
    folders = {}
    for size in (200_000, 800_000):
        folders[size] = tmp_path / str(size)
        folders[size].mkdir()
        long_article(folders[size], size)
    ratio, runs = _ratio(folders)
    if ratio >= 6:  # a busy machine: measure once more before calling it superlinear
        ratio, runs = min(ratio, _ratio(folders)[0]), runs
    small, large = runs[200_000], runs[800_000]
    assert large[1] >= 3 * small[1] > 0, f"the paragraph's facts do not scale with it: {small[1]} vs {large[1]} patrols"
    assert ratio < 6, f"4x the text took {ratio:.1f}x the CPU time ({small[0]:.2f} s vs {large[0]:.2f} s): superlinear"
