"""The language boundary: no module outside ``bordercoop/lang/`` holds a word of a language.

Everything Vietnamese lives in ``scripts/bordercoop/lang/vi/*.toml``; code,
comments and docstrings elsewhere under ``scripts/`` use English examples or name
the TOML key that holds the words. The scan flags letters that only Vietnamese
writes. It also flags the plain accented vowels (e.g. e-acute, a-grave) although
French or Spanish would use them too: no text in ``scripts/`` needs them, and a
Vietnamese example often has no other marked letter.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bordercoop.lang import available, language
from bordercoop.paths import LANGUAGES

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _vietnamese_letters() -> frozenset[str]:
    """Letters specific to Vietnamese, built from escapes so this file holds none."""
    vowels = "aeiouy"
    # grave, acute, hook above, tilde, dot below: the five tone marks
    tones = "\u0300\u0301\u0309\u0303\u0323"
    # breve, circumflex and horn vowels, and d with stroke
    modified = ["a\u0306", "a\u0302", "e\u0302", "o\u0302", "o\u031b", "u\u031b", "\u0111"]
    letters = {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones}
    letters |= {unicodedata.normalize("NFC", m) for m in modified}
    letters |= {chr(c) for c in range(0x1EA0, 0x1EF9 + 1)}  # Latin Extended Additional: the tone-marked letters
    letters |= {c.upper() for c in letters}
    assert all(len(c) == 1 for c in letters)
    return frozenset(letters)


VIETNAMESE = _vietnamese_letters()


def _scanned_files() -> list[Path]:
    lang = LANGUAGES.resolve()
    return sorted(p for p in SCRIPTS.rglob("*.py") if not p.resolve().is_relative_to(lang))


def test_no_vietnamese_outside_lang() -> None:
    files = _scanned_files()
    assert files, f"no Python files found under {SCRIPTS}"
    offences = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            # NFC first, so that a letter written as base + combining mark is caught too
            found = VIETNAMESE.intersection(unicodedata.normalize("NFC", line))
            if found:
                letters = "".join(sorted(found))
                offences.append(f"{path.relative_to(SCRIPTS.parent)}:{number}: [{letters}] {line.strip()}")
    if offences:
        pytest.fail(
            "Vietnamese letters outside scripts/bordercoop/lang/ (move the words to lang/vi/*.toml, "
            "or write the example in English):\n" + "\n".join(offences),
            pytrace=False,
        )


def test_languages_load() -> None:
    folders = [p for p in LANGUAGES.iterdir() if p.is_dir() and (p / "language.toml").is_file()]
    assert folders, f"no language folders in {LANGUAGES}"
    assert "vi" in available()
    vi = language("vi")
    assert vi.code == "vi"
    assert vi.locale
