"""The operator's writes on a call: opening, taking, registering with every outcome, callbacks and copies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.contact import selectors, services, terms
from eprok.contact.models import (
    Call,
    CallbackStatus,
    CallOutcome,
    CallStatus,
    Centre,
    RecordingCopyStatus,
)
from eprok.contact.tests.factories import NUMBER, open_call, registered_call
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.core.mywork import work_items
from eprok.materials.models import Material

pytestmark = pytest.mark.django_db

SUMMARY = "Zəng edən şəxs müraciətinin baxılma vəziyyəti ilə maraqlanıb."


def test_an_operator_opens_a_call_card_by_hand(people, audit_events):
    call = open_call(actor=people.investigator, unit=people.unit, caller_number="050 123 45 67")
    assert call.status == CallStatus.ANSWERED and call.operator == people.investigator
    assert call.caller_number == NUMBER
    assert [e.action for e in audit_events()] == ["contact.call.opened"]


def test_opening_a_card_needs_the_operator_role_in_the_unit(people):
    with pytest.raises(Forbidden):
        open_call(actor=people.outsider, unit=people.unit)
    with pytest.raises(Forbidden):
        open_call(actor=people.colleague, unit=people.unit)


def test_a_malformed_number_is_refused_with_the_field_named(people):
    with pytest.raises(ValidationFailed) as refused:
        open_call(actor=people.investigator, unit=people.unit, caller_number="12ab")
    assert "caller_number" in refused.value.details


def test_an_outgoing_call_names_the_number_it_calls(people):
    with pytest.raises(ValidationFailed) as refused:
        open_call(actor=people.investigator, unit=people.unit, direction="outgoing")
    assert "called_number" in refused.value.details


def test_a_hotline_call_keeps_no_callers_number(people):
    call = open_call(actor=people.investigator, unit=people.unit, centre=Centre.HOTLINE, caller_number=NUMBER)
    assert call.caller_number == ""


def test_registering_a_call_records_its_outcome(people, audit_events):
    call = open_call(actor=people.investigator, unit=people.unit)
    call = services.call_register(
        actor=people.investigator,
        call=call,
        outcome=CallOutcome.INFORMATION,
        summary=SUMMARY,
        topic="criminal-case-progress",
        caller=services.Caller(name="Məmmədov Elçin", fin="5zx9k2a"),
        caller_notified=True,
    )
    assert call.status == CallStatus.REGISTERED and call.registered_by == people.investigator
    assert call.caller_fin == "5ZX9K2A" and call.topic == "criminal-case-progress" and call.caller_notified
    event = audit_events("contact.call.registered")[0]
    assert '"outcome":"information"' in event.changes
    # Personal data of the caller stays out of the audit log.
    assert "5ZX9K2A" not in event.changes and "Elçin" not in event.changes


def test_registration_checks_every_field_at_once(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    with pytest.raises(ValidationFailed) as refused:
        services.call_register(
            actor=people.investigator,
            call=call,
            outcome=CallOutcome.FORWARDED,
            summary="",
            topic="no-such-topic",
            caller=services.Caller(fin="IO12345"),
        )
    assert {"summary", "topic", "forwarded_to", "caller_fin"} <= set(refused.value.details)
    call.refresh_from_db()
    assert call.status == CallStatus.ANSWERED


def test_an_appeal_or_a_crime_report_is_not_a_plain_outcome(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    with pytest.raises(ValidationFailed):
        services.call_register(
            actor=people.investigator, call=call, outcome=CallOutcome.APPEAL_REGISTERED, summary=SUMMARY
        )


def test_a_call_is_registered_once(people):
    call = registered_call(actor=people.investigator, unit=people.unit)
    with pytest.raises(Conflict):
        services.call_register(
            actor=people.investigator, call=call, outcome=CallOutcome.OTHER, summary=SUMMARY
        )


def test_another_operator_cannot_register_a_taken_call_but_a_supervisor_can(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    with pytest.raises(Forbidden):
        services.call_register(actor=people.peer, call=call, outcome=CallOutcome.OTHER, summary=SUMMARY)
    call = services.call_register(
        actor=people.superior, call=call, outcome=CallOutcome.OTHER, summary=SUMMARY
    )
    assert call.registered_by == people.superior and call.operator == people.investigator


def test_a_stale_version_is_refused(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    with pytest.raises(Conflict) as refused:
        services.call_register(
            actor=people.investigator,
            call=call,
            outcome=CallOutcome.OTHER,
            summary=SUMMARY,
            expected_version=9,
        )
    assert refused.value.code == "stale_version"


def test_an_operator_takes_a_ringing_call(people, pbx, audit_events):
    call = Call.objects.create(
        centre=Centre.CALL_CENTRE, unit=people.unit, pbx=pbx, external_id="x1", offered_at=timezone.now()
    )
    call = services.call_take(actor=people.peer, call=call)
    assert call.operator == people.peer and call.status == CallStatus.ANSWERED
    with pytest.raises(Conflict):
        services.call_take(actor=people.investigator, call=call)
    assert audit_events("contact.call.taken")


def test_registering_an_appeal_from_the_call_registers_both(people, audit_events):
    call = open_call(actor=people.investigator, unit=people.unit)
    call = services.call_register_appeal(
        actor=people.investigator,
        call=call,
        kind="complaint",
        text="Polis əməkdaşlarının hərəkətlərindən şikayət edir; ərizəsinə cavab verilməyib.",
        applicant=services.ApplicantFields(last_name="Məmmədov", first_name="Elçin", patronymic="Vəli oğlu"),
        topic="police-misconduct",
    )
    assert call.status == CallStatus.REGISTERED and call.outcome == CallOutcome.APPEAL_REGISTERED
    assert call.appeal_number and call.caller_name == "Məmmədov Elçin Vəli oğlu"
    from eprok.appeals.models import Appeal

    appeal = Appeal.objects.get(number=call.appeal_number)
    assert appeal.channel == "call_961" and appeal.applicant_phone == NUMBER and appeal.unit == people.unit
    assert audit_events("contact.call.registered")


def test_a_refused_appeal_leaves_the_call_unregistered(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    with pytest.raises(ValidationFailed):
        services.call_register_appeal(
            actor=people.investigator,
            call=call,
            kind="no-such-kind",
            text="Mətn",
            applicant=services.ApplicantFields(),
        )
    call.refresh_from_db()
    assert call.status == CallStatus.ANSWERED and call.appeal_number == ""


def test_referring_a_crime_report_registers_it_in_the_chosen_unit(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    call = services.call_refer_crime_report(
        actor=people.investigator,
        call=call,
        unit=people.other_unit,
        summary="Zəng edən qonşu mənzildən səs-küy və yardım çağırışları eşitdiyini bildirir.",
        place="Nəsimi rayonu",
    )
    material = Material.objects.get(number=call.material_number)
    assert call.outcome == CallOutcome.CRIME_REPORT and material.unit == people.other_unit
    assert material.source == "hotline" and material.is_anonymous
    assert material.source_reference == f"961 {call.short_id}"


def test_a_crime_report_of_a_named_caller_is_not_anonymous(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    call = services.call_refer_crime_report(
        actor=people.investigator,
        call=call,
        unit=people.unit,
        summary="Mənzil oğurluğu barədə məlumat.",
        caller=services.Caller(name="Həsənov Ramil"),
    )
    assert not Material.objects.get(number=call.material_number).is_anonymous
    assert call.caller_name == "Həsənov Ramil"


def test_hotline_calls_do_not_become_appeals(people):
    call = open_call(actor=people.investigator, unit=people.unit, centre=Centre.HOTLINE)
    with pytest.raises(Conflict):
        services.call_refer_crime_report(actor=people.investigator, call=call, unit=people.unit, summary="x")


def test_the_history_finds_earlier_calls_by_number_or_fin(people):
    first = registered_call(
        actor=people.investigator, unit=people.unit, caller=services.Caller(fin="5ZX9K2A")
    )
    second = open_call(actor=people.investigator, unit=people.unit, caller_number="+994551112233")
    second = services.call_register(
        actor=people.investigator,
        call=second,
        outcome=CallOutcome.OTHER,
        summary=SUMMARY,
        caller=services.Caller(fin="5ZX9K2A"),
    )
    other = open_call(actor=people.investigator, unit=people.unit, caller_number="+994701112233")
    current = open_call(actor=people.investigator, unit=people.unit)
    history = selectors.caller_history(user=people.investigator, call=current)
    assert [c.pk for c in history.calls] == [first.pk]
    by_fin = selectors.caller_history(user=people.investigator, fin="5ZX9K2A")
    assert {c.pk for c in by_fin.calls} == {first.pk, second.pk} and other.pk not in {
        c.pk for c in by_fin.calls
    }
    # An operator of another office does not see this office's calls.
    assert selectors.caller_history(user=people.outsider, call=current).calls == []


def test_the_history_lists_the_callers_appeals_by_their_public_status(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    registered = services.call_register_appeal(
        actor=people.investigator,
        call=call,
        kind="application",
        text="Cinayət işi üzrə məlumat istəyir.",
        applicant=services.ApplicantFields(last_name="Məmmədov", first_name="Elçin"),
    )
    later = open_call(actor=people.investigator, unit=people.unit)
    history = selectors.caller_history(user=people.investigator, call=later)
    assert history.appeals_available
    assert [row["number"] for row in history.appeals] == [registered.appeal_number]
    assert history.appeals[0]["status_label"] and history.appeals[0]["answer_text"] == ""
    assert history.appeals[0]["url"] == ""  # the operator does not read the appeals register


def test_a_hotline_call_has_no_history(people):
    call = open_call(actor=people.investigator, unit=people.unit, centre=Centre.HOTLINE)
    assert selectors.caller_history(user=people.investigator, call=call).calls == []


# --- callbacks ----------------------------------------------------------------------------------------


def test_a_callback_is_the_operators_task_on_my_work(people, audit_events):
    call = registered_call(actor=people.investigator, unit=people.unit)
    due = timezone.now() + dt.timedelta(days=1)
    callback = services.callback_schedule(
        actor=people.investigator, call=call, due_at=due, note="Cavabı bildirmək"
    )
    assert callback.assignee == people.investigator and callback.status == CallbackStatus.OPEN
    items = [item for item in work_items(people.investigator) if item.url == callback.get_absolute_url()]
    assert len(items) == 1 and items[0].due == timezone.localtime(due).date()
    assert audit_events("contact.callback.scheduled")
    services.callback_complete(
        actor=people.investigator, callback=callback, result="Zəng edildi, izah olundu."
    )
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DONE and callback.done_at
    assert not [item for item in work_items(people.investigator) if item.url == callback.get_absolute_url()]


def test_a_callback_cannot_be_due_in_the_past_nor_go_to_someone_else_by_an_operator(people):
    call = registered_call(actor=people.investigator, unit=people.unit)
    with pytest.raises(ValidationFailed) as refused:
        services.callback_schedule(
            actor=people.investigator,
            call=call,
            due_at=timezone.now() - dt.timedelta(hours=1),
            assignee=people.peer,
        )
    assert {"due_at", "assignee"} <= set(refused.value.details)


def test_a_supervisor_reassigns_a_callback_and_an_operator_may_not(people):
    call = registered_call(actor=people.investigator, unit=people.unit)
    callback = services.callback_schedule(
        actor=people.investigator, call=call, due_at=timezone.now() + dt.timedelta(hours=2)
    )
    with pytest.raises(Forbidden):
        services.callback_reassign(actor=people.investigator, callback=callback, assignee=people.peer)
    callback = services.callback_reassign(actor=people.superior, callback=callback, assignee=people.peer)
    assert callback.assignee == people.peer
    with pytest.raises(ValidationFailed):
        services.callback_reassign(actor=people.superior, callback=callback, assignee=people.colleague)
    with pytest.raises(Forbidden):
        services.callback_complete(actor=people.investigator, callback=callback, result="x")


def test_a_hotline_call_gets_no_callback(people):
    call = open_call(actor=people.investigator, unit=people.unit, centre=Centre.HOTLINE)
    with pytest.raises(Forbidden):
        services.callback_schedule(
            actor=people.investigator, call=call, due_at=timezone.now() + dt.timedelta(hours=1)
        )


# --- copies of recordings -----------------------------------------------------------------------------


def _recorded(people, *, days_ago: int = 0) -> Call:
    call = registered_call(
        actor=people.investigator, unit=people.unit, offered_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    Call.objects.filter(pk=call.pk).update(recording_url="https://pbx.example/rec/1.wav")
    call.refresh_from_db()
    return call


def test_a_copy_requested_within_three_months_is_tracked_until_handed_over(people, audit_events):
    call = _recorded(people, days_ago=20)
    request = services.recording_copy_request(
        actor=people.investigator, call=call, requester="Məmmədov Elçin", contact=NUMBER
    )
    assert request.status == RecordingCopyStatus.REQUESTED and request.due
    tracked = TrackedDeadline.objects.get(owner_type="contact.recordingcopyrequest", owner_id=request.pk)
    assert tracked.responsible == people.investigator and tracked.rule_code == terms.COPY_ANSWER_RULE
    call.refresh_from_db()
    assert call.recording_retain_until is not None and request.due is not None
    assert call.recording_retain_until >= request.due
    services.recording_copy_prepare(actor=people.investigator, request=request)
    services.recording_copy_hand_over(actor=people.investigator, request=request)
    request.refresh_from_db()
    tracked.refresh_from_db()
    assert request.status == RecordingCopyStatus.HANDED_OVER and tracked.state == DeadlineState.CLOSED
    assert [e.action for e in audit_events() if e.action.startswith("contact.recording_copy")] == [
        "contact.recording_copy.requested",
        "contact.recording_copy.prepared",
        "contact.recording_copy.handed_over",
    ]


def test_a_copy_requested_after_three_months_is_refused_with_the_rules_explanation(people, audit_events):
    call = _recorded(people, days_ago=100)
    window = terms.copy_window(call)
    request = services.recording_copy_request(
        actor=people.investigator, call=call, requester="Məmmədov Elçin"
    )
    assert request.status == RecordingCopyStatus.REFUSED
    assert window.due.strftime("%Y") in request.refusal_reason
    assert "Cabinet of Ministers" in request.refusal_reason  # the rule's legal source, in the explanation
    assert not TrackedDeadline.objects.filter(owner_type="contact.recordingcopyrequest").exists()
    assert audit_events("contact.recording_copy.refused")


def test_the_last_day_of_the_window_is_still_in_time(people):
    call = _recorded(people, days_ago=0)
    window = terms.copy_window(call)
    last_day = timezone.make_aware(dt.datetime.combine(window.due, dt.time(12, 0)))
    assert window.due > timezone.localdate() + dt.timedelta(days=85)
    request = services.recording_copy_request(
        actor=people.investigator, call=call, requester="X", requested_at=min(last_day, timezone.now())
    )
    assert request.status == RecordingCopyStatus.REQUESTED


def test_a_call_without_a_recording_has_nothing_to_copy(people):
    call = registered_call(actor=people.investigator, unit=people.unit)
    request = services.recording_copy_request(actor=people.investigator, call=call, requester="X")
    assert request.status == RecordingCopyStatus.REFUSED and request.refusal_reason


def test_a_request_needs_a_requester_and_cannot_predate_the_call(people):
    call = _recorded(people)
    with pytest.raises(ValidationFailed) as refused:
        services.recording_copy_request(
            actor=people.investigator,
            call=call,
            requester="",
            requested_at=call.offered_at - dt.timedelta(days=1),
        )
    assert {"requester", "requested_at"} <= set(refused.value.details)
