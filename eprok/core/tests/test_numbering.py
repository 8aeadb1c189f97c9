"""Register numbers: per register, unit and year; gapless when a registration rolls back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings

from eprok.core.errors import ValidationFailed
from eprok.core.models import RegisterSequence
from eprok.core.numbering import check_pattern, format_number, next_number, next_value

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def _take(register: str = "materials", unit: str = "baku-xetai", on: dt.date = DAY) -> str:
    with transaction.atomic():
        return next_number(register=register, unit_code=unit, on=on)


def test_numbers_run_in_sequence_per_unit_and_year():
    assert _take() == "CM-BAKU-XETAI-2026-00001"
    assert _take() == "CM-BAKU-XETAI-2026-00002"
    assert _take(unit="baku-nesimi") == "CM-BAKU-NESIMI-2026-00001"
    assert _take(on=dt.date(2027, 1, 1)) == "CM-BAKU-XETAI-2027-00001"


def test_registers_do_not_share_a_sequence():
    assert _take() == "CM-BAKU-XETAI-2026-00001"
    assert _take(register="cases") == "CI-BAKU-XETAI-2026-00001"


def test_a_rolled_back_registration_leaves_no_gap():
    _take()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        next_number(register="materials", unit_code="baku-xetai", on=DAY)
        raise Boom
    assert _take() == "CM-BAKU-XETAI-2026-00002"
    assert RegisterSequence.objects.get(register="materials", scope="baku-xetai", year=2026).last_value == 2


def test_a_number_is_only_taken_inside_the_creating_transaction(monkeypatch):
    # Without an atomic block the counter would be committed apart from the record. (The test itself
    # runs in a transaction, so the connection is made to look as if it did not.)
    from django.db import connections

    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(RuntimeError):
        next_value(register="materials", scope="x", year=2026)
    monkeypatch.undo()
    assert not RegisterSequence.objects.exists()


@override_settings(EPROK_REGISTER_PATTERNS={"materials": "{yy}{unit}{seq:04d}"})
def test_the_pattern_is_configurable():
    assert _take() == "26BAKU-XETAI0001"


@pytest.mark.parametrize(
    "pattern",
    ["{unit}-{seq}", "{year}-{seq}", "{unit}/{year}/{seq}", "{unit}-{year}-{seq}-{secret}", "{unit-{year}"],
)
def test_a_pattern_that_could_repeat_or_break_urls_is_refused(pattern):
    with pytest.raises(ValidationFailed):
        check_pattern(pattern)


def test_format_number_fills_every_placeholder():
    assert format_number(
        "{prefix}.{unit}.{yy}.{year}.{seq:03d}", prefix="P", unit="ab", year=2026, seq=7
    ) == ("P.AB.26.2026.007")
