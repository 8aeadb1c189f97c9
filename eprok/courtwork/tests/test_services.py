"""The write path of court work: opening, hearings, positions, decisions with their terms, appeals and
the sweep."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from eprok.cases.models import CaseStatus
from eprok.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from eprok.core.locking import StaleVersion
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.courtwork import services
from eprok.courtwork.models import (
    AppealOutcome,
    AppealParty,
    Court,
    DecisionKind,
    HearingStatus,
    Instance,
    MotionOutcome,
    PositionKind,
    Proceeding,
    ProceedingStatus,
)
from eprok.courtwork.tests.conftest import SENT_ON, send_to_court

D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def fresh(proceeding: Proceeding) -> Proceeding:
    return Proceeding.objects.select_related("court", "unit", "prosecutor", "case", "supervised").get(
        pk=proceeding.pk
    )


def open_term(proceeding: Proceeding) -> TrackedDeadline | None:
    return TrackedDeadline.objects.filter(
        owner_type="courtwork.proceeding", owner_id=proceeding.pk, state=DeadlineState.OPEN
    ).first()


# --- opening --------------------------------------------------------------------------------------------


def test_opening_copies_the_accused_and_articles_and_makes_the_opener_the_state_prosecutor(
    audit_events, proceeding, personas, case
):
    assert proceeding.accused.startswith("Babayev Vüsal")
    assert proceeding.articles == case.articles
    assert proceeding.unit == personas.unit
    assert proceeding.prosecutor == personas.investigator
    assert proceeding.status == ProceedingStatus.AWAITING
    assert proceeding.instance == Instance.FIRST
    assert [e.target_id for e in audit_events("courtwork.proceeding.opened")] == [str(proceeding.public_id)]


def test_opening_twice_returns_the_same_proceeding(audit_events, proceeding, personas, case, court):
    again = services.proceeding_open(actor=personas.investigator, case=case, court=court, sent_on=SENT_ON)
    assert again.pk == proceeding.pk
    assert Proceeding.objects.count() == 1
    assert len(audit_events("courtwork.proceeding.opened")) == 1


def test_it_refuses_a_case_not_sent_to_court(personas, frozen, court):
    from eprok.cases.tests.factories import make_case

    from .conftest import OPENED

    case = make_case(
        actor=personas.detective, unit=personas.unit, supervisor=personas.supervisor, opened_at=OPENED
    )
    with pytest.raises(Conflict) as caught:
        services.proceeding_open(actor=personas.investigator, case=case, court=court, sent_on=SENT_ON)
    assert caught.value.code == "not_sent_to_court"


def test_it_needs_exactly_one_owner(personas, case, court):
    with pytest.raises(ValidationFailed):
        services.proceeding_open(actor=personas.investigator, court=court, sent_on=SENT_ON)


def test_a_prosecutor_of_another_unit_cannot_open_it(personas, case, court, audit_events):
    with pytest.raises(Forbidden):
        services.proceeding_open(actor=personas.outsider, case=case, court=court, sent_on=SENT_ON)
    assert Proceeding.objects.count() == 0


def test_the_state_prosecutor_must_hold_the_role_over_the_unit(personas, case, court):
    with pytest.raises(ValidationFailed) as caught:
        services.proceeding_open(
            actor=personas.investigator,
            case=case,
            court=court,
            sent_on=SENT_ON,
            prosecutor=personas.colleague,
        )
    assert "prosecutor" in caught.value.details


def test_a_number_is_unique_in_its_court(personas, proceeding, court):
    other = send_to_court(personas)
    with pytest.raises(ValidationFailed) as caught:
        services.proceeding_open(
            actor=personas.investigator,
            case=other,
            court=court,
            sent_on=SENT_ON,
            court_number="1(001)-417/2026",
        )
    assert "court_number" in caught.value.details


def test_a_supervised_case_sent_to_court_gets_a_proceeding(personas, frozen, court):
    from eprok.supervision.models import InvestigatingBody, SupervisedCase, SupervisedStatus

    body = InvestigatingBody.objects.create(code="police-xetai", kind="police", name_az="Xətai RPİ")
    supervised = SupervisedCase.objects.create(
        number="2026-0417",
        body=body,
        investigator_name="Məmmədov Elnur",
        unit=personas.unit,
        opened_on=D(2025, 12, 1),
        summary="Oğurluq",
        articles="177.2.1",
        accused="Qasımov Orxan",
        status=SupervisedStatus.SENT_TO_COURT,
    )
    proceeding = services.proceeding_open(
        actor=personas.investigator, supervised=supervised, court=court, sent_on=SENT_ON
    )
    assert (proceeding.accused, proceeding.articles, proceeding.unit) == (
        "Qasımov Orxan",
        "177.2.1",
        personas.unit,
    )
    assert services.proceeding_for_owner(supervised=supervised) == proceeding
    supervised.status = SupervisedStatus.INVESTIGATION
    supervised.save()
    with pytest.raises(Conflict):
        services.proceeding_open(
            actor=personas.investigator,
            supervised=SupervisedCase.objects.create(
                number="2026-0418",
                body=body,
                investigator_name="Məmmədov Elnur",
                unit=personas.unit,
                opened_on=D(2025, 12, 1),
                summary="Oğurluq",
                articles="177.2.1",
            ),
            court=court,
            sent_on=SENT_ON,
        )


def test_changing_the_prosecutor_checks_the_version(proceeding, personas, audit_events):
    with pytest.raises(StaleVersion):
        services.proceeding_update(
            actor=personas.investigator,
            proceeding=proceeding,
            judge="X",
            court_number="",
            expected_version=99,
        )
    changed = services.proceeding_update(
        actor=personas.investigator,
        proceeding=proceeding,
        judge="Hüseynova Leyla",
        court_number="1(001)-418/2026",
        prosecutor=personas.superior,
        expected_version=proceeding.version,
    )
    assert (changed.judge, changed.prosecutor, changed.version) == ("Hüseynova Leyla", personas.superior, 2)
    event = audit_events("courtwork.proceeding.updated")[0]
    assert "judge" in event.changes


# --- hearings -------------------------------------------------------------------------------------------


def test_a_hearing_is_scheduled_held_and_moves_the_proceeding_to_being_heard(
    proceeding, personas, audit_events
):
    hearing = services.hearing_schedule(
        actor=personas.investigator, proceeding=proceeding, starts_at=at(D(2026, 2, 9)), courtroom="Zal 4"
    )
    assert hearing.judge == "Əliyev Rauf"
    held = services.hearing_hold(actor=personas.investigator, hearing=hearing, outcome="Şahidlər dindirildi.")
    assert held.status == HearingStatus.HELD
    assert fresh(proceeding).status == ProceedingStatus.HEARING
    assert [e.action for e in audit_events() if e.action.startswith("courtwork.hearing")] == [
        "courtwork.hearing.scheduled",
        "courtwork.hearing.held",
    ]


def test_a_future_hearing_cannot_be_marked_held(proceeding, personas):
    hearing = services.hearing_schedule(
        actor=personas.investigator, proceeding=proceeding, starts_at=at(D(2026, 2, 20))
    )
    with pytest.raises(ValidationFailed):
        services.hearing_hold(actor=personas.investigator, hearing=hearing, outcome="—")


def test_postponing_keeps_the_old_hearing_and_schedules_a_new_one(proceeding, personas):
    hearing = services.hearing_schedule(
        actor=personas.investigator, proceeding=proceeding, starts_at=at(D(2026, 2, 20))
    )
    new = services.hearing_postpone(
        actor=personas.investigator, hearing=hearing, starts_at=at(D(2026, 3, 3)), reason="Vəkil xəstədir."
    )
    hearing.refresh_from_db()
    assert (hearing.status, hearing.outcome) == (HearingStatus.POSTPONED, "Vəkil xəstədir.")
    assert (new.status, new.starts_at) == (HearingStatus.SCHEDULED, at(D(2026, 3, 3)))
    with pytest.raises(ValidationFailed):
        services.hearing_postpone(
            actor=personas.investigator, hearing=new, starts_at=at(D(2026, 3, 1)), reason="x"
        )
    with pytest.raises(Conflict):
        services.hearing_cancel(actor=personas.investigator, hearing=hearing, reason="x")


def test_a_hearing_is_cancelled_with_a_reason(proceeding, personas):
    hearing = services.hearing_schedule(
        actor=personas.investigator, proceeding=proceeding, starts_at=at(D(2026, 2, 20))
    )
    with pytest.raises(ValidationFailed):
        services.hearing_cancel(actor=personas.investigator, hearing=hearing, reason="  ")
    cancelled = services.hearing_cancel(actor=personas.investigator, hearing=hearing, reason="Hakim dəyişdi.")
    assert cancelled.status == HearingStatus.CANCELLED


def test_a_prosecutor_without_a_role_over_the_unit_cannot_schedule(proceeding, personas):
    with pytest.raises(Forbidden):
        services.hearing_schedule(
            actor=personas.outsider, proceeding=proceeding, starts_at=at(D(2026, 2, 20))
        )


def test_a_hearing_from_the_court_is_created_once_and_tells_the_prosecutor(
    proceeding, personas, django_capture_on_commit_callbacks
):
    from eprok.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        hearing, created = services.hearing_from_court(
            proceeding=proceeding,
            external_id="EC-1",
            starts_at=at(D(2026, 2, 20), 11),
            courtroom="Zal 1",
            judge="",
            status=HearingStatus.SCHEDULED,
        )
    assert created
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = services.hearing_from_court(
            proceeding=proceeding,
            external_id="EC-1",
            starts_at=at(D(2026, 2, 20), 11),
            courtroom="Zal 1",
            judge="",
            status=HearingStatus.SCHEDULED,
        )
    assert (again.pk, created_again) == (hearing.pk, False)
    assert Notification.objects.filter(recipient=personas.investigator).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        moved, created_moved = services.hearing_from_court(
            proceeding=proceeding,
            external_id="EC-1",
            starts_at=at(D(2026, 2, 27), 11),
            courtroom="Zal 1",
            judge="",
            status=HearingStatus.SCHEDULED,
        )
    assert (moved.pk, created_moved, moved.starts_at) == (hearing.pk, False, at(D(2026, 2, 27), 11))
    assert Notification.objects.filter(recipient=personas.investigator).count() == 2
    assert proceeding.hearings.count() == 1


def test_a_hearing_from_the_court_needs_an_identifier_and_a_known_status(proceeding):
    with pytest.raises(ValidationFailed):
        services.hearing_from_court(proceeding=proceeding, external_id="", starts_at=at(D(2026, 2, 20)))
    with pytest.raises(ValidationFailed):
        services.hearing_from_court(
            proceeding=proceeding, external_id="EC-2", starts_at=at(D(2026, 2, 20)), status="adjourned"
        )


# --- positions ------------------------------------------------------------------------------------------


def test_a_motion_gets_the_courts_outcome(proceeding, personas, audit_events):
    motion = services.position_add(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=PositionKind.MOTION,
        text="Ekspertiza təyin edilsin.",
    )
    assert motion.outcome == MotionOutcome.PENDING
    decided = services.position_outcome(
        actor=personas.investigator, position=motion, outcome=MotionOutcome.GRANTED
    )
    assert decided.outcome == MotionOutcome.GRANTED
    assert audit_events("courtwork.position.outcome")
    position = services.position_add(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=PositionKind.POSITION,
        text="İttiham dəstəklənir.",
    )
    with pytest.raises(ValidationFailed):
        services.position_outcome(
            actor=personas.investigator, position=position, outcome=MotionOutcome.GRANTED
        )


def test_a_position_needs_a_kind_a_text_and_a_past_day(proceeding, personas):
    with pytest.raises(ValidationFailed):
        services.position_add(actor=personas.investigator, proceeding=proceeding, kind="speech", text="x")
    with pytest.raises(ValidationFailed):
        services.position_add(
            actor=personas.investigator, proceeding=proceeding, kind=PositionKind.MOTION, text=" "
        )
    with pytest.raises(ValidationFailed):
        services.position_add(
            actor=personas.investigator,
            proceeding=proceeding,
            kind=PositionKind.MOTION,
            text="x",
            stated_on=D(2026, 3, 1),
        )


# --- decisions and terms (hand-computed; CPC art. 202 and the calendar of 2026) -------------------------


def test_a_verdict_opens_the_twenty_day_appeal_term_tracked_for_the_prosecutor(
    proceeding, personas, audit_events
):
    decision = services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.CONVICTION,
        decided_on=D(2026, 2, 4),
        sentence="3 il azadlıqdan məhrum etmə",
    )
    # 4 February + 20 days = Tuesday 24 February, a working day.
    assert (decision.appeal_rule, decision.appeal_due) == ("cpc.384.appeal", D(2026, 2, 24))
    assert fresh(proceeding).status == ProceedingStatus.DECIDED
    term = open_term(proceeding)
    assert term is not None and term.responsible == personas.investigator
    assert timezone.localtime(term.ends_at).date() == D(2026, 2, 25)  # midnight after the last day
    assert audit_events("courtwork.decision.recorded")[0].data


def test_an_appeal_term_ending_on_a_sunday_moves_to_monday(proceeding, personas):
    decision = services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.ACQUITTAL,
        decided_on=D(2026, 2, 2),
    )
    assert decision.appeal_due == D(2026, 2, 23)  # 22 February is a Sunday


VERDICT_DAY = D(2026, 2, 4)


def appealed(proceeding, personas, decided_on=VERDICT_DAY):
    decision = services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.CONVICTION,
        decided_on=decided_on,
    )
    services.appeal_file(
        actor=personas.investigator,
        decision=decision,
        party=AppealParty.PROSECUTION,
        grounds="Cəza yüngüldür.",
        filed_on=decided_on + dt.timedelta(days=5),
    )
    return decision


def test_an_appeal_moves_the_proceeding_to_the_court_of_appeal_and_stops_the_term(
    proceeding, personas, audit_events
):
    appealed(proceeding, personas)
    moved = fresh(proceeding)
    assert (moved.status, moved.instance, moved.court.code) == (
        ProceedingStatus.APPEALED,
        Instance.APPEAL,
        "baku-appeal",
    )
    assert open_term(proceeding) is None
    assert json.loads(audit_events("courtwork.appeal.filed")[0].data)["kind"] == "appeal"


def test_an_appeal_court_decision_opens_the_one_month_cassation_term(proceeding, personas, frozen):
    appealed(proceeding, personas, decided_on=D(2026, 1, 14))
    decision = services.decision_record(
        actor=personas.investigator,
        proceeding=fresh(proceeding),
        kind=DecisionKind.UPHELD,
        decided_on=D(2026, 2, 9),
    )
    # 9 February + 1 month = Monday 9 March, the rest day for Women's Day (Sunday 8 March): Tuesday 10 March.
    assert (decision.appeal_rule, decision.appeal_due) == ("cpc.410.cassation.1m", D(2026, 3, 10))


def test_after_an_acquittal_on_appeal_the_cassation_term_is_three_months(proceeding, personas):
    appealed(proceeding, personas, decided_on=D(2026, 1, 14))
    decision = services.decision_record(
        actor=personas.investigator,
        proceeding=fresh(proceeding),
        kind=DecisionKind.ACQUITTAL,
        decided_on=D(2026, 2, 9),
    )
    # 9 May 2026 is Saturday and Victory Day; Monday 11 May is its rest day: Tuesday 12 May.
    assert (decision.appeal_rule, decision.appeal_due) == ("cpc.410.cassation.3m", D(2026, 5, 12))


def test_a_cassation_decision_is_final(proceeding, personas):
    appealed(proceeding, personas, decided_on=D(2026, 1, 14))
    second = services.decision_record(
        actor=personas.investigator,
        proceeding=fresh(proceeding),
        kind=DecisionKind.UPHELD,
        decided_on=D(2026, 1, 28),
    )
    services.appeal_file(
        actor=personas.investigator,
        decision=second,
        party=AppealParty.DEFENCE,
        grounds="—",
        filed_on=D(2026, 2, 2),
    )
    assert fresh(proceeding).court.code == "supreme"
    third = services.decision_record(
        actor=personas.investigator,
        proceeding=fresh(proceeding),
        kind=DecisionKind.UPHELD,
        decided_on=D(2026, 2, 9),
    )
    closed = fresh(proceeding)
    assert (third.appeal_rule, closed.status, closed.closed_on) == (
        "",
        ProceedingStatus.CLOSED,
        D(2026, 2, 9),
    )


def test_a_late_protest_is_refused_naming_the_day_the_term_ran_out(proceeding, personas, frozen, english):
    decision = services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.CONVICTION,
        decided_on=D(2026, 2, 4),
    )
    frozen.set(D(2026, 3, 2))
    with pytest.raises(ValidationFailed) as caught:
        services.appeal_file(
            actor=personas.investigator,
            decision=decision,
            party=AppealParty.PROSECUTION,
            grounds="Cəza yüngüldür.",
            filed_on=D(2026, 2, 25),
        )
    assert caught.value.code == "term_expired"
    assert "24.02.2026" in str(caught.value.message)
    assert fresh(proceeding).status == ProceedingStatus.DECIDED


def test_a_second_decision_while_the_term_runs_is_refused(proceeding, personas):
    services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.CONVICTION,
        decided_on=D(2026, 2, 4),
    )
    with pytest.raises(Conflict):
        services.decision_record(
            actor=personas.investigator,
            proceeding=fresh(proceeding),
            kind=DecisionKind.OTHER,
            decided_on=D(2026, 2, 5),
        )


def test_a_decision_must_fit_the_instance_and_the_dates(proceeding, personas):
    with pytest.raises(ValidationFailed):
        services.decision_record(
            actor=personas.investigator,
            proceeding=proceeding,
            kind=DecisionKind.UPHELD,
            decided_on=D(2026, 2, 4),
        )
    with pytest.raises(ValidationFailed):
        services.decision_record(
            actor=personas.investigator,
            proceeding=proceeding,
            kind=DecisionKind.CONVICTION,
            decided_on=D(2026, 1, 2),
        )
    with pytest.raises(ValidationFailed):
        services.decision_record(
            actor=personas.investigator, proceeding=proceeding, kind="pardon", decided_on=D(2026, 2, 4)
        )


def test_a_return_reopens_the_investigation_of_the_case(proceeding, personas, case, audit_events):
    services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.RETURN,
        decided_on=D(2026, 2, 4),
        text="Ekspertiza aparılmayıb.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATION
    assert fresh(proceeding).status == ProceedingStatus.RETURNED
    assert audit_events("cases.case.reopened")
    with pytest.raises(Conflict):
        services.hearing_schedule(
            actor=personas.investigator, proceeding=proceeding, starts_at=at(D(2026, 2, 20))
        )


def test_a_decision_from_the_court_is_recorded_once_and_tells_the_prosecutor(
    proceeding, personas, django_capture_on_commit_callbacks
):
    from eprok.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        decision, created = services.decision_from_court(
            proceeding=proceeding,
            external_id="EC-D-1",
            instance=Instance.FIRST,
            kind=DecisionKind.CONVICTION,
            decided_on=D(2026, 2, 4),
            sentence="2 il",
            text="Hökm",
        )
    again, created_again = services.decision_from_court(
        proceeding=proceeding,
        external_id="EC-D-1",
        instance=Instance.FIRST,
        kind=DecisionKind.CONVICTION,
        decided_on=D(2026, 2, 4),
        sentence="2 il",
        text="Hökm",
    )
    assert created and not created_again and again.pk == decision.pk
    assert decision.appeal_due == D(2026, 2, 24)
    notes = list(Notification.objects.filter(recipient=personas.investigator))
    assert len(notes) == 1 and "24.02.2026" in notes[0].title


def test_the_outcome_of_an_appeal_is_recorded_once(proceeding, personas):
    appealed(proceeding, personas)
    appeal = fresh(proceeding).appeals.get()
    services.appeal_decide(actor=personas.investigator, appeal=appeal, outcome=AppealOutcome.GRANTED)
    with pytest.raises(Conflict):
        services.appeal_decide(actor=personas.investigator, appeal=appeal, outcome=AppealOutcome.REJECTED)
    with pytest.raises(ValidationFailed):
        services.appeal_decide(actor=personas.investigator, appeal=appeal, outcome=AppealOutcome.PENDING)


# --- entry into force and the sweep ---------------------------------------------------------------------


def test_the_decision_enters_into_force_by_hand(proceeding, personas, audit_events):
    services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.CONVICTION,
        decided_on=D(2026, 2, 4),
    )
    closed = services.proceeding_enter_into_force(actor=personas.investigator, proceeding=fresh(proceeding))
    assert (closed.status, closed.closed_on) == (ProceedingStatus.CLOSED, D(2026, 2, 10))
    assert open_term(proceeding) is None
    assert audit_events("courtwork.proceeding.closed")
    with pytest.raises(Conflict):
        services.proceeding_enter_into_force(actor=personas.investigator, proceeding=fresh(proceeding))


def test_the_sweep_closes_only_expired_unappealed_terms_and_is_rerunnable(
    personas, proceeding, court, audit_events
):
    services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.CONVICTION,
        decided_on=D(2026, 2, 4),
    )
    other = services.proceeding_open(
        actor=personas.investigator, case=send_to_court(personas), court=court, sent_on=SENT_ON
    )
    appealed(other, personas)
    assert services.proceedings_sweep(today=D(2026, 2, 24)) == 0  # the last day of the term
    assert services.proceedings_sweep(today=D(2026, 2, 25)) == 1
    assert services.proceedings_sweep(today=D(2026, 2, 25)) == 0
    closed = fresh(proceeding)
    assert (closed.status, closed.closed_on) == (ProceedingStatus.CLOSED, D(2026, 2, 25))
    assert fresh(other).status == ProceedingStatus.APPEALED
    assert len(audit_events("courtwork.proceeding.swept")) == 1


def test_the_sweep_command_reports_what_it_closed(personas, proceeding, frozen):
    from io import StringIO

    from django.core.management import call_command

    services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.CONVICTION,
        decided_on=D(2026, 2, 4),
    )
    out = StringIO()
    frozen.set(D(2026, 3, 2))
    call_command("courtwork_sweep", stdout=out)
    assert "closed: 1" in out.getvalue()


# --- the calendar feed ----------------------------------------------------------------------------------


def test_a_feed_token_is_stored_only_as_its_hash_and_a_new_one_replaces_it(personas, audit_events):
    from eprok.courtwork import selectors
    from eprok.courtwork.models import CalendarFeed

    first = services.calendar_feed_create(actor=personas.investigator)
    second = services.calendar_feed_create(actor=personas.investigator)
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == services.token_hash(second) and second not in feed.token_hash
    assert selectors.feed_user(first) is None
    assert selectors.feed_user(second) == personas.investigator
    assert [json.loads(e.data)["replaced"] for e in audit_events("courtwork.feed.created")] == [False, True]
    with pytest.raises(Forbidden):
        services.calendar_feed_create(actor=personas.colleague)


def test_unknown_courts_are_not_accepted(personas, case):
    with pytest.raises((ValidationFailed, NotFound)):
        services.proceeding_open(
            actor=personas.investigator,
            case=case,
            court=Court(code="x", level="first", name_az="x", is_active=False),
            sent_on=SENT_ON,
        )


def test_the_courts_fixture_is_loaded():
    codes = set(Court.objects.values_list("code", flat=True))
    assert {"baku-serious-crimes", "baku-appeal", "supreme", "baku-pirallahi-district", "gence-city"} <= codes
    xetai = Court.objects.get(code="baku-xetai-district")
    assert (xetai.level, xetai.district, xetai.xroad_code) == ("first", "baku-xetai", "baku-xetai-district")
    assert xetai.name_en == "Khatai District Court of Baku"


pytestmark = pytest.mark.django_db


def test_a_supervised_case_sent_to_court_is_announced_to_the_prosecutors_of_its_unit(
    personas, django_capture_on_commit_callbacks
):
    from eprok.notifications.models import Notification
    from eprok.supervision.models import InvestigatingBody, SupervisedCase, SupervisedStatus
    from eprok.supervision.signals import indictment_approved

    body = InvestigatingBody.objects.create(code="police-xetai", kind="police", name_az="Xətai RPİ")
    supervised = SupervisedCase.objects.create(
        number="2026-0419",
        body=body,
        investigator_name="Məmmədov Elnur",
        unit=personas.unit,
        opened_on=D(2025, 12, 1),
        summary="Oğurluq",
        articles="177.2.1",
        status=SupervisedStatus.SENT_TO_COURT,
    )
    with django_capture_on_commit_callbacks(execute=True):
        indictment_approved.send(sender=SupervisedCase, case=supervised, actor=personas.supervisor)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"investigator", "superior"}
    assert Notification.objects.filter(url=f"/courtwork/open/supervised/{supervised.public_id}/").count() == 2
    assert not Proceeding.objects.exists()  # the prosecutor names the court: nothing is opened by itself


def test_a_return_puts_a_supervised_case_under_investigation_again(personas, frozen, court, audit_events):
    from eprok.supervision.models import InvestigatingBody, SupervisedCase, SupervisedStatus

    body = InvestigatingBody.objects.create(code="police-nesimi", kind="police", name_az="Nəsimi RPİ")
    supervised = SupervisedCase.objects.create(
        number="2026-0555",
        body=body,
        investigator_name="Hüseynov Anar",
        unit=personas.unit,
        opened_on=D(2025, 12, 1),
        summary="Dələduzluq",
        articles="178.1",
        status=SupervisedStatus.SENT_TO_COURT,
    )
    proceeding = services.proceeding_open(
        actor=personas.investigator, supervised=supervised, court=court, sent_on=SENT_ON
    )
    services.decision_from_court(
        proceeding=proceeding,
        external_id="EC-R-1",
        instance=Instance.FIRST,
        kind=DecisionKind.RETURN,
        decided_on=D(2026, 2, 4),
        sentence="",
        text="",
    )
    supervised.refresh_from_db()
    assert supervised.status == SupervisedStatus.INVESTIGATION
    assert supervised.closed_at is None
    assert fresh(proceeding).status == ProceedingStatus.RETURNED
    (event,) = audit_events("supervision.case.returned_by_court")
    assert event.actor_id is None
