"""Register numbers of crime reports: sequential per unit and year, no gaps, no duplicates."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction
from django.test import override_settings

from eprok.core.calendar import tracking
from eprok.core.errors import ValidationFailed
from eprok.materials.models import Material
from eprok.materials.tests.factories import make_material

BAKU = ZoneInfo("Asia/Baku")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BAKU)


@pytest.mark.django_db
def test_numbers_run_in_sequence_within_a_unit(people):
    numbers = [make_material(actor=people.clerk, unit=people.unit).number for _ in range(3)]
    year = numbers[0].split("-")[3]
    assert numbers == [f"CM-BAKU-XETAI-{year}-0000{n}" for n in (1, 2, 3)]


@pytest.mark.django_db
def test_each_unit_has_its_own_sequence(people):
    from eprok.org.roles import Role
    from eprok.org.tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(employee=people.clerk, role=Role.REGISTER_MATERIALS, unit=people.other_unit)
    first = make_material(actor=people.clerk, unit=people.unit)
    other = make_material(actor=people.clerk, unit=people.other_unit)
    second = make_material(actor=people.clerk, unit=people.unit)
    assert first.number.endswith("-00001") and second.number.endswith("-00002")
    assert other.number.startswith("CM-BAKU-NESIMI-") and other.number.endswith("-00001")


@pytest.mark.django_db
def test_the_sequence_starts_again_each_year_by_the_local_registration_date(people):
    # 31 December 23:30 in Baku is still the old year, though it is 19:30 UTC.
    late = make_material(actor=people.clerk, unit=people.unit, registered_at=at(2025, 12, 31, 23, 30))
    early = make_material(actor=people.clerk, unit=people.unit, registered_at=at(2026, 1, 3, 9, 0))
    later = make_material(actor=people.clerk, unit=people.unit, registered_at=at(2026, 1, 5, 9, 0))
    assert late.number == "CM-BAKU-XETAI-2025-00001"
    assert early.number == "CM-BAKU-XETAI-2026-00001"
    assert later.number == "CM-BAKU-XETAI-2026-00002"


@pytest.mark.django_db
def test_a_rolled_back_registration_leaves_no_gap(people, monkeypatch):
    make_material(actor=people.clerk, unit=people.unit)

    def broken(**kwargs):
        raise RuntimeError("the index could not be written")

    monkeypatch.setattr(tracking, "deadline_track", broken)
    with pytest.raises(RuntimeError):
        make_material(actor=people.clerk, unit=people.unit)
    monkeypatch.undo()
    assert Material.objects.count() == 1
    assert make_material(actor=people.clerk, unit=people.unit).number.endswith("-00002")


@pytest.mark.django_db
def test_a_refused_registration_takes_no_number(people):
    with pytest.raises(ValidationFailed):
        make_material(actor=people.clerk, unit=people.unit, summary="")
    assert make_material(actor=people.clerk, unit=people.unit).number.endswith("-00001")


@pytest.mark.django_db
@override_settings(EPROK_REGISTER_PATTERNS={"materials": "{unit}/{yy}/{seq}"})
def test_a_pattern_that_would_put_a_slash_in_urls_is_refused(people):
    with pytest.raises(ValidationFailed):
        make_material(actor=people.clerk, unit=people.unit)
    assert Material.objects.count() == 0


@pytest.mark.django_db
@override_settings(
    EPROK_REGISTER_PATTERNS={"materials": "{prefix}{yy}-{unit}-{seq:04d}"},
    EPROK_REGISTER_PREFIXES={"materials": "M"},
)
def test_the_pattern_and_prefix_are_configurable(people):
    material = make_material(actor=people.clerk, unit=people.unit, registered_at=at(2026, 2, 2, 10, 0))
    assert material.number == "M26-BAKU-XETAI-0001"


# The append-only tables, whose triggers refuse the TRUNCATE of a transactional test's flush.
APPEND_ONLY_TABLES = ("audit_auditevent", "gateway_message", "stats_card")


@pytest.fixture
def _audit_triggers_restored(django_db_blocker):
    """Set up before the database and torn down after its flush: switches the append-only triggers back on."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


@pytest.fixture
def committed_db(_audit_triggers_restored, transactional_db):
    """A database whose rows other connections see. The append-only tables refuse TRUNCATE, so their triggers
    are switched off for the flush that follows the test and on again afterwards."""
    yield
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
def test_concurrent_registrations_never_share_a_number(committed_db, people):
    """Eight registrations at once, each in its own connection and transaction, on a fresh sequence."""
    workers = 8
    barrier = threading.Barrier(workers)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def register() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                material = make_material(actor=people.clerk, unit=people.unit)
            with lock:
                numbers.append(material.number)
        except BaseException as exc:  # collected and reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    suffixes = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert suffixes == list(range(1, workers + 1))
    assert Material.objects.count() == workers
