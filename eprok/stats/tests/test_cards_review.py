"""Statistical cards after transfers, corrections, completions and moves of units (review findings)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from eprok.cases import services as cases
from eprok.cases.models import SuspensionGround, TerminationGround
from eprok.cases.tests.factories import make_case, make_material
from eprok.core.testing.personas import make_personas
from eprok.materials.models import MaterialSource
from eprok.materials.services import material_transfer
from eprok.org import services as org
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.stats import access
from eprok.stats.models import Card, CardKind, SubjectType
from eprok.stats.selectors import card_counts


@pytest.fixture
def people(db):
    p = make_personas()
    prosecutor = EmployeeFactory(username="prosecutor", unit=p.unit)
    RoleAssignmentFactory(employee=prosecutor, role=Role.SUPERVISE, unit=p.unit)
    RoleAssignmentFactory(employee=p.superior, role=Role.SUPERVISE, unit=p.city, include_subunits=True)
    RoleAssignmentFactory(employee=p.investigator, role=Role.REGISTER_MATERIALS, unit=p.unit)
    RoleAssignmentFactory(employee=p.outsider, role=Role.REGISTER_MATERIALS, unit=p.other_unit)
    other = EmployeeFactory(username="inv2", unit=p.other_unit)
    RoleAssignmentFactory(employee=other, role=Role.INVESTIGATE, unit=p.other_unit)
    RoleAssignmentFactory(employee=other, role=Role.SUPERVISE, unit=p.other_unit)
    p.prosecutor = prosecutor  # type: ignore[attr-defined]
    p.inv2 = other  # type: ignore[attr-defined]
    return p


def by_unit(kind: str) -> dict[int, int]:
    rows = card_counts(
        scope=Q(), start=dt.date(2000, 1, 1), end=dt.date(2100, 1, 1), by=["unit"], kinds=[kind]
    )
    return {row["unit"]: row["n"] for row in rows}


def total(kind: str) -> int:
    return sum(by_unit(kind).values())


def test_an_opening_stays_in_the_first_unit_after_a_transfer_and_a_requalification(people):
    case = make_case(
        actor=people.investigator, unit=people.unit, supervisor=people.prosecutor, articles="177.2.3"
    )
    case.refresh_from_db()
    cases.case_transfer(
        actor=people.superior,
        case=case,
        to_unit=people.other_unit,
        investigator=people.inv2,
        reason="Ərazi aidiyyəti",
    )
    assert by_unit(CardKind.OPENED) == {people.unit.pk: 1}
    case.refresh_from_db()
    cases.case_requalify(actor=people.inv2, case=case, articles="178.3.2", reason="Dələduzluq")
    assert by_unit(CardKind.OPENED) == {people.unit.pk: 1}  # corrected (article 178), counted where it was
    opened = Card.objects.get(
        subject_type=SubjectType.CASE, subject_id=case.pk, kind=CardKind.OPENED, revision=2
    )
    assert opened.article == "178"


def test_a_termination_counts_on_its_decision_day_and_does_not_resume_the_suspension(people):
    case = make_case(
        actor=people.investigator,
        unit=people.unit,
        supervisor=people.prosecutor,
        opened_at=timezone.now() - dt.timedelta(days=60),
    )
    cases.case_suspend(
        actor=people.investigator,
        case=case,
        ground=SuspensionGround.ACCUSED_UNKNOWN,
        reason="Şəxs müəyyən edilməyib.",
        on=timezone.localdate() - dt.timedelta(days=50),
    )
    case.refresh_from_db()
    decided = timezone.localdate() - dt.timedelta(days=40)
    cases.case_terminate(
        actor=people.investigator,
        case=case,
        ground=TerminationGround.LIMITATION,
        grounds="Müddət keçib.",
        on=decided,
    )
    kinds = {
        card.kind: card for card in Card.objects.filter(subject_type=SubjectType.CASE, subject_id=case.pk)
    }
    assert CardKind.RESUMED not in kinds
    assert kinds[CardKind.TERMINATED].occurred_on == decided
    assert kinds[CardKind.SUSPENDED].ground == SuspensionGround.ACCUSED_UNKNOWN


def test_a_report_transferred_to_another_office_is_registered_once(people):
    origin = make_material(actor=people.investigator, unit=people.unit)
    origin = material_transfer(
        actor=people.investigator, material=origin, grounds="Ərazi aidiyyəti", to_unit=people.other_unit
    )
    received = make_material(
        actor=people.outsider,
        unit=people.other_unit,
        source=MaterialSource.TRANSFER,
        source_reference=origin.number,
    )
    assert total(CardKind.REGISTERED) == 1
    assert total(CardKind.TRANSFERRED) == 1
    # A report transferred from another body (police) is registered here.
    make_material(
        actor=people.outsider,
        unit=people.other_unit,
        source=MaterialSource.TRANSFER,
        source_reference="POL-2026-1",
    )
    assert total(CardKind.REGISTERED) == 2
    assert received.pk


def test_a_moved_unit_leaves_the_old_offices_scope(people):
    make_material(actor=people.investigator, unit=people.unit)
    analyst = EmployeeFactory(username="cityan", unit=people.city)
    RoleAssignmentFactory(
        employee=analyst, role=Role.VIEW_STATISTICS, unit=people.city, include_subunits=True
    )
    today = timezone.localdate()

    def seen() -> int:
        rows = card_counts(
            scope=access.card_scope(analyst),
            start=today.replace(month=1, day=1),
            end=today,
            kinds=[CardKind.REGISTERED],
        )
        return sum(row["n"] for row in rows)

    assert seen() == 1
    org.unit_update(actor=people.admin, unit=people.unit, parent=people.root)  # the district leaves the city
    assert seen() == 0
