"""Time per MB of one long article: extraction must stay linear in article length.

    python scripts/benchmark_article.py --mb 1 2 4 8

The article is a title and the bodies of the benchmark's synthetic articles
(``synthetic.py``) repeated to the size asked (above the seeds' size limit,
lifted here); each size is ingested and
extracted in this process and timed in CPU seconds. The last column is time per
MB relative to the first size: 1.0 is linear, a quadratic cost doubles it with
each doubling of the size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bordercoop.evaluation.synthetic import generate_articles
from bordercoop.lang import language
from bordercoop.stages.extract import extract_document
from bordercoop.stages.ingest import SeedRules, body_bounds, ingest, seed_rules

SAMPLE_ARTICLES = 20


def long_article_text(size_bytes: int) -> str:
    """A title line, then synthetic article bodies repeated to about ``size_bytes``."""
    articles = generate_articles(SAMPLE_ARTICLES)
    bodies = []
    for a in articles:
        _, start, end, _ = body_bounds(a.text, language("vi"))
        bodies.append(a.text[start:end].strip() + "\n")
    block = "".join(bodies)
    repeats = max(1, size_bytes // len(block.encode("utf-8")))
    return articles[0].text.split("\n", 1)[0] + "\n" + block * repeats


def measure(size_bytes: int, folder: Path) -> tuple[float, float, int]:
    """(MB of text, CPU seconds to ingest and extract it, fact rows found)."""
    (folder / "long.txt").write_text(long_article_text(size_bytes), encoding="utf-8")
    started = time.process_time()
    rules = seed_rules()
    doc = ingest(folder, rules=SeedRules(rules.text_suffixes, rules.page_suffixes, size_bytes * 2)).documents[0]
    facts = extract_document(doc)
    seconds = time.process_time() - started
    rows = sum(len(rows) for rows in facts.tables.values())
    return len(doc.text.encode("utf-8")) / 1e6, seconds, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, nargs="+", default=[1, 2, 4, 8], help="article sizes in MB")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        measure(100_000, Path(tmp))  # warm-up: languages, gazetteer, indexes
    print("| MB | CPU s | s per MB | fact rows | s per MB relative to the first |\n|---|---|---|---|---|")
    first = None
    for mb in args.mb:
        with tempfile.TemporaryDirectory() as tmp:
            size, seconds, rows = measure(int(mb * 1e6), Path(tmp))
        per_mb = seconds / size
        first = first or per_mb
        print(f"| {size:.1f} | {seconds:.2f} | {per_mb:.2f} | {rows:,} | {per_mb / first:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
