"""analysis.ipynb: executes cleanly, its committed outputs equal a fresh execution
(byte for byte, plots included), runs on other packages (``--root``), and the HTML
report renders in headless Chromium without code, with its plots and with every
fact highlighted at its offsets in the evidence view."""

from __future__ import annotations

import base64
import copy
import csv
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode

import duckdb_views
import notebook
from bordercoop.evaluation.synthetic import generate_articles, write_corpus
from bordercoop.presentation import evidence, timeline

CHROMIUM_TIMEOUT_S = 60
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
METADATA_CHUNKS = {b"tEXt", b"iTXt", b"zTXt", b"tIME", b"eXIf"}


@pytest.fixture(scope="module")
def executed() -> NotebookNode:
    return notebook.execute()


def outputs(nb: NotebookNode) -> list[NotebookNode]:
    return [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]


def png_outputs(nb: NotebookNode) -> list[bytes]:
    return [base64.b64decode(o["data"]["image/png"]) for o in outputs(nb) if "image/png" in o.get("data", {})]


def png_chunk_types(png: bytes) -> list[bytes]:
    assert png.startswith(PNG_SIGNATURE)
    types, offset = [], len(PNG_SIGNATURE)
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        types.append(png[offset + 4:offset + 8])
        offset += 12 + length
    return types


def test_notebook_executes_without_errors_or_warnings(executed: NotebookNode) -> None:
    problems = [o for o in outputs(executed) if o.output_type == "error" or o.get("name") == "stderr"]
    assert not problems, problems


def test_committed_notebook_equals_fresh_execution(executed: NotebookNode) -> None:
    committed = notebook.NOTEBOOK.read_text(encoding="utf-8")
    if committed != notebook.dumps(executed):
        differences = notebook.cell_differences(nbformat.reads(committed, as_version=4), executed)
        pytest.fail("analysis.ipynb is stale; run `python scripts/notebook.py`:\n" + "\n".join(differences or ["formatting/metadata"]))


def test_cell_differences_names_the_cell(executed: NotebookNode) -> None:
    changed = copy.deepcopy(executed)
    index = next(i for i, c in enumerate(changed.cells) if c.cell_type == "code" and c.outputs)
    changed.cells[index].outputs = []
    assert notebook.cell_differences(executed, changed)[0].startswith(f"cell {index} ")


def test_plots_are_metadata_free_pngs(executed: NotebookNode) -> None:
    pngs = png_outputs(executed)
    assert len(pngs) >= 2
    for png in pngs:
        assert not METADATA_CHUNKS & set(png_chunk_types(png))


class DomSummary(HTMLParser):
    """Headings, <img>/<svg> count, and the evidence view of a document: the text of
    every mark (by data-fact), each first mark's offsets, and where its text sits
    in its article's text (from the article's data-start)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.images = 0
        self.ids: set[str] = set()
        self.links: set[str] = set()
        self.mark_text: dict[str, str] = {}
        self.mark_offsets: dict[str, tuple[int, int]] = {}  # data-start, data-end of a fact's first mark
        self.found_at: dict[str, int] = {}  # offset in the article where the fact's first mark begins
        self._heading: list[str] | None = None
        self._article: int | None = None  # offset of the next character of the article text
        self._stack: list[str | None] = []  # data-fact of each open <mark>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.links.add(a["href"][1:])
        if tag in {"img", "svg"}:
            self.images += 1
        elif tag in {"h1", "h2", "h3"}:
            self._heading = []
        elif tag == "pre" and "evidence-text" in (a.get("class") or "").split():
            self._article = int(a["data-start"])
        elif tag == "mark":
            self._open_mark(a)

    def _open_mark(self, a: dict[str, str | None]) -> None:
        fact = a.get("data-fact")
        self._stack.append(fact)
        if fact is not None and "id" in a:
            self.mark_offsets[fact] = (int(a["data-start"]), int(a["data-end"]))
            self.found_at[fact] = self._article if self._article is not None else -1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2", "h3"} and self._heading is not None:
            self.headings.append("".join(self._heading).replace("\u00b6", "").strip())
            self._heading = None
        elif tag == "pre":
            self._article = None
        elif tag == "mark" and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        for fact in self._stack:
            if fact is not None:
                self.mark_text[fact] = self.mark_text.get(fact, "") + data
        if self._article is not None:
            self._article += len(data)


def read_table(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def quoted_facts(root: Path) -> dict[str, tuple[int, int, str]]:
    """{fact id: (char_start, char_end, quote)} of every fact of every article, from the CSVs."""
    facts = {}
    for table in duckdb_views.quoted_tables():
        quote = evidence.quote_field(table)
        for row in read_table(root, table):
            facts[evidence.fact_id(table, row)] = (int(row["char_start"]), int(row["char_end"]), row[quote])
    return facts


def assert_evidence_view(dom: DomSummary, root: Path) -> int:
    """Every fact of the package is highlighted at its offsets with its evidence as
    text, its table row links to it and it links back. Returns the number checked."""
    facts = quoted_facts(root)
    for fact, (start, end, quote) in facts.items():
        assert dom.mark_offsets.get(fact) == (start, end), fact
        assert dom.found_at[fact] == start, fact
        assert dom.mark_text[fact] == quote, fact
        assert fact in dom.links and evidence.ROW_PREFIX + fact in dom.ids, fact
        assert evidence.ROW_PREFIX + fact in dom.links, fact
    return len(facts)


def markdown_headings(nb: NotebookNode) -> list[str]:
    headings, fenced = [], False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            fenced ^= line.startswith("```")
            if not fenced and line.startswith("#"):
                headings.append(line.lstrip("#").strip())
    return headings


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium is not installed (apt-get install chromium); the HTML report was not checked in a browser")
    return path


def chromium_command(browser: str, profile: Path, *args: str) -> list[str]:
    return [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *args,
    ]


def code_sources(nb: NotebookNode) -> list[str]:
    """A distinctive line of each code cell (its longest)."""
    return [max(c.source.splitlines(), key=len).strip() for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_report_renders_in_headless_chromium(executed: NotebookNode, tmp_path: Path) -> None:
    browser = chromium()
    report = notebook.render_html(executed, tmp_path / "report.html")
    command = chromium_command(browser, tmp_path / "chromium-profile", "--dump-dom", report.as_uri())
    result = subprocess.run(command, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_S, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = DomSummary()
    dom.feed(result.stdout)
    assert markdown_headings(executed)
    assert [h for h in markdown_headings(executed) if h not in dom.headings] == []
    assert dom.images == len(png_outputs(executed)) >= 2
    assert "src=\"http" not in result.stdout  # self-contained: no external scripts or images
    assert [line for line in code_sources(executed) if line in result.stdout] == []  # no code cells
    assert assert_evidence_view(dom, notebook.ROOT) == len(quoted_facts(notebook.ROOT))

    screenshot = tmp_path / "report.png"
    shot = chromium_command(browser, tmp_path / "chromium-profile", "--window-size=1280,16000",
                            "--hide-scrollbars", f"--screenshot={screenshot}", report.as_uri())
    result = subprocess.run(shot, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_S, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)
    print(f"report screenshot: {screenshot}")


# --- other packages: notebook.py --root DIR ---------------------------------------

def build_package(seeds: Path, out: Path) -> Path:
    build = [sys.executable, str(notebook.ROOT / "scripts" / "build.py"), "--seeds", str(seeds), "--out", str(out), "--quiet"]
    result = subprocess.run(build, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out


def run_notebook(package: Path) -> tuple[bytes, bytes]:
    result = subprocess.run([sys.executable, str(notebook.ROOT / "scripts" / "notebook.py"), "--root", str(package)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return (package / "analysis.ipynb").read_bytes(), (package / "build" / "report.html").read_bytes()


def problems(nb_bytes: bytes) -> list[NotebookNode]:
    nb = nbformat.reads(nb_bytes.decode("utf-8"), as_version=4)
    return [o for o in outputs(nb) if o.output_type == "error" or o.get("name") == "stderr"]


def test_notebook_runs_on_another_corpus_and_reruns_identically(tmp_path: Path) -> None:
    """A synthetic corpus with more dated meetings than the timeline draws one by one:
    the notebook runs there, writes there (not into the repository), reruns to the
    same bytes, and its report highlights every fact at its offsets."""
    committed = notebook.NOTEBOOK.read_bytes()
    write_corpus(generate_articles(40), tmp_path / "articles")
    package = build_package(tmp_path / "articles", tmp_path / "package")
    dated = [m for m in read_table(package, "meetings") if m["date_start"] or m["date_end"]]
    assert len(dated) > timeline.MAX_ROWS  # the timeline counts per period here
    first = run_notebook(package)
    assert problems(first[0]) == []
    assert run_notebook(package) == first
    assert notebook.NOTEBOOK.read_bytes() == committed
    dom = DomSummary()
    dom.feed(first[1].decode("utf-8"))
    assert assert_evidence_view(dom, package) > timeline.MAX_ROWS


def test_notebook_runs_on_a_package_without_facts(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "quiet.txt").write_text("A quiet week\nThe weather was mild and the market was busy.\n", encoding="utf-8")
    package = build_package(tmp_path / "articles", tmp_path / "package")
    assert read_table(package, "meetings") == []
    nb_bytes, report = run_notebook(package)
    assert problems(nb_bytes) == []
    assert b"No meetings in this package." in report and b"No joint patrols in this package." in report


def test_root_must_be_a_package(tmp_path: Path) -> None:
    assert notebook.main(["--root", str(tmp_path)]) == 2
