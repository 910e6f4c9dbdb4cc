"""analysis.ipynb: executes cleanly, its committed outputs equal a fresh execution
(byte for byte, plots included), and the HTML report renders in headless Chromium."""

from __future__ import annotations

import base64
import copy
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode

import notebook

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
    """Heading texts and the number of <img> elements of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.images = 0
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images += 1
        elif tag in {"h1", "h2", "h3"}:
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2", "h3"} and self._heading is not None:
            self.headings.append("".join(self._heading).replace("\u00b6", "").strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)


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


def test_report_renders_in_headless_chromium(executed: NotebookNode, tmp_path: Path) -> None:
    browser = chromium()
    report = notebook.render_html(executed, tmp_path / "report.html")
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", "--dump-dom", report.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_S, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = DomSummary()
    dom.feed(result.stdout)
    assert markdown_headings(executed)
    assert [h for h in markdown_headings(executed) if h not in dom.headings] == []
    assert dom.images == len(png_outputs(executed))
    assert "src=\"http" not in result.stdout  # self-contained: no external scripts or images
