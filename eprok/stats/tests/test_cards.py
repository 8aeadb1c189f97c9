"""Statistical cards written by the services of crime reports and cases: one card per fact, correcting
cards for changed or cancelled facts, nothing written twice, past figures reproducible, append-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from eprok.cases import services as cases
from eprok.cases.models import SuspensionGround, TerminationGround
from eprok.cases.tests.factories import make_case, make_material, make_party
from eprok.core.testing.personas import make_personas
from eprok.materials.models import RefusalGround
from eprok.materials.services import material_quash_refusal, material_refuse
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.persons.models import PartyRole
from eprok.stats import services
from eprok.stats.models import PROSECUTION_BODY, Card, CardKind, SubjectType
from eprok.stats.selectors import card_counts


@pytest.fixture
def people(db):
    personas = make_personas()
    prosecutor = EmployeeFactory(username="prosecutor", unit=personas.unit)
    RoleAssignmentFactory(employee=prosecutor, role=Role.SUPERVISE, unit=personas.unit)
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE, unit=personas.city, include_subunits=True
    )
    RoleAssignmentFactory(employee=personas.investigator, role=Role.REGISTER_MATERIALS, unit=personas.unit)
    personas.prosecutor = prosecutor  # type: ignore[attr-defined]
    return personas


def active(subject_type: str, pk: int) -> dict[str, Card]:
    cards = list(Card.objects.filter(subject_type=subject_type, subject_id=pk))
    cancelled = {card.corrects_id for card in cards if card.sign == -1}
    return {card.fact_key: card for card in cards if card.sign == 1 and card.pk not in cancelled}


def net(kind: str, **filters) -> int:
    rows = card_counts(
        scope=Q(),
        start=dt.date(2000, 1, 1),
        end=dt.date(2100, 1, 1),
        kinds=[kind],
        as_of=filters.pop("as_of", None),
    )
    return sum(row["n"] for row in rows)


def test_registering_a_crime_report_writes_one_registered_card(people):
    material = make_material(actor=people.investigator, unit=people.unit, articles="177.2.3")
    cards = list(Card.objects.filter(subject_type=SubjectType.MATERIAL, subject_id=material.pk))
    assert [(card.kind, card.sign, card.revision) for card in cards] == [(CardKind.REGISTERED, 1, 1)]
    card = cards[0]
    assert card.subject_number == material.number
    assert card.unit_id == people.unit.pk and card.unit_path == people.unit.path
    assert card.body == PROSECUTION_BODY
    assert card.article == "177"
    assert card.occurred_on == timezone.localtime(material.registered_at).date()


def test_a_record_synced_again_writes_nothing(people):
    material = make_material(actor=people.investigator, unit=people.unit)
    before = Card.objects.count()
    assert services.record(SubjectType.MATERIAL, material.pk).total == 0
    assert services.record_all().total == 0
    assert Card.objects.count() == before


def test_a_quashed_refusal_is_cancelled_by_a_correcting_card_and_past_figures_stay(people):
    material = make_material(actor=people.investigator, unit=people.unit)
    material = material_refuse(
        actor=people.investigator,
        material=material,
        refusal_ground=RefusalGround.NO_CORPUS,
        grounds="Cinayət tərkibi yoxdur.",
    )
    refused = active(SubjectType.MATERIAL, material.pk)["refused"]
    assert refused.ground == RefusalGround.NO_CORPUS
    moment = timezone.now()
    assert net(CardKind.REFUSED) == 1

    material_quash_refusal(actor=people.prosecutor, material=material, reason="Yoxlama natamam aparılıb.")

    assert "refused" not in active(SubjectType.MATERIAL, material.pk)
    correction = Card.objects.get(corrects=refused)
    assert correction.sign == -1 and correction.reason == services.REASON_CANCELLED
    assert correction.occurred_on == refused.occurred_on  # cancels on the date it counted
    assert net(CardKind.REFUSED) == 0
    assert net(CardKind.REFUSED, as_of=moment) == 1  # the report as it was before the correction
    assert net(CardKind.REGISTERED) == 1  # the registration is untouched


def test_case_milestones_become_cards(people):
    case = make_case(
        actor=people.investigator, unit=people.unit, supervisor=people.prosecutor, articles="177.2.3"
    )
    opened_on = timezone.localtime(case.opened_at).date()
    make_party(case, actor=people.investigator, role=PartyRole.ACCUSED, since=opened_on)
    case.refresh_from_db()
    cases.case_suspend(
        actor=people.investigator,
        case=case,
        ground=SuspensionGround.ACCUSED_HIDING,
        reason="Təqsirləndirilən şəxs gizlənir.",
        on=opened_on,
    )
    case.refresh_from_db()
    cases.case_resume(actor=people.investigator, case=case, reason="Şəxs tapılıb.", on=opened_on)
    facts = active(SubjectType.CASE, case.pk)
    kinds = sorted(card.kind for card in facts.values())
    assert kinds == sorted([CardKind.OPENED, CardKind.SOLVED, CardKind.SUSPENDED, CardKind.RESUMED])
    opened = facts["opened"]
    assert (opened.article, opened.category, opened.chapter) == ("177", 2, opened.chapter)
    assert opened.chapter is not None
    assert facts["solved"].occurred_on == opened_on
    suspended = next(card for card in facts.values() if card.kind == CardKind.SUSPENDED)
    assert suspended.ground == SuspensionGround.ACCUSED_HIDING


def test_a_requalified_case_gets_a_correcting_card_and_a_new_revision(people):
    case = make_case(
        actor=people.investigator, unit=people.unit, supervisor=people.prosecutor, articles="177.2.3"
    )
    first = active(SubjectType.CASE, case.pk)["opened"]
    case.refresh_from_db()
    cases.case_requalify(
        actor=people.investigator, case=case, articles="178.3.2", reason="Dələduzluq kimi tövsif edilir."
    )
    now_active = active(SubjectType.CASE, case.pk)["opened"]
    assert now_active.pk != first.pk
    assert now_active.article == "178" and now_active.revision == 2
    assert Card.objects.get(corrects=first).reason == services.REASON_CORRECTED
    assert net(CardKind.OPENED) == 1  # still one crime registered


def test_a_terminated_case_counts_once_and_a_reopening_cancels_the_termination(people):
    case = make_case(actor=people.investigator, unit=people.unit, supervisor=people.prosecutor)
    case.refresh_from_db()
    cases.case_terminate(
        actor=people.investigator,
        case=case,
        ground=TerminationGround.RECONCILIATION,
        grounds="Tərəflər barışıb.",
    )
    assert net(CardKind.TERMINATED) == 1
    services.record(SubjectType.CASE, case.pk)
    assert net(CardKind.TERMINATED) == 1  # never keyed twice
    case.refresh_from_db()
    cases.case_reopen(actor=people.prosecutor, case=case, grounds="Xitam qərarı ləğv edilib.")
    assert net(CardKind.TERMINATED) == 0
    assert net(CardKind.OPENED) == 1


def test_cards_refuse_update_and_delete(people):
    material = make_material(actor=people.investigator, unit=people.unit)
    card = Card.objects.get(subject_type=SubjectType.MATERIAL, subject_id=material.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        Card.objects.filter(pk=card.pk).update(article="999")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM stats_card WHERE id = %s", [card.pk])
    assert Card.objects.get(pk=card.pk).article == card.article


def test_a_fact_cannot_be_keyed_twice(people):
    material = make_material(actor=people.investigator, unit=people.unit)
    card = Card.objects.get(subject_type=SubjectType.MATERIAL, subject_id=material.pk)
    duplicate = Card(
        subject_type=card.subject_type,
        subject_id=card.subject_id,
        subject_number=card.subject_number,
        kind=card.kind,
        fact_key=card.fact_key,
        revision=card.revision,
        occurred_on=card.occurred_on,
        recorded_at=timezone.now(),
        body=card.body,
        unit_id=card.unit_id,
        unit_path=card.unit_path,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_stats_sync_catches_a_record_written_without_its_cards(people):
    material = make_material(actor=people.investigator, unit=people.unit)
    # A record restored or imported behind the services' back: its cards are missing.
    from eprok.materials.models import Material

    Material.objects.filter(pk=material.pk).update(articles="186.1")
    call_command("stats_sync", verbosity=0)
    card = active(SubjectType.MATERIAL, material.pk)["registered"]
    assert card.article == "186" and card.revision == 2
    call_command("stats_sync", verbosity=0)
    assert Card.objects.filter(subject_type=SubjectType.MATERIAL, subject_id=material.pk).count() == 3
