"""The demo's court proceedings: prosecuted by `ittiham`, with hearings ahead and a running appeal term."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.courtwork.models import Proceeding, ProceedingStatus
from eprok.courtwork.seeding import seed_courtwork
from eprok.courtwork.tests.conftest import send_to_court
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def test_the_demo_prosecutor_gets_proceedings_hearings_and_a_running_term(personas):
    ittiham: Any = EmployeeFactory(
        username="ittiham", unit=personas.unit, last_name="Məmmədova", first_name="Səbinə"
    )
    RoleAssignmentFactory(
        employee=ittiham, role=Role.PROSECUTE, unit=personas.unit, valid_from=dt.date(2025, 1, 1)
    )
    for _ in range(3):
        send_to_court(personas)
    report = seed_courtwork()
    assert (report.proceedings, report.decisions) == (3, 1)
    assert set(Proceeding.objects.values_list("prosecutor__username", flat=True)) == {"ittiham"}
    assert Proceeding.objects.filter(status=ProceedingStatus.DECIDED).count() == 1
    assert TrackedDeadline.objects.filter(
        owner_type="courtwork.proceeding", responsible_id=ittiham.pk, state=DeadlineState.OPEN
    ).exists()
    assert seed_courtwork().proceedings == 0
