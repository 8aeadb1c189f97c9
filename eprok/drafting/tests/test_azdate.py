"""Azerbaijani dates, ordinal suffixes and noun cases."""

from __future__ import annotations

import datetime as dt

import pytest

from eprok.drafting.azdate import az_upper, long_date, noun_case, ordinal, ordinal_text, short_date


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, "1-ci"),
        (2, "2-ci"),
        (3, "3-cü"),
        (4, "4-cü"),
        (5, "5-ci"),
        (6, "6-cı"),
        (7, "7-ci"),
        (8, "8-ci"),
        (9, "9-cu"),
        (10, "10-cu"),
        (20, "20-ci"),
        (30, "30-cu"),
        (40, "40-cı"),
        (50, "50-ci"),
        (60, "60-cı"),
        (70, "70-ci"),
        (80, "80-ci"),
        (90, "90-cı"),
        (100, "100-cü"),
        (2000, "2000-ci"),
        (2023, "2023-cü"),
        (2025, "2025-ci"),
        (2026, "2026-cı"),
        (2029, "2029-cu"),
        (2030, "2030-cu"),
        (2040, "2040-cı"),
    ],
)
def test_ordinal_suffix_follows_the_last_word_spoken(number, expected):
    assert ordinal(number) == expected


def test_long_date_in_azerbaijani():
    assert long_date(dt.date(2026, 11, 29)) == "29 noyabr 2026-cı il"
    assert long_date(dt.date(2023, 1, 3)) == "3 yanvar 2023-cü il"
    assert long_date(dt.date(2029, 8, 31)) == "31 avqust 2029-cu il"
    assert long_date(dt.date(2030, 5, 9)) == "9 may 2030-cu il"
    assert long_date(None) == ""
    assert short_date(dt.date(2026, 3, 5)) == "05.03.2026"


def test_ordinal_of_a_reference_uses_its_last_number():
    assert ordinal_text("177.2.3") == "177.2.3-cü"
    assert ordinal_text("120.2.11") == "120.2.11-ci"
    assert ordinal_text("144-1.1") == "144-1.1-ci"
    assert ordinal_text("abc") == "abc"


def test_upper_case_keeps_the_dotted_capital_i():
    assert az_upper("Xətai rayon prokurorluğu") == "XƏTAİ RAYON PROKURORLUĞU"
    assert az_upper("qırmızı") == "QIRMIZI"


@pytest.mark.parametrize(
    ("name", "case", "expected"),
    [
        ("Xətai rayon prokurorluğu", "genitive", "Xətai rayon prokurorluğunun"),
        ("Xətai rayon prokurorluğu", "dative", "Xətai rayon prokurorluğuna"),
        ("Xətai rayon prokurorluğu", "locative", "Xətai rayon prokurorluğunda"),
        ("Xətai rayon prokurorluğu", "ablative", "Xətai rayon prokurorluğundan"),
        ("Baş Prokurorluq", "genitive", "Baş Prokurorluğun"),
        ("Baş Prokurorluq", "dative", "Baş Prokurorluğa"),
        ("Baş Prokurorluq", "locative", "Baş Prokurorluqda"),
        ("Hərbi prokurorluq", "ablative", "Hərbi prokurorluqdan"),
    ],
)
def test_noun_cases_of_office_names(name, case, expected):
    assert noun_case(name, case) == expected
