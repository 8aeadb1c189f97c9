"""Every write on training events: what it checks, what it refuses (with the field and a message, writing
nothing), and the audit event it records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.training import checkin, services
from eprok.training.classifiers import load_thematic_areas
from eprok.training.models import (
    Attendance,
    AttendanceMethod,
    EventFormat,
    EventStatus,
    EventTrainer,
    Invitation,
    InvitationStatus,
    ThematicArea,
    TrainingEvent,
)
from eprok.training.tests.conftest import STARTS, event_input

pytestmark = pytest.mark.django_db


def _english(message) -> str:
    with translation.override("en"):
        return str(message)


# --- the classifier -------------------------------------------------------------------------------------


def test_the_thematic_areas_are_seeded_and_reloading_adds_nothing(db):
    assert ThematicArea.objects.count() == 10
    assert ThematicArea.objects.get(code="anti-corruption").name_az == "Korrupsiyaya qarşı mübarizə"
    assert load_thematic_areas() == 0
    ThematicArea.objects.filter(code="ethics").delete()
    assert load_thematic_areas() == 1


# --- entering and changing an event ---------------------------------------------------------------------


def test_an_administrator_enters_an_event_with_a_number_and_an_audit_event(people, clock, audit_events):
    event = services.event_create(actor=people.admin, data=event_input(people))
    assert event.number == "TT-TRAINING-CENTRE-2026-00001"
    assert event.status == EventStatus.DRAFT and event.created_by == people.admin
    [audit] = audit_events("training.event.created")
    assert audit.target_id == str(event.public_id)
    assert json.loads(audit.changes)["after"]["title"] == event.title


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"ends_at": STARTS}, "ends_at"),
        ({"ends_at": STARTS - dt.timedelta(hours=1)}, "ends_at"),
        ({"venue": ""}, "venue"),
        ({"format": EventFormat.MIXED, "venue": ""}, "venue"),
        ({"video_link": "https://meet.example.az/x"}, "video_link"),
        ({"format": EventFormat.ONLINE, "video_link": "http://meet.example.az/x"}, "video_link"),
        ({"hours": "0"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"capacity": 0}, "capacity"),
        ({"kind": "picnic"}, "kind"),
    ],
)
def test_an_invalid_event_is_refused_on_its_field_and_nothing_is_written(
    people, clock, audit_events, fields, field
):
    with pytest.raises(ValidationFailed) as caught:
        services.event_create(actor=people.admin, data=event_input(people, **fields))
    assert field in caught.value.details
    assert not TrainingEvent.objects.exists()
    assert audit_events() == []


def test_an_online_event_may_have_no_video_link_yet_and_keeps_no_venue(people, clock):
    event = services.event_create(
        actor=people.admin, data=event_input(people, format=EventFormat.ONLINE, venue="Otaq 5", video_link="")
    )
    assert event.video_link == "" and event.venue == ""


def test_an_inactive_area_and_a_foreign_organiser_are_refused(people, clock):
    ThematicArea.objects.filter(pk=people.area.pk).update(is_active=False)
    people.area.refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        services.event_create(actor=people.admin, data=event_input(people))
    assert "area" in caught.value.details
    people.area.is_active = True
    people.area.save()
    with pytest.raises(ValidationFailed) as caught:
        services.event_create(actor=people.admin, data=event_input(people, organiser=people.xetai))
    assert "organiser" in caught.value.details


def test_only_an_administrator_enters_events(people, clock):
    with pytest.raises(Forbidden):
        services.event_create(actor=people.trainer, data=event_input(people))
    assert not TrainingEvent.objects.exists()


def test_an_update_is_audited_with_the_changed_fields_only(people, make_event, audit_events):
    event = make_event(publish=False)
    services.event_update(actor=people.admin, event=event, data=event_input(people, venue="Otaq 12"))
    [audit] = audit_events("training.event.updated")
    assert json.loads(audit.changes) == {
        "before": {"venue": "Elm-Tədris Mərkəzi, 2-ci mərtəbə, akt zalı"},
        "after": {"venue": "Otaq 12"},
    }


def test_publish_and_cancel_follow_the_transitions(people, make_event, audit_events):
    event = make_event(publish=False)
    services.event_publish(actor=people.admin, event=event)
    with pytest.raises(Conflict):
        services.event_publish(actor=people.admin, event=event)
    with pytest.raises(ValidationFailed) as caught:
        services.event_cancel(actor=people.admin, event=event, reason=" ")
    assert "reason" in caught.value.details
    services.event_cancel(actor=people.admin, event=event, reason="Təlimçi xəstələnib.")
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED and event.cancellation_reason == "Təlimçi xəstələnib."
    assert (
        len(audit_events("training.event.published")) == 1
        and len(audit_events("training.event.cancelled")) == 1
    )
    with pytest.raises(Conflict):
        services.event_update(actor=people.admin, event=event, data=event_input(people))


def test_an_event_is_marked_held_only_once_it_has_ended(people, event, clock, audit_events):
    with pytest.raises(Conflict):
        services.event_mark_held(actor=people.admin, event=event)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    clock.set(event.ends_at)
    with pytest.raises(Forbidden):
        services.event_mark_held(actor=people.trainer, event=event)
    services.event_mark_held(actor=people.admin, event=event)
    event.refresh_from_db()
    assert event.status == EventStatus.HELD
    assert len(audit_events("training.event.held")) == 1
    with pytest.raises(Conflict):
        services.event_cancel(actor=people.admin, event=event, reason="Gec.")


# --- trainers ---------------------------------------------------------------------------------------------


def test_an_internal_and_an_external_trainer_are_added(people, make_event, audit_events):
    event = make_event(staffed=False)
    services.trainer_add(actor=people.admin, event=event, employee=people.trainer)
    services.trainer_add(
        actor=people.admin,
        event=event,
        external_name="Dr. Anna Schmidt",
        external_organisation="OSCE",
        role="speaker",
    )
    assert [trainer.name for trainer in event.trainers.all()] == [
        str(people.trainer),
        "Dr. Anna Schmidt (OSCE)",
    ]
    assert len(audit_events("training.trainer.added")) == 2


def test_a_trainer_needs_an_employee_or_a_name_not_both_and_not_twice(people, make_event):
    event = make_event(staffed=False)
    with pytest.raises(ValidationFailed):
        services.trainer_add(actor=people.admin, event=event)
    with pytest.raises(ValidationFailed):
        services.trainer_add(actor=people.admin, event=event, employee=people.trainer, external_name="X")
    services.trainer_add(actor=people.admin, event=event, employee=people.trainer)
    with pytest.raises(ValidationFailed):
        services.trainer_add(actor=people.admin, event=event, employee=people.trainer)
    assert event.trainers.count() == 1


def test_overlapping_events_for_the_same_trainer_are_refused(people, make_event, audit_events):
    make_event()  # 10:00-14:00, taught by `trainer`
    overlapping = make_event(
        staffed=False, starts_at=STARTS + dt.timedelta(hours=3), ends_at=STARTS + dt.timedelta(hours=6)
    )
    before = len(audit_events())
    with pytest.raises(ValidationFailed) as caught:
        services.trainer_add(actor=people.admin, event=overlapping, employee=people.trainer)
    assert "employee" in caught.value.details
    assert "TT-TRAINING-CENTRE-2026-00001" in str(caught.value.message)
    assert not EventTrainer.objects.filter(event=overlapping).exists()
    assert len(audit_events()) == before
    # another trainer is free; an external expert is not checked
    services.trainer_add(actor=people.admin, event=overlapping, employee=people.other_trainer)
    services.trainer_add(actor=people.admin, event=overlapping, external_name="Dr. Anna Schmidt")


def test_back_to_back_and_cancelled_events_do_not_overlap(people, make_event):
    first = make_event()  # 10:00-14:00
    after = make_event(staffed=False, starts_at=first.ends_at, ends_at=first.ends_at + dt.timedelta(hours=2))
    services.trainer_add(actor=people.admin, event=after, employee=people.trainer)  # 14:00-16:00 touches only
    clash = make_event(
        staffed=False, starts_at=STARTS + dt.timedelta(minutes=30), ends_at=STARTS + dt.timedelta(hours=3)
    )
    with pytest.raises(ValidationFailed):
        services.trainer_add(actor=people.admin, event=clash, employee=people.trainer)
    services.event_cancel(actor=people.admin, event=first, reason="Köçürülüb.")
    services.trainer_add(actor=people.admin, event=clash, employee=people.trainer)
    assert EventTrainer.objects.filter(employee=people.trainer).count() == 3


def test_moving_an_event_onto_its_trainer_s_other_event_is_refused(people, make_event):
    make_event()
    later = make_event(
        staffed=False, starts_at=STARTS + dt.timedelta(days=1), ends_at=STARTS + dt.timedelta(days=1, hours=2)
    )
    services.trainer_add(actor=people.admin, event=later, employee=people.trainer)
    with pytest.raises(ValidationFailed) as caught:
        services.event_update(actor=people.admin, event=later, data=event_input(people))
    assert "starts_at" in caught.value.details
    later.refresh_from_db()
    assert later.starts_at == STARTS + dt.timedelta(days=1)


# --- invitations by circle ------------------------------------------------------------------------------


def _invited(event):
    return set(Invitation.objects.filter(event=event).values_list("employee__username", flat=True))


def test_invite_by_unit_takes_its_active_employees_only(people, make_event, audit_events):
    event = make_event(staffed=False)
    count = services.invite(actor=people.admin, event=event, circle=services.Circle(unit=people.xetai))
    assert count == 2
    assert _invited(event) == {"listener", "colleague"}  # `retired` is inactive
    [audit] = audit_events("training.invitation.created")
    assert json.loads(audit.data)["count"] == 2 and json.loads(audit.data)["unit"] == "baku-xetai"


def test_invite_by_unit_with_its_sub_units(people, make_event):
    event = make_event(staffed=False)
    services.invite(
        actor=people.admin, event=event, circle=services.Circle(unit=people.baku, include_subunits=True)
    )
    assert _invited(event) == {"listener", "colleague", "head_listener", "outsider"}


def test_invite_by_position_and_by_rank_narrow_each_other(people, make_event):
    event = make_event(staffed=False)
    services.invite(actor=people.admin, event=event, circle=services.Circle(position=people.prosecutor))
    assert _invited(event) == {"listener", "outsider"}
    other = make_event(staffed=False)
    services.invite(
        actor=people.admin,
        event=other,
        circle=services.Circle(
            unit=people.xetai, class_rank=people.junior_rank, position=people.investigator
        ),
    )
    assert _invited(other) == {"colleague"}
    third = make_event(staffed=False)
    services.invite(actor=people.admin, event=third, circle=services.Circle(class_rank=people.senior_rank))
    assert _invited(third) == {"head_listener"}


def test_invite_by_name_is_added_to_the_criteria(people, make_event):
    event = make_event(staffed=False)
    services.invite(
        actor=people.admin,
        event=event,
        circle=services.Circle(position=people.senior, employees=(people.outsider, people.retired)),
    )
    assert _invited(event) == {"head_listener", "outsider"}


def test_inviting_again_is_idempotent_and_keeps_the_answers(people, event, clock, audit_events):
    invitation = Invitation.objects.get(event=event, employee=people.listener)
    services.invitation_respond(actor=people.listener, invitation=invitation, confirm=True)
    before = len(audit_events("training.invitation.created"))
    count = services.invite(actor=people.admin, event=event, circle=services.Circle(unit=people.xetai))
    assert count == 1  # only the colleague is new
    again = services.invite(actor=people.admin, event=event, circle=services.Circle(unit=people.xetai))
    assert again == 0
    assert Invitation.objects.filter(event=event).count() == 2
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CONFIRMED
    assert len(audit_events("training.invitation.created")) == before + 1  # nothing new, nothing recorded


def test_an_empty_circle_is_refused(people, make_event):
    event = make_event(staffed=False)
    with pytest.raises(ValidationFailed) as caught:
        services.invite(actor=people.admin, event=event, circle=services.Circle())
    assert "unit" in caught.value.details


def test_only_administrators_invite(people, event):
    with pytest.raises(Forbidden):
        services.invite(actor=people.trainer, event=event, circle=services.Circle(unit=people.xetai))
    assert _invited(event) == {"listener"}


# --- answers ----------------------------------------------------------------------------------------------


def test_the_invitee_confirms_and_declines(people, event, clock, audit_events):
    invitation = Invitation.objects.get(event=event, employee=people.listener)
    services.invitation_respond(actor=people.listener, invitation=invitation, confirm=True)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CONFIRMED and invitation.responded_at == clock.now
    services.invitation_respond(actor=people.listener, invitation=invitation, confirm=False)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    audits = audit_events("training.invitation.responded")
    assert [json.loads(a.changes)["after"]["status"] for a in audits] == ["confirmed", "declined"]


def test_someone_else_cannot_answer_and_a_draft_or_past_event_cannot_be_answered(people, make_event, clock):
    event = make_event(publish=False)
    invitation = Invitation.objects.get(event=event, employee=people.listener)
    with pytest.raises(Forbidden):
        services.invitation_respond(actor=people.colleague, invitation=invitation, confirm=True)
    with pytest.raises(Conflict):
        services.invitation_respond(actor=people.listener, invitation=invitation, confirm=True)
    services.event_publish(actor=people.admin, event=event)
    clock.set(event.ends_at)
    with pytest.raises(Conflict):
        services.invitation_respond(actor=people.listener, invitation=invitation, confirm=True)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.INVITED


def test_a_confirmation_beyond_the_capacity_is_refused(people, make_event):
    event = make_event(capacity=1)
    services.invite(actor=people.admin, event=event, circle=services.Circle(employees=(people.colleague,)))
    first = Invitation.objects.get(event=event, employee=people.listener)
    second = Invitation.objects.get(event=event, employee=people.colleague)
    services.invitation_respond(actor=people.listener, invitation=first, confirm=True)
    with pytest.raises(Conflict):
        services.invitation_respond(actor=people.colleague, invitation=second, confirm=True)
    services.invitation_respond(
        actor=people.listener, invitation=first, confirm=True
    )  # re-confirming is fine


# --- attendance -------------------------------------------------------------------------------------------


def test_the_organiser_marks_an_invited_listener(people, event, audit_events):
    attendance = services.attendance_mark(
        actor=people.trainer, event=event, employee=people.listener, present=True
    )
    assert attendance.method == AttendanceMethod.MANUAL and attendance.recorded_by == people.trainer
    services.attendance_mark(actor=people.admin, event=event, employee=people.listener, present=False)
    assert Attendance.objects.get(event=event, employee=people.listener).present is False
    assert len(audit_events("training.attendance.marked")) == 2


def test_marking_someone_outside_the_circle_is_refused(people, event, audit_events):
    with pytest.raises(ValidationFailed) as caught:
        services.attendance_mark(actor=people.admin, event=event, employee=people.outsider, present=True)
    assert "dinləyicilər dairəsinə daxil deyil" in str(caught.value.message)  # Azerbaijani, the default
    assert not Attendance.objects.exists() and audit_events("training.attendance.marked") == []


def test_a_listener_or_stranger_cannot_mark_attendance(people, event):
    with pytest.raises(Forbidden):
        services.attendance_mark(actor=people.listener, event=event, employee=people.listener, present=True)
    with pytest.raises(Forbidden):
        services.attendance_mark(
            actor=people.other_trainer, event=event, employee=people.listener, present=True
        )


# --- the rotating QR code -------------------------------------------------------------------------------


def test_the_code_rotates_every_thirty_seconds(people, event, clock):
    clock.set(STARTS)
    first = checkin.current_code(event.public_id)
    assert len(first) == checkin.DIGITS and first.isdigit()
    clock.advance(seconds=29)
    assert checkin.current_code(event.public_id) == first
    clock.advance(seconds=1)
    assert checkin.current_code(event.public_id) != first
    assert checkin.current_code(event.public_id) != checkin.code_for(event.public_id, 0)


def test_codes_differ_between_events_and_depend_on_the_secret_key(people, make_event, clock, settings):
    one, two = (
        make_event(),
        make_event(
            staffed=False,
            starts_at=STARTS + dt.timedelta(days=1),
            ends_at=STARTS + dt.timedelta(days=1, hours=1),
        ),
    )
    assert checkin.current_code(one.public_id) != checkin.current_code(two.public_id)
    code = checkin.current_code(one.public_id)
    settings.SECRET_KEY = "another-secret-key-for-the-test-only-0123456789"
    assert checkin.current_code(one.public_id) != code


def test_check_in_accepts_the_current_and_the_previous_code(people, event, clock, audit_events):
    clock.set(STARTS + dt.timedelta(minutes=5))
    code = checkin.current_code(event.public_id)
    clock.advance(seconds=30)  # the next rotation: the code just scanned is the previous one
    attendance = services.check_in(actor=people.listener, event=event, code=code)
    assert (
        attendance.present
        and attendance.method == AttendanceMethod.QR
        and attendance.recorded_by == people.listener
    )
    [audit] = audit_events("training.attendance.checked_in")
    assert audit.actor_id == people.listener.pk
    services.check_in(
        actor=people.listener, event=event, code=checkin.current_code(event.public_id)
    )  # again: no-op
    assert len(audit_events("training.attendance.checked_in")) == 1


def test_a_code_from_an_earlier_rotation_is_refused(people, event, clock, audit_events):
    clock.set(STARTS + dt.timedelta(minutes=5))
    code = checkin.current_code(event.public_id)
    clock.advance(seconds=60)  # two rotations later
    with pytest.raises(ValidationFailed) as caught:
        services.check_in(actor=people.listener, event=event, code=code)
    assert "code" in caught.value.details
    assert "earlier rotation" in _english(caught.value.message)
    assert not Attendance.objects.exists() and audit_events("training.attendance.checked_in") == []


def test_a_wrong_code_is_refused_as_not_right(people, event, clock):
    clock.set(STARTS + dt.timedelta(minutes=5))
    code = checkin.current_code(event.public_id)
    wrong = f"{(int(code) + 1) % 10**checkin.DIGITS:0{checkin.DIGITS}d}"
    for given in (wrong, "123", ""):
        with pytest.raises(ValidationFailed) as caught:
            services.check_in(actor=people.listener, event=event, code=given)
        assert "not right" in _english(caught.value.message)
    assert not Attendance.objects.exists()


def test_someone_outside_the_circle_cannot_check_in(people, event, clock, audit_events):
    clock.set(STARTS + dt.timedelta(minutes=5))
    with pytest.raises(Forbidden) as caught:
        services.check_in(actor=people.outsider, event=event, code=checkin.current_code(event.public_id))
    assert "circle of listeners" in _english(caught.value.message)
    assert not Attendance.objects.exists() and audit_events("training.attendance.checked_in") == []


def test_check_in_is_open_from_an_hour_before_until_the_end(people, event, clock):
    clock.set(STARTS - dt.timedelta(minutes=61))
    with pytest.raises(Conflict):
        services.check_in(actor=people.listener, event=event, code=checkin.current_code(event.public_id))
    clock.set(event.ends_at + dt.timedelta(seconds=1))
    with pytest.raises(Conflict):
        services.check_in(actor=people.listener, event=event, code=checkin.current_code(event.public_id))
    clock.set(STARTS - dt.timedelta(minutes=59))
    services.check_in(actor=people.listener, event=event, code=checkin.current_code(event.public_id))
    assert Attendance.objects.filter(event=event, employee=people.listener, present=True).exists()
