"""Unit rules: Vietnamese numbers, dates without years, boilerplate, place names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bordercoop.lang import language
from bordercoop.stages.ingest import body_bounds, read_seed
from bordercoop.text.dates import body_year, find_dates, reference_years, resolve
from bordercoop.text.numbers import parse_count, parse_number
from bordercoop.text.places import find_names

VI = language("vi")


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.449,566", "1449.566"), ("1.080", "1080"), ("383,914", "383.914"), ("2.337,459", "2337.459"), ("12", "12"), ("139,6", "139.6")],
)
def test_vietnamese_numbers(text: str, value: str) -> None:
    assert parse_number(VI, text) == Decimal(value)


@pytest.mark.parametrize("text", ["1.5", "1,2,3", "abc", "1.44", ""])
def test_malformed_numbers_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(VI, text)


@pytest.mark.parametrize(("text", "value"), [("một", 1), ("ba", 3), ("mười hai", 12), ("49", 49), ("1.080", 1080), ("nhiều", None), ("1,5", None)])
def test_counts_in_digits_and_words(text: str, value: int | None) -> None:
    assert parse_count(VI, text) == value


def _dates(text: str):
    return find_dates(VI, text, VI.fold(text), 0, len(text))


@pytest.mark.parametrize(
    ("text", "first", "year", "start", "end", "precision"),
    [
        ("Chiều 9/12, tại Huế", "9/12", None, (12, 9), (12, 9), "day"),
        ("Ngày 28-8, tại Hà Nội", "28-8", None, (8, 28), (8, 28), "day"),
        ("từ ngày 14-15/4 vừa qua", "14-15/4", None, (4, 14), (4, 15), "day"),
        ("thăm Việt Nam từ ngày 26 đến 30-8.", "26 đến 30-8", None, (8, 26), (8, 30), "day"),
        ("từ ngày 20 đến ngày 22 tháng 6", "ngày 20 đến ngày 22 tháng 6", None, (6, 20), (6, 22), "day"),
        ("từ ngày 30/9 đến 2/10", "30/9 đến 2/10", None, (9, 30), (10, 2), "day"),
        ("ký ngày 10/10/2006", "10/10/2006", 2006, (10, 10), (10, 10), "day"),
        ("từ tháng 11/2024 đến nay", "tháng 11/2024", 2024, (11, 1), (11, 30), "month"),
        ("Từ tháng 7 năm 2021 đến nay", "tháng 7 năm 2021", 2021, (7, 1), (7, 31), "month"),
        ("trong Quý IV/2025", "Quý IV/2025", 2025, (10, 1), (12, 31), "month"),
        ("Hội đàm năm 2025", "năm 2025", 2025, (1, 1), (12, 31), "year"),
    ],
)
def test_date_expressions(text, first, year, start, end, precision) -> None:
    found = _dates(text)
    assert found, text
    d = found[0]
    assert d.text == first
    assert d.precision == precision
    assert d.year == year
    r = resolve(d, found, None) if year else resolve(d, found, _dates("năm 2025")[0])
    y = year or 2025
    assert r.start == dt.date(y, *start) and r.end == dt.date(y, *end)


def test_until_now_marks_open_periods() -> None:
    assert _dates("Từ tháng 7 năm 2021 đến nay, hai bên")[0].until_now
    assert not _dates("trong tháng 7 năm 2021, hai bên")[0].until_now


def test_ratio_and_counts_are_not_dates() -> None:
    assert _dates("được 9 lần/945 cán bộ") == []
    assert _dates("phòng, chống dịch Covid-19 ở khu vực") == []


def test_year_from_same_sentence_is_stated_else_inferred_from_body() -> None:
    sentence = "Chiều 9/12, tại Huế đã tổ chức Hội đàm thường niên năm 2025."
    ds = _dates(sentence)
    assert resolve(ds[0], ds, None).basis == "stated"
    assert resolve(ds[0], ds, None).start == dt.date(2025, 12, 9)
    body = "Ngày 28-8, hai bên hội đàm. Bí thư chúc mừng 79 năm Quốc khánh Việt Nam."
    ds = _dates(body)
    ref = body_year(reference_years(VI, VI.fold(body), ds))
    assert ref is not None and ref.year == 2024  # 1945 + 79
    r = resolve(ds[0], [ds[0]], ref)
    assert (r.start, r.basis, r.year_evidence) == (dt.date(2024, 8, 28), "inferred", "79 năm Quốc khánh")


def test_no_year_means_unknown() -> None:
    ds = _dates("Đại tướng sẽ thăm Việt Nam từ ngày 18 đến 19 tháng 6.")
    r = resolve(ds[0], ds, None)
    assert (r.start, r.end, r.precision, r.basis) == (None, None, "unknown", "")


def test_plans_do_not_lend_their_year() -> None:
    text = "Ngày 5/6, hai bên hội đàm, hướng tới mục tiêu đến năm 2030."
    assert body_year(reference_years(VI, VI.fold(text), _dates(text))) is None


@pytest.mark.parametrize("marker", ["Tin bài liên quan", "Các tin bài khác", "Đọc nhiều", "Tin mới", "Multimedia", "TIN LIÊN QUAN:"])
def test_boilerplate_cut(marker: str) -> None:
    text = f"Tiêu đề\nThân bài ngày 9/12.\nĐoạn hai.\n{marker}\nTin khác ngày 1/1/2026\n"
    title, start, end, found = body_bounds(text, VI)
    assert title == "Tiêu đề"
    assert text[start:end] == "Thân bài ngày 9/12.\nĐoạn hai."
    assert found.rstrip(":").lower() == marker.rstrip(":").lower()


def test_marker_words_inside_a_sentence_do_not_cut() -> None:
    text = "Tiêu đề\nHai bên trao đổi tin mới về tình hình biên giới.\n"
    assert body_bounds(text, VI)[2] == len(text.rstrip())


def _names(text: str) -> list[tuple[str, str]]:
    return [(n.key, n.surface) for n in find_names(VI, text, VI.fold(text), 0, len(text))]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("tỉnh Thanh Hoá", "vn-thanh-hoa"), ("tỉnh Thanh Hóa", "vn-thanh-hoa"), ("tỉnh Khánh Hoà", "vn-khanh-hoa"),
        ("Thừa Thiên - Huế", "vn-hue"), ("Thừa Thiên Huế", "vn-hue"), ("tỉnh Bà Rịa–Vũng Tàu", "vn-ba-ria-vung-tau"),
        ("tỉnh Xa-vẳn-na-khẹt", "la-savannakhet"), ("tỉnh Savannakhet", "la-savannakhet"), ("tỉnh Sê Kông", "la-sekong"),
        ("tỉnh Xê Kông", "la-sekong"), ("châu Hồng Hà", "cn-honghe"), ("tỉnh Vân Nam", "cn-yunnan"),
        ("khu tự trị dân tộc Choang - Quảng Tây", "cn-guangxi"), ("tỉnh Ratanakiri", "kh-ratanakiri"),
    ],
)
def test_place_name_variants(text: str, key: str) -> None:
    assert key in [k for k, _ in _names(text)]


def test_lao_cai_is_not_laos() -> None:
    assert _names("tỉnh Lào Cai giáp Lào") == [("vn-lao-cai", "Lào Cai"), ("LA", "Lào")]


@pytest.mark.parametrize("text", ["xây dựng biên giới hòa bình, hữu nghị", "Dự án Nhà máy Thủy điện Hòa Bình mở rộng"])
def test_words_and_other_places_are_not_provinces(text: str) -> None:
    assert [k for k, _ in _names(text) if k.startswith("vn-")] == []


def test_decoding_normalises_to_nfc() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Hòa Bình\r\n")
    reading = read_seed(nfd.encode("utf-8"), "x.txt")
    assert reading.text == "Hòa Bình\n" and reading.encoding == "utf-8"
    assert "Unicode NFC normalisation" in reading.changes and "CRLF/CR and Unicode line separators -> LF" in reading.changes


@pytest.mark.parametrize("text", ["tổ chức hội đàm từ 2-3 lần mỗi năm", "tuần tra (1-2) đợt", "đoạn dài từ 3-5 km"])
def test_ranges_of_counts_are_not_dates(text: str) -> None:
    assert _dates(text) == []


def test_person_mask_stops_at_lower_case_words() -> None:
    from bordercoop.text.places import person_spans

    text = "ông Kiều Hải Nam ở Lào Cai đã phát biểu"
    spans = person_spans(VI, text, VI.fold(text), 0, len(text))
    assert [text[a:b] for a, b in spans] == ["Kiều Hải Nam"]
    assert ("vn-lao-cai", "Lào Cai") in _names(text)


def test_a_word_for_destroying_is_not_a_cancellation() -> None:
    from bordercoop.facts.meetings import extract_meetings
    from bordercoop.stages.ingest import Document
    from bordercoop.text.article import read_article

    text = "Tiêu đề\nChiều 9/12/2025, tại Lào Cai, hai bên hội đàm với tỉnh Vân Nam về phối hợp tiêu hủy vật liệu nổ.\n"
    doc = Document("x", "x.txt", "0" * 64, "utf-8", "", text, "Tiêu đề", 8, len(text) - 1, "", "vi")
    rows, _ = extract_meetings(read_article(doc))
    assert [(r["status"], str(r["date_start"])) for r in rows] == [("held", "2025-12-09")]


@pytest.mark.parametrize(("text", "key"), [
    ("tỉnh Sa Ra Van", "la-salavan"), ("tỉnh Sa-ra-van", "la-salavan"), ("tỉnh Xa Van Na Khet", "la-savannakhet"),
    ("tỉnh U Đôm Xay", "la-oudomxay"), ("tỉnh Môn Đôn Ki Ri", "kh-mondulkiri"),
])
def test_foreign_names_written_syllable_by_syllable(text: str, key: str) -> None:
    assert [k for k, _ in _names(text)] == [key]


def test_a_foreign_province_named_as_a_city_is_the_city() -> None:
    assert _names("tại thành phố Luang Prabang (Lào)") == [("LA", "Lào")]
    assert [k for k, _ in _names("tỉnh Luang Prabang (Lào)")] == ["la-luang-prabang", "LA"]
    # a capital is its own city, and a Vietnamese municipality is the province
    assert [k for k, _ in _names("thành phố Viêng Chăn và thành phố Đà Nẵng")] == ["la-vientiane-capital", "vn-da-nang"]
