"""Stage 1, ingest: seed files -> normalised article texts with title and body bounds.

Offsets everywhere in the package are code-point offsets into the text this stage
returns (decoded, BOM removed, line ends as "\\n", NFC). ``read_seed_text`` is the
one function that produces that text; tests and validation use it too.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bordercoop.lang import Language, detect, language
from bordercoop.stages.sources import load_sources

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
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (path, what was normalised)
    unsourced: list[str] = field(default_factory=list)  # paths without a sources.csv row


# C0/C1 control characters other than tab and line ends: a sign of binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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


def decode_seed(raw: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode seed bytes. Returns (text, encoding, list of normalisations)."""
    changes: list[str] = []
    utf16 = _looks_like_utf16(raw)
    if utf16:
        try:
            text = raw.decode(utf16)
        except UnicodeDecodeError as exc:
            raise SeedError(f"{name}: looks like UTF-16 but does not decode ({exc.reason} at byte {exc.start})") from exc
        encoding = "utf-16"
        text = text.removeprefix("\ufeff")
        changes.append("decoded from UTF-16")
    elif b"\x00" in raw:
        raise SeedError(f"{name}: binary file (NUL bytes), not an article")
    elif raw.startswith(codecs.BOM_UTF8):
        text = raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
        encoding = "utf-8-sig"
        changes.append("UTF-8 byte-order mark removed")
    else:
        try:
            text = raw.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as utf8_error:
            try:
                text = raw.decode("cp1258")
            except UnicodeDecodeError as exc:
                raise SeedError(
                    f"{name}: neither UTF-8 (bad byte at {utf8_error.start}) nor Windows-1258"
                ) from exc
            encoding = "cp1258"
            changes.append("decoded from Windows-1258")
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 200):
        raise SeedError(f"{name}: {controls} control characters; binary or wrongly encoded, not an article")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        changes.append("CRLF/CR line ends -> LF")
    nfc_text = unicodedata.normalize("NFC", text)
    if nfc_text != text:
        changes.append("Unicode NFC normalisation")
    return nfc_text, encoding, changes


def read_seed_text(path: Path) -> str:
    """The normalised text of a seed: what every offset in the package points into."""
    return decode_seed(path.read_bytes(), path.name)[0]


@cache
def _marker_regex(lang: Language) -> re.Pattern[str]:
    markers = [lang.fold(m) for m in lang.words("boilerplate", "markers")]
    alternation = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    return re.compile(rf"^[ \t#*]*(?:{alternation})[ \t:]*$", re.MULTILINE)


def body_bounds(text: str, lang: Language) -> tuple[str, int, int, str]:
    """(title, body_start, body_end, marker): the title is the first non-empty line;
    the body runs from the next line to the first boilerplate marker line
    (``[boilerplate] markers`` of the article's language)."""
    lines = text.split("\n")
    offset = 0
    title = ""
    body_start = len(text)
    for line in lines:
        if line.strip():
            title = line.strip()
            body_start = min(len(text), offset + len(line) + 1)
            break
        offset += len(line) + 1
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


def ingest(seed_dir: Path, package_root: Path | None = None) -> IngestResult:
    """Read every ``*.txt`` in ``seed_dir`` in name order. Unreadable, empty, and
    duplicate files are skipped with a reason naming the file; nothing raises for
    one bad file. With ``package_root``, paths are recorded relative to it."""
    result = IngestResult()
    seen: dict[str, str] = {}
    paths = sorted(seed_dir.glob("*.txt"), key=lambda p: p.name)
    for path in paths:
        shown = Path(os.path.relpath(path.resolve(), package_root.resolve())).as_posix() if package_root else str(path)
        raw = path.read_bytes()
        if not raw.strip():
            result.skipped.append((shown, "empty file"))
            continue
        try:
            text, encoding, changes = decode_seed(raw, shown)
        except (SeedError, UnicodeDecodeError) as exc:
            result.skipped.append((shown, str(exc)))
            continue
        if not text.strip():
            result.skipped.append((shown, "no text after decoding"))
            continue
        text_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if text_hash in seen:
            result.skipped.append((shown, f"duplicate of {seen[text_hash]} (same text)"))
            continue
        seen[text_hash] = shown
        if changes:
            result.notices.append((shown, "; ".join(changes)))
        code = detect(text)
        title, body_start, body_end, marker = body_bounds(text, language(code))
        result.documents.append(
            Document(
                document_id=path.stem,
                path=package_path(path, package_root),
                sha256=hashlib.sha256(raw).hexdigest(),
                source_encoding=encoding,
                normalised="; ".join(changes),
                text=text,
                title=title,
                body_start=body_start,
                body_end=body_end,
                boilerplate_marker=marker,
                language=code,
            )
        )
    _attach_sources(result, seed_dir, {p.name for p in paths})
    return result


def _attach_sources(result: IngestResult, seed_dir: Path, names: set[str]) -> None:
    """URL, publisher and publication date from ``sources.csv``; articles without
    a row are listed in ``unsourced`` (the extraction report shows them)."""
    sources = load_sources(seed_dir, names)
    docs = []
    for d in result.documents:
        src = sources.get(Path(d.path).name)
        if src is None:
            result.unsourced.append(d.path)
            docs.append(d)
        else:
            docs.append(dataclasses.replace(d, url=src.url, publisher=src.publisher, published=src.published))
    result.documents = docs
