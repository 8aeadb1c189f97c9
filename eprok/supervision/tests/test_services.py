"""The supervision services: every action with its audit event, refusals of bad input and of transitions
the table forbids, the idempotent receipt through the gateway, the terms on "My work" and the sweep."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from eprok.core.calendar.deadlines import compute_deadline
from eprok.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from eprok.core.models import DeadlineRule, DeadlineState, TrackedDeadline
from eprok.supervision import services
from eprok.supervision.models import (
    ActKind,
    Source,
    SupervisedCase,
    SupervisedStatus,
    SupervisoryAct,
    Violation,
    ViolationKind,
)
from eprok.supervision.signals import indictment_approved
from eprok.supervision.tests.conftest import details

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def open_terms(case: SupervisedCase) -> dict[str, TrackedDeadline]:
    rows = TrackedDeadline.objects.filter(
        owner_type="supervision.supervisedcase", owner_id=case.pk, state=DeadlineState.OPEN
    )
    return {row.key: row for row in rows}


def payload(**changes):
    data = {
        "external_id": "DIN-2026-000123",
        "number": "261900001",
        "investigator_name": "Polis mayoru Quliyev Anar",
        "opened_on": (TODAY() - dt.timedelta(days=3)).isoformat(),
        "summary": "Küçədə soyğunçuluq.",
        "articles": "180.1",
    }
    data.update(changes)
    return data


# --- entry by hand ------------------------------------------------------------------------------------------


def test_a_case_entered_by_hand_takes_its_term_from_the_main_articles_category(people, audit_events):
    opened = TODAY() - dt.timedelta(days=10)
    case = services.supervised_create(
        actor=people.prosecutor,
        unit=people.xetai,
        body=people.police,
        details=details(articles="177.2.3; 178.1", opened_on=opened),
        supervisor=people.prosecutor,
    )
    assert case.main_article == "177.2.3" and case.articles == "177.2.3, 178.1"
    assert case.category == 2 and case.source == Source.MANUAL and case.created_by == people.prosecutor
    rule = DeadlineRule.objects.get(code="cpc.218.investigation.cat2")
    assert case.investigation_due == compute_deadline(rule, opened).due
    assert 88 <= (case.investigation_due - opened).days <= 95  # three months
    (event,) = audit_events("supervision.case.created")
    assert event.target_id == str(case.public_id) and event.actor_id == people.prosecutor.pk
    term = open_terms(case)["investigation"]
    assert term.responsible == people.prosecutor and term.unit == people.xetai
    assert term.url == case.get_absolute_url()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": "  "}, "number"),
        ({"investigator_name": ""}, "investigator_name"),
        ({"summary": ""}, "summary"),
        ({"opened_on": None}, "opened_on"),
        ({"articles": ""}, "articles"),
        ({"articles": "9999"}, "articles"),
        ({"articles": "177.2.3, 177.2.3"}, "articles"),
        ({"articles": "abc"}, "articles"),
    ],
)
def test_entry_refuses_bad_details(people, audit_events, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        services.supervised_create(
            actor=people.prosecutor, unit=people.xetai, body=people.police, details=details(**changes)
        )
    assert field in caught.value.details
    assert SupervisedCase.objects.count() == 0 and audit_events("supervision.case.created") == []


def test_entry_refuses_an_opening_in_the_future(people):
    with pytest.raises(ValidationFailed) as caught:
        services.supervised_create(
            actor=people.prosecutor,
            unit=people.xetai,
            body=people.police,
            details=details(opened_on=TODAY() + dt.timedelta(days=1)),
        )
    assert "opened_on" in caught.value.details


def test_entry_refuses_an_inactive_body_and_a_number_taken(people, case):
    people.other_police.is_active = False
    people.other_police.save()
    with pytest.raises(ValidationFailed) as caught:
        services.supervised_create(
            actor=people.prosecutor, unit=people.xetai, body=people.other_police, details=details()
        )
    assert "body" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        services.supervised_create(
            actor=people.prosecutor,
            unit=people.xetai,
            body=people.police,
            details=details(number=case.number),
        )
    assert caught.value.code == "duplicate_number"


def test_entry_needs_supervise_over_the_unit_and_a_supervisor_who_holds_it(people, audit_events):
    for actor in (people.colleague, people.outsider, people.court):
        with pytest.raises(Forbidden):
            services.supervised_create(actor=actor, unit=people.xetai, body=people.police, details=details())
    with pytest.raises(ValidationFailed) as caught:
        services.supervised_create(
            actor=people.prosecutor,
            unit=people.xetai,
            body=people.police,
            details=details(),
            supervisor=people.outsider,
        )
    assert "supervisor" in caught.value.details
    assert len(audit_events("access.denied")) == 3


def test_a_superior_office_enters_a_case_of_a_district(people):
    case = services.supervised_create(
        actor=people.superior,
        unit=people.xetai,
        body=people.police,
        details=details(),
        supervisor=people.deputy,
    )
    assert case.supervisor == people.deputy


# --- the gateway --------------------------------------------------------------------------------------------


def test_a_case_received_through_the_gateway_goes_to_the_bodys_district_office(people, audit_events):
    case, created = services.supervised_receive(body=people.police, payload=payload())
    assert created and case.source == Source.GATEWAY and case.external_id == "DIN-2026-000123"
    assert case.unit == people.xetai and case.supervisor is None and case.created_by is None
    assert case.main_article == "180.1" and case.investigation_due is not None
    (event,) = audit_events("supervision.case.received")
    assert event.actor_id is None and json.loads(event.data)["source"] == "gateway"
    assert open_terms(case)["investigation"].responsible is None


def test_receiving_the_same_message_again_changes_nothing(people, audit_events):
    first, _ = services.supervised_receive(body=people.police, payload=payload())
    again, created = services.supervised_receive(body=people.police, payload=payload())
    assert again.pk == first.pk and not created and again.version == first.version
    assert SupervisedCase.objects.count() == 1
    assert len(audit_events()) == 1


def test_a_changed_message_updates_the_case(people, audit_events):
    first, _ = services.supervised_receive(body=people.police, payload=payload())
    custody = (timezone.now() + dt.timedelta(days=20)).replace(microsecond=0)
    case, created = services.supervised_receive(
        body=people.police,
        payload=payload(
            articles="181.3.1", accused="Məmmədov Tural", in_custody=True, custody_until=custody.isoformat()
        ),
    )
    assert not created and case.pk == first.pk and case.version == first.version + 1
    assert case.main_article == "181.3.1" and case.category == 3 and case.in_custody
    assert case.custody_until == custody
    assert case.investigation_due is not None and first.investigation_due is not None
    assert case.investigation_due > first.investigation_due  # category 3: four months
    (event,) = audit_events("supervision.case.updated")
    changes = json.loads(event.changes)
    assert changes["before"]["articles"] == "180.1" and changes["after"]["articles"] == "181.3.1"


def test_a_case_entered_by_hand_is_linked_rather_than_duplicated(people, case):
    received, created = services.supervised_receive(
        body=people.police, payload=payload(number=case.number, articles="177.2.3")
    )
    assert not created and received.pk == case.pk and received.external_id == "DIN-2026-000123"


def test_another_identifier_with_a_number_taken_is_refused(people):
    services.supervised_receive(body=people.police, payload=payload())
    with pytest.raises(ValidationFailed) as caught:
        services.supervised_receive(body=people.police, payload=payload(external_id="DIN-OTHER"))
    assert caught.value.code == "duplicate_number"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (payload(external_id=""), "external_id"),
        (payload(opened_on="31.12.2026"), "opened_on"),
        (payload(number=5), "number"),
        (payload(in_custody="yes"), "in_custody"),
        (payload(custody_until="tomorrow"), "custody_until"),
        (payload(articles="0"), "articles"),
    ],
)
def test_a_bad_message_is_refused(people, bad, field):
    with pytest.raises(ValidationFailed) as caught:
        services.supervised_receive(body=people.police, payload=bad)
    assert field in caught.value.details
    assert SupervisedCase.objects.count() == 0


def test_a_message_with_unknown_fields_or_not_an_object_is_refused(people):
    with pytest.raises(ValidationFailed) as caught:
        services.supervised_receive(body=people.police, payload=payload(color="red"))
    assert caught.value.code == "invalid_payload"
    with pytest.raises(ValidationFailed):
        services.supervised_receive(body=people.police, payload=["not", "an", "object"])  # type: ignore[arg-type]


def test_a_nationwide_body_must_name_the_supervising_unit(people):
    body = people.police.__class__.objects.get(code="mia-investigation")
    with pytest.raises(ValidationFailed) as caught:
        services.supervised_receive(body=body, payload=payload())
    assert "unit" in caught.value.details
    case, created = services.supervised_receive(body=body, payload=payload(unit="baku"))
    assert created and case.unit == people.baku


# --- details, supervisor, suspension, termination, terms ---------------------------------------------


def test_details_are_corrected_with_a_version_check(people, case, audit_events):
    updated = services.supervised_update(
        actor=people.deputy,
        case=case,
        details=details(number=case.number, articles="181.3.1"),
        expected_version=case.version,
    )
    assert updated.category == 3 and updated.version == case.version + 1
    assert updated.investigation_due > case.investigation_due
    (event,) = audit_events("supervision.case.changed")
    changes = json.loads(event.changes)
    assert (changes["before"]["category"], changes["after"]["category"]) == (2, 3)
    with pytest.raises(Conflict):
        services.supervised_update(
            actor=people.deputy, case=case, details=details(), expected_version=case.version
        )


def test_outsiders_cannot_change_a_case(people, case):
    with pytest.raises(NotFound):
        services.supervised_update(actor=people.outsider, case=case, details=details())
    with pytest.raises(NotFound):
        services.supervised_suspend(actor=people.colleague, case=case, reason="x")
    with pytest.raises(NotFound):  # the state prosecutor sees it only once in court
        services.supervised_suspend(actor=people.court, case=case, reason="x")


def test_the_supervisor_is_named_and_answers_for_the_terms(people, case, audit_events):
    services.supervised_assign(actor=people.superior, case=case, supervisor=people.deputy)
    case.refresh_from_db()
    assert case.supervisor == people.deputy
    assert open_terms(case)["investigation"].responsible == people.deputy
    assert audit_events("supervision.case.supervisor_assigned")
    with pytest.raises(ValidationFailed):
        services.supervised_assign(actor=people.superior, case=case, supervisor=people.court)


def test_suspension_stops_the_term_and_resumption_restarts_it(people, case, audit_events):
    suspended = services.supervised_suspend(actor=people.deputy, case=case, reason="Şəxs müəyyən edilməyib.")
    assert suspended.status == SupervisedStatus.SUSPENDED and "investigation" not in open_terms(case)
    with pytest.raises(Conflict):
        services.supervised_suspend(actor=people.deputy, case=suspended, reason="again")
    resumed = services.supervised_resume(actor=people.deputy, case=suspended, reason="Şəxs tapılıb.")
    assert resumed.status == SupervisedStatus.INVESTIGATION and "investigation" in open_terms(case)
    assert json.loads(audit_events("supervision.case.suspended")[0].data) == {
        "reason": "Şəxs müəyyən edilməyib."
    }
    assert audit_events("supervision.case.resumed")
    with pytest.raises(Conflict):
        services.supervised_resume(actor=people.deputy, case=resumed, reason="not suspended")
    with pytest.raises(ValidationFailed):
        services.supervised_suspend(actor=people.deputy, case=resumed, reason="  ")


def test_termination_closes_the_case_and_a_protest_upheld_reopens_it(people, case, audit_events):
    terminated = services.supervised_terminate(
        actor=people.prosecutor, case=case, reason="Cinayət tərkibi yoxdur."
    )
    assert terminated.status == SupervisedStatus.TERMINATED and terminated.closed_at is not None
    assert open_terms(case) == {}
    reopened = services.supervised_resume(
        actor=people.prosecutor, case=terminated, reason="Protest təmin edilib."
    )
    assert reopened.status == SupervisedStatus.INVESTIGATION and reopened.closed_at is None
    assert audit_events("supervision.case.terminated") and audit_events("supervision.case.resumed")


def test_the_term_is_extended_only_forward(people, case, audit_events):
    assert case.investigation_due is not None
    with pytest.raises(ValidationFailed):
        services.term_extend(actor=people.prosecutor, case=case, due=case.investigation_due, reason="x")
    later = case.investigation_due + dt.timedelta(days=30)
    extended = services.term_extend(
        actor=people.prosecutor, case=case, due=later, reason="Ekspertiza gözlənilir."
    )
    assert extended.investigation_due == later
    assert timezone.localtime(open_terms(case)["investigation"].ends_at).date() == later + dt.timedelta(
        days=1
    )
    assert audit_events("supervision.case.term_extended")


# --- the indictment ---------------------------------------------------------------------------------------


def test_the_indictment_starts_the_five_day_decision_term(people, case, audit_events):
    received = services.indictment_receive(actor=people.deputy, case=case)
    assert received.status == SupervisedStatus.INDICTMENT and received.indictment_received_at is not None
    terms = open_terms(case)
    assert set(terms) == {"indictment"}
    due = timezone.localtime(terms["indictment"].ends_at).date() - dt.timedelta(days=1)
    rule = DeadlineRule.objects.get(code="cpc.290.prosecutor_decision")
    assert due == compute_deadline(rule, TODAY()).due
    assert 5 <= (due - TODAY()).days <= 9  # five days, moved past a weekend or holiday
    assert audit_events("supervision.case.indictment_received")


def test_only_the_named_supervisor_or_a_superior_office_decides_the_indictment(people, case, audit_events):
    services.indictment_receive(actor=people.deputy, case=case)
    case.refresh_from_db()
    with pytest.raises(Forbidden):
        services.indictment_approve(actor=people.deputy, case=case)
    with pytest.raises(NotFound):
        services.indictment_approve(actor=people.outsider, case=case)
    returned = services.indictment_return(actor=people.superior, case=case, reason="Ekspertiza rəyi yoxdur.")
    assert returned.status == SupervisedStatus.INVESTIGATION and returned.indictment_received_at is None
    act = SupervisoryAct.objects.get(case=case)
    assert act.kind == ActKind.INDICTMENT_RETURNED and act.text == "Ekspertiza rəyi yoxdur."
    assert act.author == people.superior and not act.awaits_answer
    assert audit_events("supervision.case.indictment_returned")
    assert "investigation" in open_terms(case)


def test_approval_sends_the_case_to_court_and_signals_it(people, case, audit_events):
    received = []

    def receiver(sender, case, actor, **kwargs):
        received.append((case.pk, case.status, actor))

    indictment_approved.connect(receiver)
    try:
        with pytest.raises(Conflict):  # not yet with the prosecutor
            services.indictment_approve(actor=people.prosecutor, case=case)
        services.indictment_receive(actor=people.prosecutor, case=case)
        approved = services.indictment_approve(
            actor=people.prosecutor, case=case.__class__.objects.get(pk=case.pk)
        )
    finally:
        indictment_approved.disconnect(receiver)
    assert approved.status == SupervisedStatus.SENT_TO_COURT and approved.closed_at is not None
    assert received == [(case.pk, SupervisedStatus.SENT_TO_COURT, people.prosecutor)]
    assert SupervisoryAct.objects.get(case=case).kind == ActKind.INDICTMENT_APPROVED
    assert audit_events("supervision.case.indictment_approved")
    assert open_terms(case) == {}


def test_a_stale_version_is_refused(people, case):
    services.supervised_suspend(actor=people.prosecutor, case=case, reason="x")
    with pytest.raises(Conflict):
        services.supervised_resume(
            actor=people.prosecutor, case=case, reason="y", expected_version=case.version
        )


# --- acts and answers -------------------------------------------------------------------------------------


def test_an_act_is_issued_with_its_answer_term_and_answered(people, case, audit_events):
    due = TODAY() + dt.timedelta(days=7)
    act = services.act_issue(
        actor=people.deputy,
        case=case,
        kind=ActKind.DEMAND,
        text="Şübhəlinin hüquqları izah edilsin.",
        due_date=due,
    )
    assert act.awaits_answer and act.author == people.deputy
    term = open_terms(case)[f"act-{act.pk}"]
    assert term.responsible == people.prosecutor
    assert json.loads(audit_events("supervision.act.issued")[0].data)["act"] == act.pk
    answered = services.act_answer(actor=people.deputy, act=act, answer="İzah edilib.", accepted=True)
    assert (
        answered.answered_at is not None and answered.answer_accepted is True and not answered.answered_late
    )
    assert f"act-{act.pk}" not in open_terms(case)
    assert json.loads(audit_events("supervision.act.answered")[0].data) == {
        "act": act.pk,
        "accepted": True,
        "late": False,
    }
    with pytest.raises(Conflict):
        services.act_answer(actor=people.deputy, act=answered, answer="again", accepted=False)


@pytest.mark.parametrize(
    ("kind", "due_days", "text", "field"),
    [
        (ActKind.INSTRUCTION, -1, "text", "due_date"),
        (ActKind.INSTRUCTION, 200, "text", "due_date"),
        (ActKind.INDICTMENT_APPROVED, 5, "text", "kind"),
        (ActKind.PROTEST, 5, "", "text"),
    ],
)
def test_a_bad_act_is_refused(people, case, kind, due_days, text, field):
    with pytest.raises(ValidationFailed) as caught:
        services.act_issue(
            actor=people.prosecutor,
            case=case,
            kind=kind,
            text=text,
            due_date=TODAY() + dt.timedelta(days=due_days),
        )
    assert field in caught.value.details


def test_an_answer_cannot_predate_the_act_nor_come_from_the_future(people, case):
    act = services.act_issue(
        actor=people.prosecutor, case=case, kind=ActKind.INSTRUCTION, text="t", due_date=TODAY()
    )
    with pytest.raises(ValidationFailed):
        services.act_answer(
            actor=people.prosecutor,
            act=act,
            answer="a",
            accepted=True,
            answered_at=act.issued_at - dt.timedelta(hours=1),
        )
    with pytest.raises(ValidationFailed):
        services.act_answer(
            actor=people.prosecutor,
            act=act,
            answer="a",
            accepted=True,
            answered_at=timezone.now() + dt.timedelta(days=1),
        )


# --- violations and the sweep -----------------------------------------------------------------------------


def test_a_violation_is_recorded_and_remedied(people, case, audit_events):
    violation = services.violation_record(
        actor=people.prosecutor,
        case=case,
        kind=ViolationKind.UNLAWFUL_DETENTION,
        description="Şəxs 48 saatdan artıq protokolsuz saxlanılıb.",
    )
    assert (
        violation.found_on == TODAY()
        and not violation.automatic
        and violation.recorded_by == people.prosecutor
    )
    assert audit_events("supervision.violation.recorded")
    with pytest.raises(ValidationFailed):
        services.violation_remedy(
            actor=people.prosecutor, violation=violation, remedied_on=TODAY() - dt.timedelta(days=1)
        )
    remedied = services.violation_remedy(actor=people.prosecutor, violation=violation)
    assert remedied.remedied_on == TODAY()
    assert audit_events("supervision.violation.remedied")
    with pytest.raises(Conflict):
        services.violation_remedy(actor=people.prosecutor, violation=remedied)


@pytest.mark.parametrize(
    ("kind", "description", "found_days", "field"),
    [
        ("nonsense", "d", 0, "kind"),
        (ViolationKind.RIGHTS, "", 0, "description"),
        (ViolationKind.RIGHTS, "d", 1, "found_on"),
        (ViolationKind.RIGHTS, "d", -30, "found_on"),  # before the case was opened
    ],
)
def test_a_bad_violation_is_refused(people, case, kind, description, found_days, field):
    with pytest.raises(ValidationFailed) as caught:
        services.violation_record(
            actor=people.prosecutor,
            case=case,
            kind=kind,
            description=description,
            found_on=TODAY() + dt.timedelta(days=found_days),
        )
    assert field in caught.value.details


def test_the_sweep_raises_each_automatic_violation_once(people, make_case, audit_events):
    overdue = make_case(opened_on=TODAY() - dt.timedelta(days=200))
    assert overdue.investigation_due < TODAY()
    held = make_case(in_custody=True, custody_until=timezone.now() - dt.timedelta(hours=2))
    fine = make_case(in_custody=True, custody_until=timezone.now() + dt.timedelta(days=2))
    act = services.act_issue(
        actor=people.prosecutor, case=fine, kind=ActKind.DEMAND, text="t", due_date=TODAY()
    )
    answered = services.act_issue(
        actor=people.prosecutor, case=fine, kind=ActKind.DEMAND, text="t", due_date=TODAY()
    )
    services.act_answer(actor=people.prosecutor, act=answered, answer="a", accepted=True)
    SupervisoryAct.objects.filter(pk__in=[act.pk, answered.pk]).update(
        due_date=TODAY() - dt.timedelta(days=1)
    )
    suspended = make_case(opened_on=TODAY() - dt.timedelta(days=200))
    services.supervised_suspend(actor=people.prosecutor, case=suspended, reason="x")

    report = services.supervision_sweep()
    assert report.raised == {
        ViolationKind.MISSED_TERM: 1,
        ViolationKind.CUSTODY_TERM: 1,
        ViolationKind.UNANSWERED: 1,
    }
    term = Violation.objects.get(case=overdue)
    assert term.automatic and term.key == f"term:{overdue.investigation_due.isoformat()}"
    assert Violation.objects.get(case=held).kind == ViolationKind.CUSTODY_TERM
    unanswered = Violation.objects.get(case=fine)
    assert unanswered.key == f"act:{act.pk}" and unanswered.act == act
    assert not Violation.objects.filter(case=suspended).exists()
    assert len(audit_events("supervision.violation.raised")) == 3

    assert services.supervision_sweep().total == 0
    assert Violation.objects.count() == 3 and len(audit_events("supervision.violation.raised")) == 3


def test_the_sweep_command_reports_what_it_raised(people, make_case, capsys):
    make_case(opened_on=TODAY() - dt.timedelta(days=200))
    call_command("supervision_sweep")
    assert "1 violations raised" in capsys.readouterr().out
    call_command("supervision_sweep")
    assert "0 violations raised" in capsys.readouterr().out
