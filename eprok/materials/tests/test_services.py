"""The register's services: every transition allowed and refused, the audit event of each, nothing
written on a refusal, the anonymity rule, extensions and optimistic locking."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from eprok.core.calendar.deadlines import ExtensionRefused
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.materials import services
from eprok.materials.models import (
    TRANSITIONS,
    CheckAction,
    CheckActionKind,
    CheckExtension,
    Material,
    MaterialParty,
    MaterialSource,
    MaterialStatus,
    RefusalGround,
)
from eprok.materials.tests.factories import make_material, make_person
from eprok.persons.models import PartyRole

pytestmark = pytest.mark.django_db

GROUNDS = "Yoxlama nəticəsində cinayət əlaməti müəyyən edilmədi."


def changes(event) -> dict:
    return json.loads(event.changes) if event.changes else {}


def data(event) -> dict:
    return json.loads(event.data) if event.data else {}


def tracked(material) -> TrackedDeadline:
    return TrackedDeadline.objects.get(owner_type="materials.material", owner_id=material.pk, key="check")


def snapshot(material) -> tuple:
    """Everything a refused service must leave untouched."""
    material.refresh_from_db()
    row = TrackedDeadline.objects.filter(owner_type="materials.material", owner_id=material.pk).first()
    return (
        material.status,
        material.version,
        material.check_due,
        material.assignee_id,
        material.decided_at,
        CheckAction.objects.filter(material=material).count(),
        CheckExtension.objects.filter(material=material).count(),
        MaterialParty.objects.filter(material=material).count(),
        (row.state, row.ends_at) if row else None,
    )


# --- registration ------------------------------------------------------------------------------------


def test_it_registers_a_report_with_a_number_a_check_term_and_a_tracked_deadline(people, audit_events):
    material = make_material(
        actor=people.clerk, unit=people.unit, assignee=people.investigator, articles="177.2.3; 178.1"
    )
    year = timezone.localdate().year
    assert material.number == f"CM-BAKU-XETAI-{year}-00001"
    assert material.status == MaterialStatus.REGISTERED
    assert material.version == 1
    assert material.articles == "177.2.3, 178.1"
    assert material.check_due is not None and material.check_due > timezone.localdate()
    row = tracked(material)
    assert row is not None and row.state == DeadlineState.OPEN and row.rule_code == "cpc.207.check"
    assert row.responsible_id == people.investigator.pk
    (event,) = audit_events("materials.material.registered")
    assert event.target_id == str(material.public_id)
    assert changes(event)["after"]["number"] == material.number
    assert changes(event)["after"]["assignee"] == "investigator"


def test_registering_notifies_the_assignee_after_commit(people, django_capture_on_commit_callbacks):
    from eprok.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        material = make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)
    note = Notification.objects.get(recipient=people.investigator)
    assert note.url == material.get_absolute_url()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"summary": "  "}, "summary"),
        ({"source": "rumour"}, "source"),
        ({"received_at": None}, "received_at"),
        ({"registered_at": timezone.now() + dt.timedelta(days=1)}, "registered_at"),
        ({"incident_date": timezone.localdate() + dt.timedelta(days=3)}, "incident_date"),
        ({"source": MaterialSource.SURRENDER, "is_anonymous": True}, "is_anonymous"),
        ({"articles": "9999"}, "articles"),
        ({"articles": "177.x"}, "articles"),
    ],
)
def test_it_refuses_an_invalid_registration_and_writes_nothing(people, audit_events, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        make_material(actor=people.clerk, unit=people.unit, **fields)
    assert field in refused.value.details
    assert Material.objects.count() == 0
    assert audit_events() == []


def test_it_refuses_a_received_time_after_registration(people):
    now = timezone.now()
    with pytest.raises(ValidationFailed) as refused:
        make_material(
            actor=people.clerk, unit=people.unit, registered_at=now, received_at=now + dt.timedelta(1)
        )
    assert "received_at" in refused.value.details


def test_it_refuses_an_assignee_without_the_role_over_the_unit(people):
    with pytest.raises(ValidationFailed) as refused:
        make_material(actor=people.clerk, unit=people.unit, assignee=people.outsider)
    assert "assignee" in refused.value.details
    assert Material.objects.count() == 0


# --- assignment --------------------------------------------------------------------------------------


def test_it_assigns_and_reassigns_the_check(people, audit_events):
    material = make_material(actor=people.clerk, unit=people.unit)
    material = services.material_assign(actor=people.clerk, material=material, assignee=people.investigator)
    assert material.assignee == people.investigator and material.version == 2
    assert tracked(material).responsible_id == people.investigator.pk
    material = services.material_assign(
        actor=people.superior, material=material, assignee=people.colleague, expected_version=2
    )
    assert material.version == 3
    first, second = audit_events("materials.material.assigned")
    assert changes(first) == {
        "before": {"assignee": None, "version": 1},
        "after": {"assignee": "investigator", "version": 2},
    }
    assert changes(second)["after"]["assignee"] == "colleague"
    assert second.related_id == str(people.colleague.public_id)


def test_assigning_the_same_person_again_changes_nothing(material, people, audit_events):
    before = snapshot(material)
    services.material_assign(actor=people.clerk, material=material, assignee=people.investigator)
    assert snapshot(material) == before
    assert audit_events("materials.material.assigned") == []


def test_it_refuses_to_assign_someone_without_the_role(material, people, audit_events):
    before = snapshot(material)
    with pytest.raises(ValidationFailed) as refused:
        services.material_assign(actor=people.clerk, material=material, assignee=people.outsider)
    assert refused.value.code == "assignee_not_eligible"
    assert snapshot(material) == before
    assert audit_events("materials.material.assigned") == []


# --- the course of the check -------------------------------------------------------------------------


def test_it_starts_the_check(material, people, audit_events):
    material = services.material_start_check(actor=people.investigator, material=material, expected_version=1)
    assert material.status == MaterialStatus.IN_CHECK and material.version == 2
    (event,) = audit_events("materials.material.check_started")
    assert changes(event)["before"]["status"] == "registered"
    assert changes(event)["after"]["status"] == "in_check"


def test_it_refuses_to_start_a_check_twice(material, people, audit_events):
    services.material_start_check(actor=people.investigator, material=material)
    before = snapshot(material)
    with pytest.raises(Conflict) as refused:
        services.material_start_check(actor=people.investigator, material=material)
    assert refused.value.code == "transition_not_allowed"
    assert snapshot(material) == before
    assert len(audit_events("materials.material.check_started")) == 1


def test_the_first_step_puts_a_registered_report_under_check(material, people, audit_events):
    action = services.material_add_action(
        actor=people.investigator,
        material=material,
        kind=CheckActionKind.SCENE_EXAMINATION,
        performed_on=timezone.localdate(),
        description="Hadisə yerinə baxış keçirildi.",
    )
    material.refresh_from_db()
    assert material.status == MaterialStatus.IN_CHECK and material.version == 2
    assert action.recorded_by == people.investigator
    (event,) = audit_events("materials.material.action_added")
    assert data(event)["kind"] == "scene_examination"
    assert changes(event)["after"]["status"] == "in_check"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "torture"}, "kind"),
        ({"performed_on": None}, "performed_on"),
        ({"performed_on": dt.date(2000, 1, 1)}, "performed_on"),
        ({"description": " "}, "description"),
    ],
)
def test_it_refuses_an_invalid_step_and_writes_nothing(material, people, audit_events, fields, field):
    values = {
        "kind": CheckActionKind.EXPLANATION,
        "performed_on": timezone.localdate(),
        "description": "İzahat alındı.",
        **fields,
    }
    before = snapshot(material)
    with pytest.raises(ValidationFailed) as refused:
        services.material_add_action(actor=people.investigator, material=material, **values)
    assert field in refused.value.details
    assert snapshot(material) == before
    assert audit_events("materials.material.action_added") == []


def test_it_adds_and_removes_a_party(material, people, person, audit_events):
    party = services.material_add_party(
        actor=people.investigator, material=material, person=person, role=PartyRole.VICTIM, note="zərərçəkmiş"
    )
    assert party.material == material
    with pytest.raises(Conflict) as duplicate:
        services.material_add_party(
            actor=people.investigator, material=material, person=person, role="victim"
        )
    assert duplicate.value.code == "duplicate_party"
    services.material_remove_party(actor=people.investigator, material=material, party=party)
    assert not MaterialParty.objects.filter(material=material).exists()
    (added,) = audit_events("materials.material.party_added")
    (removed,) = audit_events("materials.material.party_removed")
    assert added.related_id == removed.related_id == str(person.public_id)
    assert data(added)["role"] == "victim"


def test_an_anonymous_report_has_no_applicant(people, person, audit_events):
    material = make_material(
        actor=people.clerk, unit=people.unit, is_anonymous=True, assignee=people.investigator
    )
    before = snapshot(material)
    with pytest.raises(ValidationFailed) as refused:
        services.material_add_party(
            actor=people.investigator, material=material, person=person, role=PartyRole.APPLICANT
        )
    assert refused.value.code == "anonymous_applicant"
    assert snapshot(material) == before
    assert audit_events("materials.material.party_added") == []


def test_a_merged_person_is_refused_as_a_party(material, people):
    survivor = make_person()
    duplicate = make_person(merged_into=survivor)
    with pytest.raises(ValidationFailed) as refused:
        services.material_add_party(
            actor=people.investigator, material=material, person=duplicate, role="witness"
        )
    assert refused.value.code == "person_merged"


# --- extensions --------------------------------------------------------------------------------------


def test_the_supervising_prosecutor_extends_the_check_to_ten_and_then_thirty_days(
    material, people, audit_events
):
    first_due = material.check_due
    extension = services.material_extend_check(
        actor=people.superior, material=material, step="207.1.2-10", reason="Əlavə izahatlar lazımdır."
    )
    material.refresh_from_db()
    assert extension.length == 7 and extension.granted_by == people.superior
    assert material.check_due > first_due and material.version == 2
    assert tracked(material).ends_at.date() >= material.check_due
    services.material_extend_check(
        actor=people.superior, material=material, step="207.1.2-30", reason="Ekspertiza təyin edilib."
    )
    material.refresh_from_db()
    events = audit_events("materials.material.check_extended")
    assert [data(e)["total"] for e in events] == [10, 30]
    assert changes(events[0])["before"]["check_due"] == first_due.isoformat()


def test_it_refuses_an_extension_beyond_the_legal_maximum_and_writes_nothing(material, people, audit_events):
    services.material_extend_check(actor=people.superior, material=material, step="207.1.2-10", reason="a")
    services.material_extend_check(actor=people.superior, material=material, step="207.1.2-30", reason="b")
    before = snapshot(material)
    with pytest.raises(ExtensionRefused):
        services.material_extend_check(
            actor=people.superior, material=material, step="207.1.2-10", reason="c"
        )
    with pytest.raises(ExtensionRefused):
        services.material_extend_check(
            actor=people.superior, material=material, step="207.1.2-30", reason="d", length=1
        )
    assert snapshot(material) == before
    assert len(audit_events("materials.material.check_extended")) == 2


def test_it_refuses_an_extension_by_someone_without_the_right(material, people, audit_events):
    before = snapshot(material)
    for actor in (people.investigator, people.clerk, people.outsider):
        with pytest.raises(Forbidden) as refused:
            services.material_extend_check(actor=actor, material=material, step="207.1.2-10", reason="x")
        assert refused.value.code == "extension_not_permitted"
    assert snapshot(material) == before
    assert audit_events("materials.material.check_extended") == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"step": "207.9"}, "step"),
        ({"reason": ""}, "reason"),
        ({"length": 8}, "length"),
        ({"length": 0}, "length"),
    ],
)
def test_it_refuses_a_malformed_extension(material, people, fields, field):
    values = {"step": "207.1.2-10", "reason": "Səbəb", **fields}
    with pytest.raises(ValidationFailed) as refused:
        services.material_extend_check(actor=people.superior, material=material, **values)
    assert field in refused.value.details


def test_a_partial_extension_is_allowed_within_the_step(material, people):
    extension = services.material_extend_check(
        actor=people.superior, material=material, step="207.1.2-10", reason="Qısa", length=4
    )
    assert extension.length == 4


def test_a_decided_report_cannot_be_extended(material, people):
    services.material_refuse(
        actor=people.investigator, material=material, refusal_ground="39.1.1", grounds=GROUNDS
    )
    with pytest.raises(Conflict) as refused:
        services.material_extend_check(
            actor=people.superior, material=material, step="207.1.2-10", reason="x"
        )
    assert refused.value.code == "material_closed"


# --- decisions ---------------------------------------------------------------------------------------


def test_it_refuses_to_open_a_case_and_closes_the_term(material, people, audit_events):
    material = services.material_refuse(
        actor=people.investigator,
        material=material,
        refusal_ground=RefusalGround.NO_CORPUS,
        grounds=GROUNDS,
        expected_version=1,
    )
    assert material.status == MaterialStatus.REFUSED
    assert material.decided_by == people.investigator and material.decided_at is not None
    assert tracked(material).state == DeadlineState.CLOSED
    (event,) = audit_events("materials.material.refused")
    assert changes(event)["after"]["refusal_ground"] == "39.1.2"
    assert changes(event)["after"]["status"] == "refused"


@pytest.mark.parametrize(
    ("ground", "grounds", "field"), [("39.1.2", "  ", "grounds"), ("39.9", GROUNDS, "refusal_ground")]
)
def test_a_refusal_needs_grounds_and_a_legal_ground(material, people, audit_events, ground, grounds, field):
    before = snapshot(material)
    with pytest.raises(ValidationFailed) as refused:
        services.material_refuse(
            actor=people.investigator, material=material, refusal_ground=ground, grounds=grounds
        )
    assert field in refused.value.details
    assert snapshot(material) == before
    assert audit_events("materials.material.refused") == []


def test_quashing_a_refusal_returns_the_report_to_check_with_a_new_term(material, people, audit_events):
    services.material_extend_check(actor=people.superior, material=material, step="207.1.2-10", reason="x")
    services.material_refuse(
        actor=people.investigator, material=material, refusal_ground="39.1.2", grounds=GROUNDS
    )
    material = services.material_quash_refusal(
        actor=people.superior, material=material, reason="Yoxlama natamam aparılıb."
    )
    assert material.status == MaterialStatus.IN_CHECK
    assert material.check_round == 2 and material.decided_at is None and material.refusal_ground == ""
    # The new round starts afresh: the first round's extension does not count.
    assert (material.check_due - timezone.localdate()).days <= 7
    assert tracked(material).state == DeadlineState.OPEN
    (event,) = audit_events("materials.material.refusal_quashed")
    assert changes(event)["before"]["status"] == "refused"
    assert changes(event)["after"]["check_round"] == 2
    services.material_extend_check(actor=people.superior, material=material, step="207.1.2-10", reason="y")


def test_only_a_refusal_can_be_quashed(material, people, audit_events):
    before = snapshot(material)
    with pytest.raises(Conflict):
        services.material_quash_refusal(actor=people.superior, material=material, reason="x")
    assert snapshot(material) == before
    assert audit_events("materials.material.refusal_quashed") == []


def test_it_transfers_a_report_to_another_unit_which_then_sees_it(material, people, audit_events):
    from eprok.materials.access import visible_to
    from eprok.org.roles import Role
    from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

    registrar = EmployeeFactory(unit=people.other_unit)
    RoleAssignmentFactory(employee=registrar, role=Role.REGISTER_MATERIALS, unit=people.other_unit)
    assert not visible_to(registrar).filter(pk=material.pk).exists()
    material = services.material_transfer(
        actor=people.investigator,
        material=material,
        grounds="Ərazi aidiyyəti üzrə.",
        to_unit=people.other_unit,
    )
    assert material.status == MaterialStatus.TRANSFERRED and material.transferred_to_unit == people.other_unit
    assert tracked(material).state == DeadlineState.CLOSED
    assert visible_to(registrar).filter(pk=material.pk).exists()
    (event,) = audit_events("materials.material.transferred")
    assert changes(event)["after"]["transferred_to_unit"] == "baku-nesimi"


def test_it_transfers_a_report_to_another_body(material, people):
    material = services.material_transfer(
        actor=people.investigator,
        material=material,
        grounds="İstintaq aidiyyəti.",
        to_body="Daxili İşlər Nazirliyi",
    )
    assert material.transferred_to_body == "Daxili İşlər Nazirliyi" and material.transferred_to_unit is None


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ({}, "transfer_target"),
        ({"to_body": "DİN", "to_unit": "other"}, "transfer_target"),
        ({"to_unit": "same"}, "transfer_same_unit"),
    ],
)
def test_it_refuses_a_malformed_transfer(material, people, audit_events, to, code):
    units = {"same": people.unit, "other": people.other_unit}
    if "to_unit" in to:
        to = {**to, "to_unit": units[to["to_unit"]]}
    before = snapshot(material)
    with pytest.raises(ValidationFailed) as refused:
        services.material_transfer(actor=people.investigator, material=material, grounds="x", **to)
    assert refused.value.code == code
    assert snapshot(material) == before
    assert audit_events("materials.material.transferred") == []


def test_it_joins_a_report_to_another_open_one_and_copies_its_parties(material, people, person, audit_events):
    other = make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)
    services.material_add_party(actor=people.investigator, material=material, person=person, role="victim")
    material = services.material_join(
        actor=people.investigator, material=material, into=other, grounds="Eyni hadisə."
    )
    assert material.status == MaterialStatus.JOINED and material.joined_to == other
    assert MaterialParty.objects.filter(material=other, person=person, role="victim").exists()
    assert tracked(material).state == DeadlineState.CLOSED
    (event,) = audit_events("materials.material.joined")
    assert changes(event)["after"]["joined_to"] == other.number
    (mirror,) = audit_events("materials.material.report_joined")
    assert mirror.target_id == str(other.public_id)


def test_it_refuses_to_join_into_a_closed_an_invisible_or_the_same_report(material, people, audit_events):
    closed = make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)
    services.material_refuse(
        actor=people.investigator, material=closed, refusal_ground="39.1.1", grounds=GROUNDS
    )
    from eprok.org.roles import Role
    from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

    registrar = EmployeeFactory(unit=people.other_unit)
    RoleAssignmentFactory(employee=registrar, role=Role.REGISTER_MATERIALS, unit=people.other_unit)
    elsewhere = make_material(actor=registrar, unit=people.other_unit)
    before = snapshot(material)
    for target, code in ((closed, "join_target"), (elsewhere, "join_target"), (material, "join_self")):
        with pytest.raises(ValidationFailed) as refused:
            services.material_join(actor=people.investigator, material=material, into=target, grounds="x")
        assert refused.value.code == code
    assert snapshot(material) == before
    assert audit_events("materials.material.joined") == []


def test_the_cases_register_marks_a_case_opened(material, people, audit_events):
    material = services.material_mark_case_opened(
        actor=people.investigator,
        material=material,
        case_number="CI-BAKU-XETAI-2026-00001",
        grounds="CM 177.2.3",
    )
    assert (
        material.status == MaterialStatus.CASE_OPENED and material.case_number == "CI-BAKU-XETAI-2026-00001"
    )
    assert tracked(material).state == DeadlineState.CLOSED
    (event,) = audit_events("materials.material.case_opened")
    assert data(event)["case_number"] == "CI-BAKU-XETAI-2026-00001"


def test_an_anonymous_report_alone_is_never_the_ground_to_open_a_case(people, audit_events):
    material = make_material(
        actor=people.clerk, unit=people.unit, is_anonymous=True, assignee=people.investigator
    )
    services.material_add_action(
        actor=people.investigator,
        material=material,
        kind=CheckActionKind.REQUEST,
        performed_on=timezone.localdate(),
        description="Sorğu göndərildi.",
    )
    before = snapshot(material)
    with pytest.raises(Conflict) as refused:
        services.material_mark_case_opened(
            actor=people.investigator, material=material, case_number="CI-1", grounds="x"
        )
    assert refused.value.code == "anonymous_report_alone"
    assert snapshot(material) == before
    assert audit_events("materials.material.case_opened") == []
    services.material_add_action(
        actor=people.investigator,
        material=material,
        kind=CheckActionKind.EXPERT_EXAMINATION,
        performed_on=timezone.localdate(),
        description="Ekspertiza təyin edildi.",
    )
    material = services.material_mark_case_opened(
        actor=people.investigator, material=material, case_number="CI-1", grounds="Ekspert rəyi"
    )
    assert material.status == MaterialStatus.CASE_OPENED


@pytest.mark.parametrize(
    "independent", sorted(["scene_examination", "expert_examination", "audit", "explanation"])
)
def test_each_independent_step_lifts_the_anonymity_bar(people, independent):
    material = make_material(
        actor=people.clerk, unit=people.unit, is_anonymous=True, assignee=people.investigator
    )
    services.material_add_action(
        actor=people.investigator,
        material=material,
        kind=independent,
        performed_on=timezone.localdate(),
        description="x",
    )
    services.material_mark_case_opened(
        actor=people.investigator, material=material, case_number="CI-2", grounds="x"
    )


def test_opening_a_case_needs_a_number_and_grounds(material, people):
    with pytest.raises(ValidationFailed):
        services.material_mark_case_opened(
            actor=people.investigator, material=material, case_number="", grounds="x"
        )
    with pytest.raises(ValidationFailed):
        services.material_mark_case_opened(
            actor=people.investigator, material=material, case_number="CI", grounds=""
        )


# --- the transition table and optimistic locking -----------------------------------------------------

DECIDE = {
    MaterialStatus.REFUSED: lambda p, m: services.material_refuse(
        actor=p.investigator, material=m, refusal_ground="39.1.1", grounds=GROUNDS
    ),
    MaterialStatus.TRANSFERRED: lambda p, m: services.material_transfer(
        actor=p.investigator, material=m, grounds=GROUNDS, to_body="DİN"
    ),
    MaterialStatus.CASE_OPENED: lambda p, m: services.material_mark_case_opened(
        actor=p.investigator, material=m, case_number="CI-9", grounds=GROUNDS
    ),
    MaterialStatus.IN_CHECK: lambda p, m: services.material_start_check(actor=p.investigator, material=m),
}


def _move_to(people, material, status):
    if status == MaterialStatus.JOINED:
        other = make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)
        return services.material_join(
            actor=people.investigator, material=material, into=other, grounds=GROUNDS
        )
    if status == MaterialStatus.REGISTERED:
        return material
    return DECIDE[status](people, material)


TARGETS = [
    MaterialStatus.IN_CHECK,
    MaterialStatus.REFUSED,
    MaterialStatus.TRANSFERRED,
    MaterialStatus.CASE_OPENED,
]


@pytest.mark.parametrize("start", list(MaterialStatus))
@pytest.mark.parametrize("target", TARGETS)
def test_every_transition_follows_the_table(people, audit_events, start, target):
    material = make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)
    _move_to(people, material, start)
    material.refresh_from_db()
    if target == MaterialStatus.IN_CHECK and start == MaterialStatus.REFUSED:
        mover = lambda: services.material_quash_refusal(actor=people.superior, material=material, reason="x")  # noqa: E731
    else:
        mover = lambda: DECIDE[target](people, material)  # noqa: E731
    before = snapshot(material)
    count = len(audit_events())
    if target in TRANSITIONS[start]:
        moved = mover()
        assert moved.status == target
        assert len(audit_events()) == count + 1
    else:
        with pytest.raises(Conflict) as refused:
            mover()
        assert refused.value.code in {"transition_not_allowed", "material_closed"}
        assert snapshot(material) == before
        assert len(audit_events()) == count


def test_a_stale_version_is_refused_and_nothing_is_written(material, people, audit_events):
    services.material_assign(
        actor=people.clerk, material=material, assignee=people.colleague, expected_version=1
    )
    before = snapshot(material)
    calls = [
        lambda: services.material_assign(
            actor=people.clerk, material=material, assignee=people.investigator, expected_version=1
        ),
        lambda: services.material_start_check(actor=people.colleague, material=material, expected_version=1),
        lambda: services.material_add_action(
            actor=people.colleague,
            material=material,
            kind="explanation",
            performed_on=timezone.localdate(),
            description="x",
            expected_version=1,
        ),
        lambda: services.material_extend_check(
            actor=people.superior, material=material, step="207.1.2-10", reason="x", expected_version=1
        ),
        lambda: services.material_refuse(
            actor=people.colleague,
            material=material,
            refusal_ground="39.1.1",
            grounds="x",
            expected_version=1,
        ),
        lambda: services.material_transfer(
            actor=people.colleague, material=material, grounds="x", to_body="DİN", expected_version=1
        ),
    ]
    for call in calls:
        with pytest.raises(Conflict) as refused:
            call()
        assert refused.value.code == "stale_version"
        assert refused.value.details == {"version": 2}
    assert snapshot(material) == before
    assert len(audit_events("materials.material.assigned")) == 1


def test_views_and_exports_are_audited(material, people, audit_events):
    services.material_record_view(actor=people.investigator, material=material, purpose="receipt")
    services.material_record_export(actor=people.clerk, filters={"status": "refused"}, fmt="csv", max_rows=10)
    (viewed,) = audit_events("materials.material.viewed")
    assert viewed.purpose == "receipt" and viewed.target_id == str(material.public_id)
    (exported,) = audit_events("materials.material.exported")
    assert data(exported)["format"] == "csv"
