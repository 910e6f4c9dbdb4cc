"""Stage 1, ingest: seed files -> normalised article texts with title and body bounds.

Offsets everywhere in the package are code-point offsets into the text this stage
returns (decoded, BOM removed, a saved web page reduced to its main text, line
ends and Unicode line separators as "\\n", control characters removed, NFC).
``read_seed`` is the one function that produces that text; ``read_seed_text``,
tests and validation use it too.

Which files are read (``reference/seeds.toml``): ``.txt`` articles and saved web
pages (``.html``, ``.htm``), suffixes in any case, each to at most ``max_bytes``.
Every other file and every folder is listed as ignored; a symbolic link leading
out of the seeds folder, a FIFO, a device or a socket is refused without being
opened. A file's document id is its stem when the stem is a valid id (the
``documents`` schema's pattern), else a slug of it (``Lao Cai news.txt`` ->
``lao-cai-news``); two files with one id stop the build before anything is read.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from slugify import slugify

from bordercoop.lang import Language, detect, language
from bordercoop.paths import REFERENCE, SCHEMAS
from bordercoop.stages.sources import SOURCES_FILE, Source, load_sources
from bordercoop.text.sentences import sentences

SEEDS_RULES = REFERENCE / "seeds.toml"

# Where a package keeps copies of articles that lie outside its folder (an
# ``--out`` build of another seeds folder): Data Package v2 paths must stay inside
# the package, and the evidence offsets must stay checkable from the package alone.
ARTICLE_COPIES = "data/articles"


def package_path(path: Path, package_root: Path | None) -> str:
    """The path a document is recorded under: relative to the package folder when
    the article lies inside it, else its copy under ``ARTICLE_COPIES``."""
    if package_root is None:
        return str(path)
    relative = Path(os.path.relpath(path.resolve(), package_root.resolve())).as_posix()
    if relative == ".." or relative.startswith("../") or Path(relative).is_absolute():
        return f"{ARTICLE_COPIES}/{path.name}"
    return relative


class SeedError(ValueError):
    """A seed that cannot be read as an article; the message names the file."""


class IngestError(ValueError):
    """The seeds folder cannot be read as a whole (two files would get one id, or
    one text is curated under two ids); the message names the files. Nothing is built."""


@dataclass(frozen=True)
class Document:
    document_id: str
    path: str
    sha256: str
    source_encoding: str
    normalised: str
    text: str
    title: str
    body_start: int
    body_end: int
    boilerplate_marker: str
    language: str  # code of the lang/ folder the rules read this article with
    url: str = ""
    publisher: str = ""
    published: dt.date | None = None  # from sources.csv; undated days take their year from it

    @property
    def body(self) -> str:
        return self.text[self.body_start:self.body_end]


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): an article not read
    notices: list[tuple[str, str]] = field(default_factory=list)  # (path, what was normalised)
    unsourced: list[str] = field(default_factory=list)  # paths without a sources.csv row
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (path, why): not an article


@dataclass(frozen=True)
class SeedRules:
    text_suffixes: tuple[str, ...]
    page_suffixes: tuple[str, ...]
    max_bytes: int

    def is_article(self, name: str) -> bool:
        return Path(name).suffix.lower() in (*self.text_suffixes, *self.page_suffixes)

    def is_page(self, name: str) -> bool:
        return Path(name).suffix.lower() in self.page_suffixes


@cache
def seed_rules() -> SeedRules:
    """``reference/seeds.toml``: which files are articles, and the size limit."""
    with open(SEEDS_RULES, "rb") as fh:
        raw = tomllib.load(fh)
    return SeedRules(tuple(raw["text_suffixes"]), tuple(raw["page_suffixes"]), int(raw["max_bytes"]))


# ------------------------------------------------------------------ document ids


@cache
def _id_pattern() -> re.Pattern[str]:
    """The ``documents`` schema's pattern for document_id (a whole-value match)."""
    with open(SCHEMAS / "documents.schema.json", encoding="utf-8") as fh:
        schema = json.load(fh)
    (id_field,) = [f for f in schema["fields"] if f["name"] == "document_id"]
    return re.compile(id_field["constraints"]["pattern"])


def document_id_for(name: str) -> str:
    """The document id of seed file ``name``: its stem when that is a valid id,
    else a slug (accents stripped, lower case, other characters -> "-"). Raises
    SeedError when the name gives no id at all."""
    stem = Path(name).stem
    if _id_pattern().fullmatch(stem):
        return stem
    slug = slugify(stem, regex_pattern=r"[^-a-z0-9_.]+").lstrip("_.-")
    if not _id_pattern().fullmatch(slug):
        raise SeedError(f"{name}: no document id can be made from this file name; rename it with letters or digits")
    return slug


# ------------------------------------------------------------------ bytes -> text


# Line breaks other than LF that editors and web pages write: CR (alone or before
# LF), vertical tab, form feed, NEL, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR.
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0/C1 control characters other than tab and LF (NUL, ESC, DEL...): removed; many
# of them are a sign of binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# A web page saved under a text name: it opens like one, or is full of closing tags.
_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"</(?:p|div|span|a|li|td|h[1-6]|script|style)>", re.IGNORECASE)
HTML_TAGS_MIN = 5
# htmldate (through trafilatura): only the page's own metadata and markup, and no
# bound from today's date, so that the same page gives the same date every year.
_PAGE_DATE_PARAMS = {"original_date": True, "extensive_search": False, "max_date": "2099-12-31"}


@dataclass(frozen=True)
class Reading:
    """A seed's normalised text, what was done to get it, and a web page's metadata."""

    text: str
    encoding: str
    changes: tuple[str, ...]
    page: Source | None = None  # url, site name and date a saved web page states


def _looks_like_utf16(raw: bytes) -> str | None:
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(raw) >= 4 and len(raw) % 2 == 0:
        even, odd = raw[0::2], raw[1::2]
        if odd.count(0) > 0.3 * len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) > 0.3 * len(even) and odd.count(0) == 0:
            return "utf-16-be"
    return None


def _decode(raw: bytes, name: str) -> tuple[str, str, list[str]]:
    """Seed bytes -> (text, encoding, changes): UTF-16 (with or without BOM),
    UTF-8 (with or without BOM), else Windows-1258. NUL bytes outside UTF-16 mean
    a binary file."""
    utf16 = _looks_like_utf16(raw)
    if utf16:
        try:
            text = raw.decode(utf16)
        except UnicodeDecodeError as exc:
            raise SeedError(f"{name}: looks like UTF-16 but does not decode ({exc.reason} at byte {exc.start})") from exc
        return text.removeprefix("\ufeff"), "utf-16", ["decoded from UTF-16"]
    if b"\x00" in raw:
        raise SeedError(f"{name}: binary file (NUL bytes), not an article")
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig", ["UTF-8 byte-order mark removed"]
        except UnicodeDecodeError as exc:
            raise SeedError(f"{name}: starts with a UTF-8 byte-order mark but is not UTF-8 (bad byte at {exc.start})") from exc
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("cp1258"), "cp1258", ["decoded from Windows-1258"]
        except UnicodeDecodeError as exc:
            raise SeedError(f"{name}: neither UTF-8 (bad byte at {utf8_error.start}) nor Windows-1258") from exc


def _normalise(text: str, name: str) -> tuple[str, list[str]]:
    """Line breaks -> LF, control characters removed, NFC."""
    changes = []
    text, breaks = _LINE_BREAK.subn("\n", text)
    if breaks:
        changes.append("CRLF/CR and Unicode line separators -> LF")
    controls = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text)})
    if controls:
        count = len(_CONTROL.findall(text))
        if count > max(2, len(text) // 200):
            raise SeedError(f"{name}: {count} control characters; binary or wrongly encoded, not an article")
        text = _CONTROL.sub("", text)
        changes.append(f"{count} control character(s) removed ({', '.join(controls)})")
    nfc_text = unicodedata.normalize("NFC", text)
    if nfc_text != text:
        changes.append("Unicode NFC normalisation")
    return nfc_text, changes


def looks_like_html(text: str) -> bool:
    """Whether a text file holds a web page (a page saved as .txt)."""
    return bool(_HTML_START.match(text)) or len(_HTML_TAG.findall(text, 0, 200_000)) >= HTML_TAGS_MIN


def _page_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_web_page(html: str, name: str) -> tuple[str, Source]:
    """A saved web page -> (article text: title line, then the main text; the
    page's url, site name and publication date), read with trafilatura."""
    import trafilatura  # imported only when a page is read: a second to load

    try:
        page = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True,
                                           date_extraction_params=dict(_PAGE_DATE_PARAMS))
    except Exception as exc:  # the parser's failure on one page must name the page
        raise SeedError(f"{name}: web page could not be parsed ({type(exc).__name__}: {exc})") from exc
    main = (getattr(page, "text", None) or "").strip()
    if not main:
        raise SeedError(f"{name}: web page without article text (trafilatura found no main text)")
    first, _, rest = main.partition("\n")
    title = " ".join((page.title or "").split())
    if not title or " ".join(first.split()) == title:  # the headline often opens the main text too
        title, main = " ".join(first.split()), rest.strip()
    if not main:
        raise SeedError(f"{name}: web page without article text (trafilatura found no main text below the title {title!r})")
    return f"{title}\n{main}\n", Source(page.url or "", page.sitename or "", _page_date(page.date))


def read_seed(raw: bytes, name: str) -> Reading:
    """The one reading of a seed's bytes: decoded; a web page (by suffix, or a
    text file that holds HTML) reduced to its title and main text; normalised.
    Every offset in the package points into ``Reading.text``."""
    text, encoding, changes = _decode(raw, name)
    page = None
    as_page = seed_rules().is_page(name)
    if not as_page and looks_like_html(text):
        as_page = True
        changes.append("HTML in a text file: read as a web page")
    if as_page:
        text, page = read_web_page(text, name)
        changes.append("main text of the web page (trafilatura)")
    text, more = _normalise(text, name)
    return Reading(text, encoding, (*changes, *more), page)


def read_seed_text(path: Path) -> str:
    """The normalised text of a seed: what every offset in the package points into."""
    return read_seed(path.read_bytes(), path.name).text


# ------------------------------------------------------------------ title and body


@cache
def _marker_regex(lang: Language) -> re.Pattern[str]:
    markers = [lang.fold(m) for m in lang.words("boilerplate", "markers")]
    alternation = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    return re.compile(rf"^[ \t#*]*(?:{alternation})[ \t:]*$", re.MULTILINE)


def _single_line(text: str) -> bool:
    """An article written on one line (no line break between words)."""
    return "\n" not in text.strip()


def _title_span(text: str, lang: Language) -> tuple[int, int, int]:
    """(title start, title end, body start). The title is the first non-empty line;
    in an article of a single line it is the first sentence, the rest the body."""
    start = len(text) - len(text.lstrip())
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    if not _single_line(text):
        return start, line_end, min(len(text), line_end + 1)
    spans = sentences(lang, text, start, line_end)
    if not spans:
        return start, start, len(text)
    return spans[0].start, spans[0].end, spans[1].start if len(spans) > 1 else line_end


def body_bounds(text: str, lang: Language) -> tuple[str, int, int, str]:
    """(title, body_start, body_end, marker): the title is the first non-empty line
    (the first sentence of a one-line article); the body runs from the next line to
    the first boilerplate marker line (``[boilerplate] markers`` of the article's
    language)."""
    title_start, title_end, body_start = _title_span(text, lang)
    title = text[title_start:title_end].strip()
    match = _marker_regex(lang).search(lang.fold(text), body_start)
    if match:
        body_end = match.start()
        marker = text[match.start():match.end()].strip()
    else:
        body_end = len(text)
        marker = ""
    while body_end > body_start and text[body_end - 1].isspace():
        body_end -= 1
    return title, body_start, max(body_start, body_end), marker


# ------------------------------------------------------------------ the folder


@dataclass(frozen=True)
class _Seed:
    name: str
    path: Path  # the entry in the seeds folder (a link is not resolved)
    shown: str  # in messages: relative to the package folder when one is given
    recorded: str  # documents.path (``package_path``)
    document_id: str


@dataclass(frozen=True)
class _Read:
    seed: _Seed
    raw: bytes
    reading: Reading

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.reading.text.encode("utf-8")).hexdigest()


_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")


def _entry_problem(path: Path, root: Path, rules: SeedRules) -> tuple[str, str] | None:
    """Why a seeds folder entry is not read, as ("ignored" | "skipped", reason);
    None for an article to read. Only looks at the entry, never opens it."""
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return "skipped", f"symbolic link to {path.resolve()}, outside the seeds folder: not read"
    try:
        st = path.stat()
    except OSError as exc:
        return "skipped", f"cannot be read: {exc.strerror}"
    if stat.S_ISDIR(st.st_mode):
        return "ignored", "a folder: articles in subfolders are not read"
    if not rules.is_article(path.name):
        return "ignored", f"not an article: only {', '.join((*rules.text_suffixes, *rules.page_suffixes))} files are read"
    if not stat.S_ISREG(st.st_mode):
        return "skipped", f"{_kind(st.st_mode)}, not a regular file: not read"
    if st.st_size > rules.max_bytes:
        return "skipped", _too_big(st.st_size, rules)
    return None


def _too_big(size: int, rules: SeedRules) -> str:
    return f"{size:,} bytes, over the limit of {rules.max_bytes:,} bytes per article (max_bytes in {SEEDS_RULES.name})"


def read_seed_bytes(path: Path, rules: SeedRules) -> bytes:
    """The bytes of a regular file, at most ``max_bytes``. Opened without blocking
    and without following a last link, then checked again: a file swapped for a
    FIFO or a device after ``_entry_problem`` is still refused, never waited on."""
    fd = os.open(path.resolve(), os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise SeedError(f"{path.name}: {_kind(mode)}, not a regular file: not read")
        raw = fh.read(rules.max_bytes + 1)
    if len(raw) > rules.max_bytes:
        raise SeedError(f"{path.name}: {_too_big(len(raw), rules)}")
    return raw


def _shown(seed_dir: Path, name: str, package_root: Path | None) -> str:
    if package_root is None:
        return str(seed_dir / name)
    return Path(os.path.relpath(seed_dir.resolve() / name, package_root.resolve())).as_posix()


def _one_id_each(seeds: list[_Seed]) -> None:
    """Two files with one document id (``a.txt`` and ``a.TXT``, ``bai bao.txt`` and
    ``bai-bao.txt``) would merge their facts: refused before anything is read."""
    by_id: dict[str, list[str]] = {}
    for s in seeds:
        by_id.setdefault(s.document_id, []).append(s.shown)
    clashes = [f"{', '.join(shown)} -> {doc_id}" for doc_id, shown in by_id.items() if len(shown) > 1]
    if clashes:
        raise IngestError("these files would have the same document id; rename one of each:\n  " + "\n  ".join(clashes))


def _discover(seed_dir: Path, package_root: Path | None, rules: SeedRules, result: IngestResult) -> list[_Seed]:
    """The articles of ``seed_dir`` in name order; the rest goes to ``result``."""
    root = seed_dir.resolve()
    seeds = []
    for name in sorted(os.listdir(seed_dir)):
        if name == SOURCES_FILE:
            continue
        shown = _shown(seed_dir, name, package_root)
        problem = _entry_problem(seed_dir / name, root, rules)
        if problem is not None:
            (result.ignored if problem[0] == "ignored" else result.skipped).append((shown, problem[1]))
            continue
        try:
            recorded = package_path(seed_dir.resolve() / name, package_root)
            seeds.append(_Seed(name, seed_dir / name, shown, recorded, document_id_for(name)))
        except SeedError as exc:
            result.skipped.append((shown, str(exc)))
    _one_id_each(seeds)
    return seeds


def _read_all(seeds: list[_Seed], rules: SeedRules, result: IngestResult) -> list[_Read]:
    """Every seed's bytes and normalised text; unreadable ones go to ``result.skipped``."""
    read = []
    for s in seeds:
        try:
            raw = read_seed_bytes(s.path, rules)
            if not raw.strip():
                raise SeedError("empty file")
            reading = read_seed(raw, s.shown)
        except SeedError as exc:
            result.skipped.append((s.shown, str(exc).removeprefix(f"{s.shown}: ").removeprefix(f"{s.name}: ")))
            continue
        except OSError as exc:
            result.skipped.append((s.shown, f"cannot be read: {exc.strerror}"))
            continue
        if not reading.text.strip():
            result.skipped.append((s.shown, "no text after decoding"))
            continue
        read.append(_Read(s, raw, reading))
    return read


def _keep_reason(r: _Read, prefer: Collection[str], sourced: Collection[str]) -> str:
    if r.seed.document_id in prefer:
        return "the curation file refers to its id"
    if r.seed.name in sourced:
        return f"{SOURCES_FILE} lists it"
    return "its name sorts first"


def _without_duplicates(read: list[_Read], prefer: Collection[str], sourced: Collection[str],
                        result: IngestResult) -> list[_Read]:
    """One document per text. Of files with the same text the one kept is the one
    the curation file refers to (its curated facts must not vanish), else the one
    ``sources.csv`` lists, else the first by name; the others are skipped, naming
    the file kept. Two curated ids with one text is an IngestError."""
    groups: dict[str, list[_Read]] = {}
    for r in read:
        groups.setdefault(r.text_hash, []).append(r)
    kept = set()
    for group in groups.values():
        curated = [r.seed.shown for r in group if r.seed.document_id in prefer]
        if len(curated) > 1:
            raise IngestError(f"{' and '.join(curated)} hold the same text and the curation file refers to each id; "
                              "remove one file and move its curation rows to the other")
        keep = min(group, key=lambda r: (r.seed.document_id not in prefer, r.seed.name not in sourced, r.seed.name))
        kept.add(id(keep))
        for r in group:
            if r is not keep:
                result.skipped.append((r.seed.shown, f"duplicate of {keep.seed.shown} (same text), which is kept: "
                                                     f"{_keep_reason(keep, prefer, sourced)}"))
    return [r for r in read if id(r) in kept]


def _document(r: _Read, source: Source | None) -> Document:
    text = r.reading.text
    code = detect(text)
    title, body_start, body_end, marker = body_bounds(text, language(code))
    changes = list(r.reading.changes)
    if _single_line(text):
        changes.append("one line: its first sentence read as the title")
    page = r.reading.page or Source("", "", None)
    source = source or Source("", "", None)
    return Document(
        document_id=r.seed.document_id,
        path=r.seed.recorded,
        sha256=hashlib.sha256(r.raw).hexdigest(),
        source_encoding=r.reading.encoding,
        normalised="; ".join(changes),
        text=text,
        title=title,
        body_start=body_start,
        body_end=body_end,
        boilerplate_marker=marker,
        language=code,
        url=source.url or page.url,
        publisher=source.publisher or page.publisher,
        published=source.published or page.published,
    )


def ingest(seed_dir: Path, package_root: Path | None = None, prefer: Collection[str] = (),
           rules: SeedRules | None = None) -> IngestResult:
    """Read every article of ``seed_dir`` (``reference/seeds.toml``) in name order.
    Unreadable, empty, refused and duplicate files are skipped with a reason naming
    the file, other entries listed as ignored; nothing raises for one bad file.
    ``prefer``: document ids to keep when files repeat one text (those the curation
    file refers to). With ``package_root``, paths are recorded relative to it.
    ``rules`` replaces ``reference/seeds.toml`` (the long-article benchmark lifts
    the size limit). Raises IngestError (two files, one id) and SourcesError."""
    rules = rules or seed_rules()
    result = IngestResult()
    seeds = _discover(seed_dir, package_root, rules, result)
    sources = load_sources(seed_dir, {s.name for s in seeds} | {Path(shown).name for shown, _ in result.skipped})
    read = _without_duplicates(_read_all(seeds, rules, result), prefer, sources, result)
    for r in read:
        doc = _document(r, sources.get(r.seed.name))
        result.documents.append(doc)
        if doc.normalised:
            result.notices.append((r.seed.shown, doc.normalised))
        if r.seed.name not in sources and not doc.url:
            result.unsourced.append(doc.path)
    return result
