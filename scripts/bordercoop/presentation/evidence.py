"""The evidence view: every article's text with each fact's evidence highlighted.

Each fact is a ``<mark>`` whose ``id`` is the fact id (``m-003_...-703``), with
``data-start``/``data-end`` its code-point offsets into the article's normalised
text (``stages.ingest.read_seed_text``) and a link back to the fact's row in the
fact tables (``id="row-<fact id>"``), whose id cell links to the mark. Facts
that overlap without nesting are split into pieces; only the first piece carries
the id, every piece carries ``data-fact``. The link is an empty ``<a>`` (its
arrow is CSS), so a mark's text is exactly the evidence. The text is in a
``<pre>``: nbconvert passes the page through BeautifulSoup, which collapses
whitespace-only text (the blank lines between two marks) everywhere else.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bordercoop import schema

Row = Mapping[str, Any]
OFFSET_FIELDS = ("char_start", "char_end")
HIDDEN_FIELDS = {"evidence", "surface", *OFFSET_FIELDS, "document_id", "note"}  # not repeated in the fact tables
QUOTE_CHARS = 90  # quote shown in a fact table, longer ones are cut with an ellipsis
MAX_ARTICLES = 60  # articles shown in full; a larger package shows the first ones (by document_id)
ROW_PREFIX = "row-"
DOCUMENT_PREFIX = "doc-"

STYLE = """<style>
.evidence-article { border-top: 1px solid #ccc; margin-top: 1.2em; }
.jp-RenderedHTMLCommon pre.evidence-text, pre.evidence-text { white-space: pre-wrap; font-family: inherit; line-height: 1.7;
  font-size: 0.95em; max-width: 60em; background: none; border: none; padding: 0; }
.evidence-text mark { background: rgba(255, 214, 10, 0.35); padding: 0; border-bottom: 2px solid #e0a800; }
.evidence-text mark mark { background: rgba(255, 140, 0, 0.30); }
.evidence-text mark.t-province_mentions { background: none; border-bottom: 2px dotted #1f618d; }
.evidence-text mark:target { outline: 2px solid #b03a2e; }
.evidence-text a.back { text-decoration: none; font-size: 0.7em; vertical-align: super; }
.evidence-text a.back::before { content: "\\2197"; }
table.facts { border-collapse: collapse; font-size: 0.85em; margin-bottom: 1.5em; }
.jp-RenderedHTMLCommon table.facts th, .jp-RenderedHTMLCommon table.facts td, table.facts th, table.facts td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
table.facts tr:target { background: #fff3c4; }
</style>"""


@dataclass(frozen=True)
class Span:
    fact_id: str
    table: str
    start: int
    end: int
    title: str


def quote_field(table: str) -> str | None:
    return schema.quote_field(table)


def fact_id(table: str, row: Row) -> str:
    """The anchor of a row: its id where the key is one column, else the table and
    the key's values joined by '/' (the database's ``fact_context.fact_id`` after
    ``<table>/``)."""
    key = schema.primary_key(schema.load_schema(table))
    if len(key) == 1:
        return str(row[key[0]])
    return "/".join([table, *(str(row[k]) for k in key)])


def spans_of(table: str, rows: Iterable[Row]) -> list[tuple[str, Span]]:
    """(document_id, Span) of each row of a fact table."""
    return [(r["document_id"], Span(fact_id(table, r), table, r["char_start"], r["char_end"], f"{table} {fact_id(table, r)}"))
            for r in rows]


def attributes(span: Span, first: bool) -> str:
    attrs = {"class": f"fact t-{span.table}", "data-fact": span.fact_id}
    if first:
        attrs |= {"id": span.fact_id, "data-start": str(span.start), "data-end": str(span.end), "title": span.title}
    return "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in attrs.items())


def open_tag(span: Span, first: bool) -> str:
    back = f'<a class="back" href="#{html.escape(ROW_PREFIX + span.fact_id, quote=True)}" title="row in the table"></a>' if first else ""
    return f"<mark{attributes(span, first)}>{back}"


def highlighted(text: str, offset: int, spans: Sequence[Span]) -> str:
    """``text`` (which starts at code point ``offset`` of the article) as HTML with
    every span marked. Spans open longest first; one that ends while later-opened
    spans are still open closes them and reopens them as continuation pieces."""
    points = sorted({offset, offset + len(text), *(s.start for s in spans), *(s.end for s in spans)})
    starting = {p: sorted((s for s in spans if s.start == p), key=lambda s: (-s.end, s.fact_id)) for p in points}
    out: list[str] = []
    stack: list[Span] = []
    for i, point in enumerate(points):
        ending = [j for j, s in enumerate(stack) if s.end == point]
        if ending:
            reopen = [s for s in stack[ending[0]:] if s.end != point]
            out.append("</mark>" * (len(stack) - ending[0]))
            del stack[ending[0]:]
            out.extend(open_tag(s, first=False) for s in reopen)
            stack.extend(reopen)
        for span in starting[point]:
            if span.end > span.start:
                out.append(open_tag(span, first=True))
                stack.append(span)
        if i + 1 < len(points):
            out.append(html.escape(text[point - offset:points[i + 1] - offset], quote=False))
    out.append("</mark>" * len(stack))
    return "".join(out)


def article_html(document: Row, text: str, spans: Sequence[Span]) -> str:
    """One article: its heading and the body (widened to any fact outside it), marked."""
    start = min([document["body_start"], *(s.start for s in spans)])
    end = max([document["body_end"], *(s.end for s in spans)])
    while start < end and text[start] in "\r\n" and all(s.start > start for s in spans):
        start += 1  # HTML drops a line end right after <pre>
    doc_id = html.escape(document["document_id"], quote=True)
    counts = ", ".join(f"{n} {t}" for t, n in sorted(_count_tables(spans).items())) or "no facts"
    return (
        f'<section class="evidence-article" id="{DOCUMENT_PREFIX}{doc_id}">'
        f"<h3>{doc_id}: {html.escape(document['title'])}</h3>"
        f"<p>Characters {start} to {end} of the normalised text; {html.escape(counts)}.</p>"
        f'<pre class="evidence-text" data-document="{doc_id}" data-start="{start}">'
        f"{highlighted(text[start:end], start, spans)}</pre></section>"
    )


def _count_tables(spans: Sequence[Span]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in spans:
        counts[s.table] = counts.get(s.table, 0) + 1
    return counts


def evidence_view(documents: Sequence[Row], texts: Mapping[str, str], spans: Iterable[tuple[str, Span]]) -> str:
    """Every article in ``documents`` (rows with document_id, title, body_start,
    body_end), its text from ``texts``, with its spans marked."""
    by_document: dict[str, list[Span]] = {d["document_id"]: [] for d in documents}
    for document_id, span in spans:
        if document_id in by_document:
            by_document[document_id].append(span)
    parts = [article_html(d, texts[d["document_id"]], by_document[d["document_id"]]) for d in documents]
    return STYLE + "".join(parts)


def short(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1].rstrip() + "\u2026"


def fact_table_html(table: str, rows: Sequence[Row], cell_text: Callable[[Any], str],
                    extra: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A fact table: the id cell links to the mark, the row is the mark's target.
    ``extra`` adds columns ``{column: {fact_id: text}}`` after the id."""
    extra = extra or {}
    quote = quote_field(table)
    columns = [c for c in schema.field_names(table) if c not in HIDDEN_FIELDS]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["fact", *extra, *columns, quote or "quote"])
    body = []
    for row in rows:
        key = fact_id(table, row)
        fid = html.escape(key, quote=True)
        cells = [f'<a href="#{fid}">{fid}</a>', *(html.escape(values.get(key, "")) for values in extra.values())]
        cells += [html.escape(cell_text(row[c])) for c in columns]
        cells.append(html.escape(short(row[quote])) if quote else "")
        body.append(f'<tr id="{ROW_PREFIX}{fid}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if not body:
        return f"<p>No rows in <code>{html.escape(table)}</code>.</p>"
    return (f'<table class="facts" data-table="{html.escape(table)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def fact_tables_html(rows: Mapping[str, Sequence[Row]], cell_text: Callable[[Any], str],
                     extra: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None) -> str:
    """Every fact table of ``rows`` ({table: rows}) under its own heading, with the style."""
    extra = extra or {}
    parts = [f"<h3>{html.escape(table)}</h3>" + fact_table_html(table, table_rows, cell_text, extra.get(table))
             for table, table_rows in rows.items()]
    return STYLE + "".join(parts)
