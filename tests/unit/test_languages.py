"""Languages as data: detection, English numbers and dates, the publication-date
year, and the lists defined once (countries, fact tables)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bordercoop.facts import FACT_TABLES, REGISTRY
from bordercoop.lang import available, detect, language
from bordercoop.schema import BASE_SORT_KEYS, DERIVED_TABLES, TABLES, countries, country_enum_problems, field_names
from bordercoop.text.dates import find_dates, resolve
from bordercoop.text.numbers import parse_number

EN = language("en")
VI = language("vi")


def test_every_language_folder_loads_and_is_detected() -> None:
    assert {"vi", "en"} <= set(available())
    assert detect("The two sides held talks on the border with officers of both provinces.") == "en"
    assert detect("Hai bên đã tổ chức hội đàm về công tác biên giới.") == "vi"


@pytest.mark.parametrize(("text", "value"), [("1,449.566", "1449.566"), ("1,140", "1140"), ("383.9", "383.9"), ("49", "49")])
def test_english_numbers(text: str, value: str) -> None:
    assert parse_number(EN, text) == Decimal(value)


def _dates(text: str):
    return find_dates(EN, text, EN.fold(text), 0, len(text))


@pytest.mark.parametrize(("text", "bounds", "precision"), [
    ("The talks took place on December 7, 2023 in Hanoi.", ("2023-12-07", "2023-12-07"), "day"),
    ("It was held on July 10-11, 2024.", ("2024-07-10", "2024-07-11"), "day"),
    ("They met from September 30 to October 2, 2024.", ("2024-09-30", "2024-10-02"), "day"),
    ("Results in the fourth quarter of 2023 were reviewed.", ("2023-10-01", "2023-12-31"), "month"),
    ("A review was held in November 2024.", ("2024-11-01", "2024-11-30"), "month"),
])
def test_english_dates(text: str, bounds: tuple[str, str], precision: str) -> None:
    (d,) = _dates(text)
    r = resolve(d, [d], None)
    assert (r.start.isoformat(), r.end.isoformat(), r.precision) == (*bounds, precision)


def test_year_from_publication_is_the_latest_such_day_on_or_before_it() -> None:
    (d,) = _dates("The talks were held on January 29.")
    r = resolve(d, [d], None, published=dt.date(2026, 1, 30))
    assert (r.start, r.basis, r.year_evidence) == (dt.date(2026, 1, 29), "inferred", "published 2026-01-30")
    (d,) = _dates("The talks were held on December 28.")
    assert resolve(d, [d], None, published=dt.date(2025, 1, 6)).start == dt.date(2024, 12, 28)
    # a plan is the earliest such day on or after publication
    assert resolve(d, [d], None, published=dt.date(2025, 1, 6), after=True).start == dt.date(2025, 12, 28)


def test_document_dates_lend_no_year() -> None:
    from bordercoop.text.dates import reference_years

    text = "Thỏa thuận ký ngày 16/10/2018 giữa hai bên."
    assert reference_years(VI, VI.fold(text), find_dates(VI, text, VI.fold(text), 0, len(text))) == []


def test_country_list_is_defined_once() -> None:
    assert countries()[0] == "VN"
    assert country_enum_problems() == []


def test_fact_tables_come_from_the_registry_and_have_schemas() -> None:
    assert FACT_TABLES == tuple(t for f in REGISTRY for t in f.tables)
    assert TABLES == (*BASE_SORT_KEYS, *FACT_TABLES, *DERIVED_TABLES)
    for table in TABLES:
        assert field_names(table)
    assert set(field_names("documents")) >= {"language", "url", "publisher", "published"}


@pytest.mark.parametrize(("text", "published", "after", "day"), [
    ("The two sides signed the minutes on Monday.", dt.date(2025, 5, 26), False, dt.date(2025, 5, 26)),  # a Monday
    ("They held talks on Thursday.", dt.date(2025, 12, 27), False, dt.date(2025, 12, 25)),
    ("They will meet again on Friday.", dt.date(2025, 12, 27), True, dt.date(2026, 1, 2)),
])
def test_weekdays_are_counted_from_the_publication_date(text: str, published: dt.date, after: bool, day: dt.date) -> None:
    (d,) = _dates(text)
    r = resolve(d, [d], None, published, after)
    assert (r.start, r.end, r.precision, r.basis, r.year_evidence) == (day, day, "day", "inferred", f"published {published.isoformat()}")


def test_a_weekday_without_a_publication_date_is_unknown() -> None:
    (d,) = _dates("They held talks on Thursday.")
    assert resolve(d, [d], None).precision == "unknown"


def test_a_weekday_before_a_date_is_part_of_that_date() -> None:
    (d,) = _dates("They held talks on Thursday, December 25, 2025.")
    assert d.weekday is None and resolve(d, [d], None).start == dt.date(2025, 12, 25)


@pytest.mark.parametrize(("lang", "text", "bounds"), [
    (EN, "Since their talks in June last year, the two sides have met often.", ("2016-06-01", "2016-06-30")),
    (EN, "The next round is due in March next year.", ("2018-03-01", "2018-03-31")),
    (VI, "Kể từ cuộc hội đàm tháng 6 năm ngoái, hai bên thường xuyên trao đổi.", ("2016-06-01", "2016-06-30")),
])
def test_relative_years_are_counted_from_the_publication_year(lang, text: str, bounds: tuple[str, str]) -> None:
    (d,) = find_dates(lang, text, lang.fold(text), 0, len(text))
    r = resolve(d, [d], None, dt.date(2017, 7, 12))
    assert (r.start.isoformat(), r.end.isoformat(), r.basis) == (*bounds, "inferred")


@pytest.mark.parametrize(("lang", "text", "after", "bounds"), [
    (EN, "They held online talks last week.", False, ("2023-02-13", "2023-02-19")),
    (VI, "Tuần trước, hai bên đã tổ chức buổi làm việc.", False, ("2023-02-13", "2023-02-19")),
    (EN, "Early this month, the two posts held a twinning ceremony.", False, ("2023-02-01", "2023-02-28")),
    (EN, "They agreed to hold talks in the second quarter.", True, ("2023-04-01", "2023-06-30")),
    (VI, "Dự kiến trong quý II năm nay, hai bên sẽ hội đàm.", True, ("2023-04-01", "2023-06-30")),
    (VI, "Hội nghị dự kiến tổ chức vào tháng 9 vừa qua đã phải hoãn lại.", True, ("2022-09-01", "2022-09-30")),
])
def test_weeks_months_and_quarters_relative_to_the_publication_date(lang, text: str, after: bool, bounds: tuple[str, str]) -> None:
    (d,) = find_dates(lang, text, lang.fold(text), 0, len(text))
    r = resolve(d, [d], None, dt.date(2023, 2, 22), after)
    assert (r.start.isoformat(), r.end.isoformat(), r.basis) == (*bounds, "inferred")


@pytest.mark.parametrize(("lang", "text", "bounds"), [
    (EN, "The two sides held an online meeting yesterday.", ("2023-02-21", "2023-02-21")),
    (VI, "Hôm qua, đồn biên phòng đã hội đàm với đại đội bạn.", ("2023-02-21", "2023-02-21")),
    (VI, "Sáng nay, hai bên hội đàm trực tuyến.", ("2023-02-22", "2023-02-22")),
    (EN, "On the 12th, the two commands held talks.", ("2023-02-12", "2023-02-12")),
    (EN, "On the 25th, the two commands held talks.", ("2023-01-25", "2023-01-25")),
    (EN, "The border guards held talks Friday morning.", ("2023-02-17", "2023-02-17")),
    (VI, "Ngày 10 tháng Mười, hai bên đã hội đàm.", ("2022-10-10", "2022-10-10")),
])
def test_days_relative_to_the_publication_date(lang, text: str, bounds: tuple[str, str]) -> None:
    (d,) = find_dates(lang, text, lang.fold(text), 0, len(text))
    r = resolve(d, [d], None, dt.date(2023, 2, 22))
    assert (r.start.isoformat(), r.end.isoformat(), r.basis) == (*bounds, "inferred")


def test_a_meeting_called_off_is_dated_nearest_the_publication_date() -> None:
    from bordercoop.text.dates import resolve_nearest

    for text, published, day in (("The talks, scheduled for May 10, have been postponed.", dt.date(2025, 4, 5), dt.date(2025, 5, 10)),
                                  ("The exchange planned for September 6 had to be cancelled.", dt.date(2025, 9, 20), dt.date(2025, 9, 6))):
        (d,) = _dates(text)
        assert resolve_nearest(d, [d], None, published).start == day
