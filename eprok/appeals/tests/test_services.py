"""Registration and the rules of the Law on citizens' appeals, service by service, with their audit events."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from eprok.appeals import selectors, services, terms
from eprok.appeals.models import (
    AnswerRule,
    AnswerStatus,
    Appeal,
    AppealStatus,
    Channel,
    Escalation,
    Outcome,
    UnconsideredGround,
)
from eprok.appeals.services import ApplicantData, ComplainedBodyRefused, RepeatRuleNotMet
from eprok.appeals.tests.factories import APPLICANT, answer, make_appeal, topic
from eprok.core.calendar.deadlines import ExtensionRefused
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.locking import StaleVersion
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.notifications.models import Notification
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def aware(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def changes(event) -> dict:
    return json.loads(event.changes) if event.changes else {}


def data(event) -> dict:
    return json.loads(event.data) if event.data else {}


def tracked(appeal: Appeal) -> dict[str, TrackedDeadline]:
    rows = TrackedDeadline.objects.filter(
        owner_type="appeals.appeal", owner_id=appeal.pk, state=DeadlineState.OPEN
    )
    return {row.key: row for row in rows}


# --- registration ----------------------------------------------------------------------------------------


def test_it_registers_an_appeal_with_a_number_and_both_terms(people, audit_events):
    registered_at = aware(2026, 6, 1, 10, 0)
    appeal = make_appeal(actor=people.clerk, unit=people.unit, registered_at=registered_at, topic=topic())
    assert appeal.number == "AP-BAKU-XETAI-2026-00001"
    assert appeal.status == AppealStatus.REGISTERED and appeal.registered_by == people.clerk
    # 15 working days, 15 June (National Salvation Day) not counted; 3 working days to decide on forwarding.
    assert appeal.answer_due == dt.date(2026, 6, 23) and appeal.forward_due == dt.date(2026, 6, 4)
    rows = tracked(appeal)
    assert set(rows) == {terms.ANSWER_KEY, terms.FORWARD_KEY}
    assert rows["answer"].unit_id == people.unit.pk and rows["answer"].responsible is None
    (event,) = audit_events("appeals.appeal.registered")
    assert (
        changes(event)["after"]["number"] == appeal.number
        and changes(event)["after"]["answer_due"] == "2026-06-23"
    )
    assert appeal.applicant_fin == "5ZJ7K2P" and appeal.applicant_phone == "+994501234567"


def test_acceptance_is_never_refused_any_text_is_registered(people):
    appeal = services.appeal_register(
        actor=people.clerk,
        unit=people.unit,
        channel=Channel.RECEPTION,
        kind="application",
        text="?",
        applicant=None,
    )
    assert appeal.pk and appeal.status == AppealStatus.REGISTERED
    # An oral appeal without a name is recorded as anonymous, but art. 6.4 concerns written appeals only.
    assert appeal.is_anonymous


def test_an_empty_text_is_the_only_thing_it_asks_for(people):
    with pytest.raises(ValidationFailed) as caught:
        services.appeal_register(
            actor=people.clerk,
            unit=people.unit,
            channel=Channel.LETTER,
            kind="complaint",
            text="  ",
            applicant=None,
        )
    assert set(caught.value.details) == {"text"}
    assert not Appeal.objects.exists()


def test_an_anonymous_written_appeal_is_registered_and_left_unconsidered(people, audit_events):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, applicant=ApplicantData(last_name="Naməlum"))
    assert appeal.is_anonymous and appeal.number
    assert appeal.status == AppealStatus.LEFT_UNCONSIDERED
    assert appeal.unconsidered_ground == UnconsideredGround.ANONYMOUS == "6.4"
    assert appeal.outcome == Outcome.LEFT_UNCONSIDERED and appeal.answer_due is None
    assert tracked(appeal) == {}
    (event,) = audit_events("appeals.appeal.registered")
    assert changes(event)["after"]["unconsidered_ground"] == "6.4"


@pytest.mark.parametrize(
    "applicant",
    [
        ApplicantData(organisation="“Günəş” MMC"),  # a legal entity's letterhead
        ApplicantData(email="vetendas@example.az"),  # at least one contact of the natural person
        ApplicantData(last_name="Əliyev", address="Sumqayıt, 5-ci mikrorayon"),
    ],
)
def test_a_letterhead_or_a_single_contact_makes_it_not_anonymous(people, applicant):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, applicant=applicant)
    assert not appeal.is_anonymous and appeal.status == AppealStatus.REGISTERED


def test_a_repeated_message_id_returns_the_appeal_registered_first(people, audit_events):
    first = make_appeal(actor=None, unit=people.unit, channel=Channel.EGOV, external_id="egov-msg-1")
    again = make_appeal(actor=None, unit=people.unit, channel=Channel.EGOV, external_id="egov-msg-1")
    other_channel = make_appeal(
        actor=None, unit=people.unit, channel=Channel.PORTAL, external_id="egov-msg-1"
    )
    assert again.pk == first.pk and other_channel.pk != first.pk
    assert first.registered_by is None
    assert len(audit_events("appeals.appeal.registered")) == 2
    assert other_channel.number.endswith("00002")  # the repeat did not take a number


def test_it_refuses_malformed_contacts_field_by_field(people):
    with pytest.raises(ValidationFailed) as caught:
        make_appeal(
            actor=people.clerk,
            unit=people.unit,
            applicant=ApplicantData(fin="12", phone="abc"),
            notify_email="not-an-address",
        )
    assert {"fin", "phone", "notify_email"} <= set(caught.value.details)
    assert not Appeal.objects.exists()


def test_an_individual_appeal_has_one_signatory_a_collective_one_many(people):
    with pytest.raises(ValidationFailed):
        make_appeal(actor=people.clerk, unit=people.unit, signatories=12)
    appeal = make_appeal(actor=people.clerk, unit=people.unit, is_collective=True, signatories=12)
    assert appeal.is_collective and appeal.signatories == 12


def test_the_applicant_gets_a_receipt_notice_after_commit(people, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = make_appeal(actor=people.clerk, unit=people.unit, notify_email="vetendas@example.az")
    (message,) = outbox("appeal_received")
    assert message.recipient == "vetendas@example.az" and appeal.number in message.body
    assert message.related == f"appeals.appeal:{appeal.number}"


def test_needs_verification_gives_thirty_working_days(people):
    appeal = make_appeal(
        actor=people.clerk, unit=people.unit, registered_at=aware(2026, 6, 1, 10), needs_verification=True
    )
    assert appeal.answer_rule == AnswerRule.VERIFICATION
    assert appeal.answer_due == dt.date(2026, 7, 15)  # 30 WD, 15 and 26 June not counted


# --- never to the body or official complained about -------------------------------------------------------


@pytest.fixture
def complaint(people):
    """A complaint about the Nəsimi office (and one of its officials)."""
    return make_appeal(
        actor=people.clerk,
        unit=people.unit,
        complained_unit=people.other_unit,
        complained_official=people.outsider,
    )


def test_it_refuses_to_route_an_appeal_to_the_body_it_complains_about(people, complaint):
    with pytest.raises(ComplainedBodyRefused) as caught:
        services.appeal_route(
            actor=people.approver, appeal=complaint, executor_unit=people.other_unit, instruction="Baxın."
        )
    assert caught.value.code == "complained_body" and "executor_unit" in caught.value.details
    complaint.refresh_from_db()
    assert complaint.status == AppealStatus.REGISTERED and not complaint.resolutions.exists()


def test_it_refuses_to_route_to_a_unit_within_the_body_complained_about(people):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, complained_unit=people.city)
    with pytest.raises(ComplainedBodyRefused):
        services.appeal_route(
            actor=people.approver, appeal=appeal, executor_unit=people.other_unit, instruction="x"
        )


def test_it_refuses_to_route_to_the_official_complained_about(people):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, complained_official=people.investigator)
    with pytest.raises(ComplainedBodyRefused) as caught:
        services.appeal_route(
            actor=people.approver,
            appeal=appeal,
            executor_unit=people.unit,
            executor=people.investigator,
            instruction="Baxın.",
        )
    assert "executor" in caught.value.details


def test_it_refuses_to_forward_to_the_body_complained_about(people, complaint):
    with pytest.raises(ComplainedBodyRefused):
        services.appeal_forward(
            actor=people.approver, appeal=complaint, to_unit=people.other_unit, covering_letter="Göndərilir."
        )
    named = make_appeal(actor=people.clerk, unit=people.unit, complained_text="Xətai rayon polis idarəsi")
    with pytest.raises(ComplainedBodyRefused):
        services.appeal_forward(
            actor=people.approver, appeal=named, to_body="XƏTAİ rayon polis  idarəsi", covering_letter="x"
        )


def test_the_routing_choices_leave_out_the_body_and_official_complained_about(people, complaint):
    units = selectors.routing_options(complaint)
    assert people.other_unit not in units and people.unit in units and people.city in units
    assert selectors.eligible_executors(complaint, people.other_unit) == []
    # The city office's answerer is eligible; the Nəsimi official complained about is not, even over Xətai.
    RoleAssignmentFactory(employee=people.outsider, role=Role.ANSWER_APPEALS, unit=people.unit)
    executors = selectors.eligible_executors(complaint, people.unit)
    assert people.investigator in executors and people.approver in executors
    assert people.outsider not in executors


def test_classifying_the_current_executor_unit_as_complained_about_is_refused(people, appeal):
    services.appeal_route(
        actor=people.approver, appeal=appeal, executor_unit=people.unit, instruction="Baxın."
    )
    with pytest.raises(ComplainedBodyRefused):
        services.appeal_classify(
            actor=people.approver, appeal=appeal, topic=None, complained_unit=people.unit
        )


# --- resolution (dərkənar) -----------------------------------------------------------------------------


def test_a_resolution_puts_the_appeal_in_work_with_the_executor(
    people, appeal, audit_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resolution = services.appeal_route(
            actor=people.approver,
            appeal=appeal,
            executor_unit=people.unit,
            executor=people.investigator,
            instruction="Araşdırıb cavab layihəsini hazırlayın.",
            due_date=appeal.answer_due - dt.timedelta(days=1),
        )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK and appeal.executor == people.investigator
    assert resolution.author == people.approver
    rows = tracked(appeal)
    assert set(rows) == {"answer"} and rows["answer"].responsible == people.investigator
    (event,) = audit_events("appeals.appeal.routed")
    assert changes(event)["after"]["executor"] == "investigator"
    assert Notification.objects.filter(recipient=people.investigator).exists()


def test_a_resolution_term_cannot_outrun_the_legal_one(people, appeal):
    with pytest.raises(ValidationFailed) as caught:
        services.appeal_route(
            actor=people.approver,
            appeal=appeal,
            executor_unit=people.unit,
            instruction="x",
            due_date=appeal.answer_due + dt.timedelta(days=1),
        )
    assert "due_date" in caught.value.details


def test_only_an_answerer_of_its_units_writes_a_resolution(people, appeal):
    with pytest.raises(Forbidden):
        services.appeal_route(
            actor=people.outsider, appeal=appeal, executor_unit=people.unit, instruction="x"
        )
    with pytest.raises(ValidationFailed):  # the executor must answer appeals over the executor unit
        services.appeal_route(
            actor=people.approver,
            appeal=appeal,
            executor_unit=people.unit,
            executor=people.colleague,
            instruction="x",
        )


def test_a_stale_version_is_refused(people, appeal):
    with pytest.raises(StaleVersion):
        services.appeal_route(
            actor=people.approver,
            appeal=appeal,
            executor_unit=people.unit,
            instruction="x",
            expected_version=appeal.version + 1,
        )


# --- forwarding ----------------------------------------------------------------------------------------


def test_forwarding_closes_the_appeal_and_informs_the_applicant(
    people, audit_events, outbox, django_capture_on_commit_callbacks
):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, notify_sms="055 765 43 21")
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_forward(
            actor=people.clerk,
            appeal=appeal,
            to_body="Bakı Şəhər Baş Polis İdarəsi",
            covering_letter="Aidiyyəti üzrə baxılması üçün göndərilir.",
        )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED and appeal.closed_at is not None
    assert tracked(appeal) == {}
    assert audit_events("appeals.appeal.forwarded")
    (message,) = outbox("appeal_forwarded")
    assert message.recipient == "+994557654321"


def test_forwarding_to_a_unit_of_the_service_opens_it_there(people, appeal):
    services.appeal_forward(
        actor=people.approver, appeal=appeal, to_unit=people.other_unit, covering_letter="Aidiyyəti üzrə."
    )
    from eprok.appeals import access

    assert access.visible_to(people.outsider).filter(pk=appeal.pk).exists()


# --- the answer term and its lawful extension ------------------------------------------------------------


def test_the_answer_term_is_extended_once_by_thirty_working_days_over_holidays(
    people, audit_events, outbox, django_capture_on_commit_callbacks
):
    appeal = make_appeal(
        actor=people.clerk,
        unit=people.unit,
        registered_at=aware(2026, 6, 1, 10),
        notify_email="vetendas@example.az",
    )
    assert appeal.answer_due == dt.date(2026, 6, 23)
    with django_capture_on_commit_callbacks(execute=True):
        extension = services.appeal_extend(
            actor=people.approver, appeal=appeal, reason="Polis idarəsindən əlavə məlumat istənilib."
        )
    appeal.refresh_from_db()
    # 45 working days from 1 June: 15 and 26 June are holidays; 5 August.
    assert extension.length == 30 and extension.step == "10.2" and extension.applicant_informed
    assert appeal.answer_due == dt.date(2026, 8, 5)
    assert tracked(appeal)["answer"].ends_at == aware(2026, 8, 6)
    (event,) = audit_events("appeals.appeal.extended")
    assert changes(event)["before"]["answer_due"] == "2026-06-23"
    assert changes(event)["after"]["answer_due"] == "2026-08-05"
    (message,) = outbox("appeal_extended")
    assert "05.08.2026" in message.body or "2026" in message.body
    with pytest.raises(ExtensionRefused):
        services.appeal_extend(actor=people.approver, appeal=appeal, reason="Yenə.", length=1)


def test_an_extension_beyond_thirty_working_days_is_refused(people, appeal):
    with pytest.raises(ExtensionRefused):
        services.appeal_extend(actor=people.approver, appeal=appeal, reason="x", length=31)
    assert not appeal.extensions.exists()


def test_only_a_holder_of_answer_appeals_may_extend(people, appeal):
    with pytest.raises(Forbidden):
        services.appeal_extend(actor=people.clerk, appeal=appeal, reason="x")


# --- repeats and the three-answers rule -------------------------------------------------------------------


def test_a_repeat_on_the_same_topic_is_linked_to_the_earlier_appeal(people):
    first = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    other_topic = make_appeal(actor=people.clerk, unit=people.unit, topic=topic("labour"))
    second = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    assert second.repeat_of == first and other_topic.repeat_of is None


def test_the_same_applicant_is_found_by_name_in_another_spelling_and_the_phone(people):
    first = make_appeal(
        actor=people.clerk,
        unit=people.unit,
        topic=topic(),
        applicant=ApplicantData(last_name="Məmmədov", first_name="Vüqar", phone="+994 50 123 45 67"),
    )
    second = make_appeal(
        actor=people.clerk,
        unit=people.unit,
        topic=topic(),
        applicant=ApplicantData(last_name="Mamedov", first_name="Vugar", phone="0501234567"),
    )
    stranger = make_appeal(
        actor=people.clerk,
        unit=people.unit,
        topic=topic(),
        applicant=ApplicantData(last_name="Mamedov", first_name="Vugar", phone="0701234567"),
    )
    assert second.repeat_of == first and stranger.repeat_of is None


def test_an_appeal_older_than_a_year_is_not_a_repeat(people):
    old = make_appeal(
        actor=people.clerk, unit=people.unit, topic=topic(), registered_at=aware(2025, 5, 1, 10)
    )
    new = make_appeal(
        actor=people.clerk, unit=people.unit, topic=topic(), registered_at=aware(2026, 6, 1, 10)
    )
    assert old.pk and new.repeat_of is None


def answered_on_merits(people, count: int) -> list[Appeal]:
    done = []
    for _ in range(count):
        appeal = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
        done.append(answer(appeal, drafter=people.investigator, approver=people.approver))
    return done


def test_a_repeat_answered_only_twice_cannot_be_closed_under_art_8_1_4(people):
    answered_on_merits(people, 2)
    third = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    with pytest.raises(RepeatRuleNotMet) as caught:
        services.appeal_close_as_repeat(actor=people.approver, appeal=third)
    assert caught.value.details == {"merit_answers": 2, "required": 3}
    third.refresh_from_db()
    assert third.status == AppealStatus.REGISTERED


def test_a_repeat_answered_three_times_within_a_year_is_left_unconsidered(
    people, audit_events, outbox, django_capture_on_commit_callbacks
):
    earlier = answered_on_merits(people, 3)
    fourth = make_appeal(
        actor=people.clerk, unit=people.unit, topic=topic(), notify_email="vetendas@example.az"
    )
    assert fourth.repeat_of == earlier[-1]
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_close_as_repeat(actor=people.approver, appeal=fourth, reason="Yeni hal yoxdur.")
    fourth.refresh_from_db()
    assert fourth.status == AppealStatus.LEFT_UNCONSIDERED and fourth.nothing_new
    assert fourth.unconsidered_ground == UnconsideredGround.REPEAT == "8.1.4"
    assert tracked(fourth) == {}
    (event,) = audit_events("appeals.appeal.closed_as_repeat")
    assert data(event)["merit_answers"] == 3
    assert outbox("appeal_answered")


def test_answers_that_did_not_go_into_the_merits_do_not_count(people):
    answered_on_merits(people, 2)
    forwarded = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    services.appeal_forward(
        actor=people.approver, appeal=forwarded, to_body="Səhiyyə Nazirliyi", covering_letter="x"
    )
    fourth = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    with pytest.raises(RepeatRuleNotMet):
        services.appeal_close_as_repeat(actor=people.approver, appeal=fourth)


# --- escalation ---------------------------------------------------------------------------------------------


def test_an_appeal_about_torture_is_escalated_to_the_human_rights_department(
    people, audit_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = make_appeal(actor=people.clerk, unit=people.unit, topic=topic("torture"))
    assert appeal.escalation == Escalation.TORTURE
    assert appeal.escalated_to == people.departments["gpo-legal-support"]
    assert Notification.objects.filter(recipient=people.legal_officer, url__contains=appeal.number).exists()
    from eprok.appeals import access

    assert access.visible_to(people.legal_officer).filter(pk=appeal.pk).exists()
    assert not access.visible_to(people.acgd_officer).filter(pk=appeal.pk).exists()


def test_a_complaint_flagged_as_corruption_goes_to_the_anti_corruption_directorate(people):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, escalation=Escalation.CORRUPTION)
    assert appeal.escalated_to == people.departments["acgd"]


def test_classifying_as_police_misconduct_escalates_later(people, appeal, audit_events):
    services.appeal_classify(actor=people.clerk, appeal=appeal, topic=topic("police-misconduct"))
    appeal.refresh_from_db()
    assert appeal.escalated_to == people.departments["gpo-police-supervision"]
    (event,) = audit_events("appeals.appeal.classified")
    assert changes(event)["after"]["escalated_to"] == "gpo-police-supervision"


# --- the answer -------------------------------------------------------------------------------------------


def test_the_answer_is_drafted_approved_by_another_official_sent_and_delivered(
    people, appeal, audit_events, outbox, django_capture_on_commit_callbacks
):
    services.appeal_route(
        actor=people.approver,
        appeal=appeal,
        executor_unit=people.unit,
        executor=people.investigator,
        instruction="x",
    )
    draft = services.appeal_answer_draft(
        actor=people.investigator, appeal=appeal, text="Şikayətiniz təmin edildi.", outcome=Outcome.SATISFIED
    )
    assert draft.status == AnswerStatus.DRAFTED
    with pytest.raises(Forbidden) as caught:
        services.appeal_answer_approve(actor=people.investigator, appeal=appeal)
    assert caught.value.code == "same_official"
    with pytest.raises(Conflict):  # not approved yet
        services.appeal_answer_send(actor=people.investigator, appeal=appeal)
    services.appeal_answer_approve(actor=people.approver, appeal=appeal)
    appeal.notify_email = "vetendas@example.az"
    Appeal.objects.filter(pk=appeal.pk).update(notify_email="vetendas@example.az")
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.appeal_answer_send(actor=people.investigator, appeal=appeal)
    appeal.refresh_from_db()
    assert sent.status == AnswerStatus.SENT and sent.delivery_channel == "post"
    assert appeal.status == AppealStatus.ANSWERED and appeal.outcome == Outcome.SATISFIED
    assert tracked(appeal) == {}
    assert outbox("appeal_answered")
    delivered = services.appeal_answer_deliver(actor=people.clerk, appeal=appeal)
    assert delivered.status == AnswerStatus.DELIVERED
    verbs = [
        e.action.rsplit(".", 1)[1] for e in audit_events() if e.action.startswith("appeals.appeal.answer")
    ]
    assert verbs == ["answer_drafted", "answer_approved", "answer_sent", "answer_delivered"]


def test_rewriting_an_approved_answer_needs_approval_again(people, appeal):
    services.appeal_answer_draft(
        actor=people.investigator, appeal=appeal, text="a", outcome=Outcome.EXPLAINED
    )
    services.appeal_answer_approve(actor=people.approver, appeal=appeal)
    redraft = services.appeal_answer_draft(
        actor=people.investigator, appeal=appeal, text="b", outcome=Outcome.REFUSED
    )
    assert redraft.status == AnswerStatus.DRAFTED and redraft.approved_by is None


def test_a_closed_appeal_cannot_be_answered(people):
    anonymous = make_appeal(actor=people.clerk, unit=people.unit, applicant=None)
    with pytest.raises(Conflict):
        services.appeal_answer_draft(
            actor=people.approver, appeal=anonymous, text="x", outcome=Outcome.EXPLAINED
        )


# --- the applicant's access code ---------------------------------------------------------------------------


def test_the_access_code_opens_the_status_and_the_answer_once_sent(people, appeal, audit_events):
    code = services.appeal_issue_access_code(appeal=appeal)
    appeal.refresh_from_db()
    assert len(code) == 14 and code not in appeal.access_code_hash
    assert audit_events("appeals.appeal.access_code_issued")
    found = selectors.appeal_for_applicant(number=appeal.number.lower(), code=code.lower().replace("-", ""))
    assert found == appeal
    assert selectors.appeal_for_applicant(number=appeal.number, code="AAAA-BBBB-CCCC") is None
    assert selectors.appeal_for_applicant(number="AP-NONE-2026-00001", code=code) is None
    assert found is not None
    status = selectors.appeal_public_status(found)
    assert (
        status["status"] == "registered"
        and status["answer_text"] == ""
        and status["due_date"] == appeal.answer_due
    )
    answer(appeal, drafter=people.investigator, approver=people.approver)
    again = selectors.appeal_for_applicant(number=appeal.number, code=code)
    assert again is not None
    status = selectors.appeal_public_status(again)
    assert status["answer_text"] == "Cavab: izah edildi." and status["outcome"] == "explained"


def test_a_new_code_replaces_the_old_one(people, appeal):
    old = services.appeal_issue_access_code(appeal=appeal)
    new = services.appeal_issue_access_code(appeal=appeal)
    assert selectors.appeal_for_applicant(number=appeal.number, code=old) is None
    assert selectors.appeal_for_applicant(number=appeal.number, code=new) is not None


# --- the reception log ---------------------------------------------------------------------------


def test_a_visitor_is_recorded_in_the_reception_log(people, appeal, audit_events):
    entry = services.reception_entry_create(
        actor=people.clerk,
        unit=people.unit,
        received_at=timezone.now(),
        official=people.approver,
        visitor_name="Qasımov Elnur",
        visitor_fin="5zj7k2p",
        subject="Cinayət işinin gedişi barədə",
        appeal_number=appeal.number.lower(),
    )
    assert entry.visitor_fin == "5ZJ7K2P" and entry.appeal_number == appeal.number
    assert audit_events("appeals.reception_entry.created")
    with pytest.raises(Forbidden):
        services.reception_entry_create(
            actor=people.outsider,
            unit=people.unit,
            received_at=timezone.now(),
            official=people.approver,
            visitor_name="x",
            subject="y",
        )
    with pytest.raises(ValidationFailed) as caught:
        services.reception_entry_create(
            actor=people.clerk,
            unit=people.unit,
            received_at=None,
            official=people.approver,
            visitor_name="",
            subject="",
            appeal_number="AP-NONE",
        )
    assert {"received_at", "visitor_name", "subject", "appeal_number"} <= set(caught.value.details)


def test_an_inactive_official_cannot_execute(people, appeal):
    idle = EmployeeFactory(username="idle", unit=people.unit, is_active=False)
    RoleAssignmentFactory(employee=idle, role=Role.ANSWER_APPEALS, unit=people.unit)
    with pytest.raises(ValidationFailed):
        services.appeal_route(
            actor=people.approver, appeal=appeal, executor_unit=people.unit, executor=idle, instruction="x"
        )


def test_the_applicant_snapshot_keeps_what_was_written(people):
    appeal = make_appeal(actor=people.clerk, unit=people.unit, applicant=APPLICANT)
    assert appeal.applicant_name == "Məmmədov Vüqar Nazim oğlu" and appeal.applicant_name_key


# --- the shared deadline machinery -------------------------------------------------------------------


def test_a_calendar_correction_moves_open_answer_terms_when_recomputed(people):
    from eprok.appeals.work import recompute_appeal_terms
    from eprok.core.calendar import workdays
    from eprok.core.calendar.tracking import recomputers
    from eprok.core.models import CalendarDay

    assert dict(recomputers())["appeals.appeal"] is recompute_appeal_terms
    appeal = make_appeal(actor=people.clerk, unit=people.unit, registered_at=aware(2026, 6, 1, 10))
    closed = make_appeal(actor=people.clerk, unit=people.unit, applicant=None)
    assert appeal.answer_due == dt.date(2026, 6, 23) and closed.answer_due is None
    CalendarDay.objects.create(
        date=dt.date(2026, 6, 22), kind="non_working", legal_source="Nazirlər Kabinetinin qərarı", name_az="x"
    )
    workdays.invalidate()
    assert recompute_appeal_terms() == 1
    appeal.refresh_from_db()
    assert appeal.answer_due == dt.date(2026, 6, 24)
    assert tracked(appeal)["answer"].ends_at == aware(2026, 6, 25)
    assert tracked(appeal)["forward"].ends_at == aware(2026, 6, 5)
