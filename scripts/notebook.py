"""Execute ``analysis.ipynb`` reproducibly and render it to ``build/report.html``.

    python scripts/notebook.py             # execute in place, then render the report
    python scripts/notebook.py --check     # execute a fresh copy; exit 1 if it differs from analysis.ipynb
    python scripts/notebook.py --root DIR  # run it on the package in DIR (scripts/build.py --out DIR):
                                           # writes DIR/analysis.ipynb and DIR/build/report.html

The kernel is ``python3`` of the running interpreter (run this with the venv's
python), started in the repository root (where it imports ``scripts/``) with a
fixed hash seed, timezone and locale; ``BORDERCOOP_PACKAGE`` tells the notebook
which package folder to read. Execution timing is not recorded and volatile
notebook metadata (kernel and Python versions) is replaced by a fixed block, so
rerunning on unchanged data gives byte-identical output. The report shows the
outputs without the code cells (nbconvert's ``exclude_input``); it is
self-contained: images are embedded and no external scripts (require.js,
MathJax) are referenced.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbformat import NotebookNode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bordercoop.files import Busy, atomic_write  # noqa: E402
from bordercoop.paths import ROOT  # noqa: E402
from bordercoop.transaction import JournalError, locked  # noqa: E402

NOTEBOOK = ROOT / "analysis.ipynb"
REPORT = ROOT / "build" / "report.html"
KERNEL_NAME = "python3"
TIMEOUT_S = 300
KERNEL_ENV = {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8", "MPLBACKEND": "Agg"}
PACKAGE_ENV = "BORDERCOOP_PACKAGE"  # the package folder the notebook reads (default: the repository)
REPORT_TITLE = "Vietnam border cooperation: analysis"
NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL_NAME},
    "language_info": {"name": "python", "file_extension": ".py", "mimetype": "text/x-python"},
}
# The lab template without its CDN scripts (require.js, MathJax): the report works offline.
REPORT_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
"""


def warm_matplotlib_cache() -> None:
    """Build matplotlib's font cache outside the kernel, so that a first run on a
    fresh machine does not print 'building the font cache' into a cell's output."""
    import matplotlib.font_manager  # noqa: F401


def execute(nb_path: Path = NOTEBOOK, package: Path = ROOT) -> NotebookNode:
    """Run every cell of the notebook on the package in ``package`` and return it
    normalised. The kernel's working directory is the repository root."""
    warm_matplotlib_cache()
    nb = nbformat.read(nb_path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name=KERNEL_NAME,
        record_timing=False,
        resources={"metadata": {"path": str(ROOT)}},
    )
    env = {**os.environ, **KERNEL_ENV, PACKAGE_ENV: str(Path(package).resolve())}
    # "auto": CurveZMQ-encrypted kernel channels when the kernelspec supports them.
    client.execute(env=env, transport_encryption="auto")
    return normalise(nb)


def normalise(nb: NotebookNode) -> NotebookNode:
    """Drop what varies between machines or runs but says nothing about the results."""
    nb.metadata = nbformat.from_dict(NOTEBOOK_METADATA)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def dumps(nb: NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def cell_differences(expected: NotebookNode, actual: NotebookNode) -> list[str]:
    """One line per cell whose source, outputs or execution count differ."""
    if len(expected.cells) != len(actual.cells):
        return [f"cell count differs: {len(expected.cells)} committed, {len(actual.cells)} fresh"]
    lines = []
    for index, (old, new) in enumerate(zip(expected.cells, actual.cells, strict=True)):
        parts = [key for key in ("source", "outputs", "execution_count", "metadata") if old.get(key) != new.get(key)]
        if parts:
            lines.append(f"cell {index} (id {new.get('id', '?')}, {new.cell_type}): {', '.join(parts)} differ")
            lines.extend(output_diff(old, new))
    return lines


def output_diff(old: NotebookNode, new: NotebookNode, limit: int = 12) -> list[str]:
    """A short unified diff of a code cell's outputs (images shortened)."""
    if old.cell_type != "code" or old.get("outputs") == new.get("outputs"):
        return []
    diff = difflib.unified_diff(outputs_text(old), outputs_text(new), "committed", "fresh", lineterm="", n=1)
    return ["    " + line for line in list(diff)[:limit]]


def outputs_text(cell: NotebookNode) -> list[str]:
    lines = []
    for output in cell.get("outputs", []):
        for mime, value in sorted(output.get("data", {}).items()):
            text = value if isinstance(value, str) else "".join(value)
            lines += [f"{mime}: <{len(text)} chars, hash {hash_text(text)}>"] if mime.startswith("image/") else text.splitlines()
        lines += "".join(output.get("text", "")).splitlines()
    return lines


def hash_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def render_html(nb: NotebookNode, out: Path = REPORT) -> Path:
    """The report: markdown and outputs, no code cells and no prompts."""
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"report.html.j2": REPORT_TEMPLATE})],
        template_file="report.html.j2",
        embed_images=True,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": REPORT_TITLE}})
    return atomic_write(out, body)


def write_outputs(nb: NotebookNode, nb_path: Path, report: Path) -> Path:
    """Replace the notebook and its HTML report, each in one atomic step."""
    atomic_write(nb_path, dumps(nb))
    return render_html(nb, report)


def check(nb_path: Path = NOTEBOOK, package: Path = ROOT) -> int:
    committed_text = nb_path.read_text(encoding="utf-8")
    fresh = execute(NOTEBOOK, package)
    fresh_text = dumps(fresh)
    if fresh_text == committed_text:
        print(f"{nb_path.name}: committed outputs equal a fresh execution")
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".ipynb", prefix="analysis-fresh-", delete=False, encoding="utf-8") as fh:
        fh.write(fresh_text)
    print(f"{nb_path.name} differs from a fresh execution (fresh copy: {fh.name}):", file=sys.stderr)
    differences = cell_differences(nbformat.reads(committed_text, as_version=4), fresh)
    for line in differences or ["no cell differs: file formatting or notebook metadata differs"]:
        print("  " + line, file=sys.stderr)
    rerun = "" if Path(package).resolve() == ROOT else f" --root {package}"
    print(f"rerun: python scripts/notebook.py{rerun}", file=sys.stderr)
    return 1


def run(package: Path) -> int:
    """Execute the notebook on ``package``; write the executed notebook and its report there."""
    package = Path(package).resolve()
    if not (package / "datapackage.json").is_file():
        print(f"{package}: not a package folder (no datapackage.json); build one with "
              f"scripts/build.py --seeds ARTICLES --out {package}", file=sys.stderr)
        return 2
    started = time.monotonic()
    target = package / NOTEBOOK.name
    try:
        with locked(package):  # no build replaces the data while the notebook reads it
            nb = execute(NOTEBOOK, package)
            report = write_outputs(nb, target, package / REPORT.relative_to(ROOT))
    except (Busy, JournalError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"executed {NOTEBOOK.name} on {package} in {time.monotonic() - started:.1f} s; wrote {target} and {report}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Execute analysis.ipynb on a package and render its build/report.html.")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="package folder (scripts/build.py --out DIR) to read and write to (default: this repository)")
    parser.add_argument("--check", action="store_true",
                        help="execute a fresh copy and fail if it differs from ROOT/analysis.ipynb")
    args = parser.parse_args(argv)
    if args.check:
        return check(args.root / NOTEBOOK.name, args.root)
    return run(args.root)


if __name__ == "__main__":
    sys.exit(main())
