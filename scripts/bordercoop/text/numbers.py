"""Numbers and counts in a language's own forms, parsed with babel's locale data."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

from bordercoop.lang import Language


def number_source(lang: Language) -> str:
    """Regex source of a number as the language writes it (``[language.patterns] number``)."""
    return lang.source("language", "number")


def parse_number(lang: Language, text: str) -> Decimal:
    """A number in the language's style (Vietnamese "1.449,566" = 1449.566;
    English "1,449.566"). Raises ValueError otherwise."""
    cleaned = text.strip()
    if not re.fullmatch(number_source(lang), cleaned):
        raise ValueError(f"not a number in {lang.code} style: {text!r}")
    try:
        return parse_decimal(cleaned, locale=lang.locale, strict=True)
    except NumberFormatError as exc:  # pragma: no cover - regex already guards
        raise ValueError(f"not a number in {lang.code} style: {text!r}") from exc


def parse_count(lang: Language, text: str) -> int | None:
    """A count written in digits or in words (``[numbers] words``)."""
    t = lang.fold(text.strip())
    words: dict[str, int] = lang.section("numbers")["words"]
    if t in words:
        return words[t]
    try:
        value = parse_number(lang, t)
    except ValueError:
        return None
    return int(value) if value == value.to_integral_value() else None


def count_words_pattern(lang: Language) -> str:
    words = sorted(lang.section("numbers")["words"], key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


# Minus signs (hyphen-minus and U+2212) a figure may be written with.
MINUS_SIGNS = "-\u2212"


def sign_before(text: str, start: int) -> int:
    """-1 when a minus sign stands right before the figure at ``start`` and is not
    a dash between words or numbers ("long -1 km", not "3-5 km" or "Laos-1"), else 1."""
    if start >= 1 and text[start - 1] in MINUS_SIGNS and (start == 1 or not text[start - 2].isalnum()):
        return -1
    return 1
