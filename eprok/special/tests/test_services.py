"""The special reports' writes: submission and its refusals, delivery by the worker and by the sweep when the
worker is down, acknowledgement against the target (clock stopped), follow-ups and their alerts, closure by
hand and by the decision in the linked matter, and the classifier of incident types."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from eprok.audit.models import AuditEvent
from eprok.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from eprok.notifications.models import Notification
from eprok.org.grants import forget_grants
from eprok.org.roles import Clearance, Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.special import access, delivery, services
from eprok.special.classifiers import load_incident_types
from eprok.special.models import (
    Delivery,
    DeliveryKind,
    FollowUp,
    IncidentType,
    ReportPerson,
    ReportStatus,
    SpecialReport,
)
from eprok.special.tests.conftest import GRANTED, report_input

pytestmark = pytest.mark.django_db


def _data(event: AuditEvent) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(event.data or "{}")
    return data


def _notified(employee: Any) -> list[str]:
    return list(
        Notification.objects.filter(recipient=employee).order_by("id").values_list("title", flat=True)
    )


def _submit(people: Any, capture: Any, **fields: Any) -> SpecialReport:
    """Submitted and committed: the queue runs the delivery task, whose commit sends the notifications."""
    with capture(execute=True):
        report = services.report_submit(
            actor=people.reporter, unit=people.xetai, data=report_input(people, **fields)
        )
    report.refresh_from_db()
    return report


# --- submission ---------------------------------------------------------------------------------------------


def test_a_report_is_registered_with_a_number_and_audited(people, audit_events):
    report = services.report_submit(actor=people.reporter, unit=people.xetai, data=report_input(people))
    year = timezone.localdate().year
    assert report.number == f"XSM-BAKU-XETAI-{year}-00001"
    assert report.status == ReportStatus.SUBMITTED
    assert report.reporting_unit == people.xetai and report.reported_by == people.reporter
    assert report.region_code == "AZ-BA"  # placed on the map through the district
    assert str(report.latitude) == "40.38510" and str(report.longitude) == "49.94170"
    assert report.articles == "120.1"
    assert report.classification == Clearance.OFFICIAL
    assert report.ack_target_minutes == 15 and report.follow_up_hours == 24
    assert report.follow_up_due == report.submitted_at + dt.timedelta(hours=24)
    assert report.delivered_at is None  # the worker delivers after the commit
    (event,) = audit_events("special.report.submitted")
    assert event.target_id == str(report.public_id)
    assert _data(event)["incident_type"] == "murder" and _data(event)["district"] == "baku-xetai"
    second = services.report_submit(actor=people.reporter, unit=people.xetai, data=report_input(people))
    assert second.number == f"XSM-BAKU-XETAI-{year}-00002"


def test_the_classification_is_at_least_the_incident_types_minimum(people):
    people.reporter.clearance = Clearance.SECRET
    people.reporter.save(update_fields=["clearance"])
    custody = IncidentType.objects.get(code="death-in-custody")
    report = services.report_submit(
        actor=people.reporter,
        unit=people.xetai,
        data=report_input(people, incident_type=custody, classification=Clearance.OFFICIAL),
    )
    assert report.classification == Clearance.SECRET


def test_a_time_a_few_minutes_ahead_is_a_phones_clock_not_the_future(people):
    ahead = timezone.now() + dt.timedelta(minutes=5)
    report = services.report_submit(
        actor=people.reporter, unit=people.xetai, data=report_input(people, occurred_at=ahead)
    )
    assert report.occurred_at == ahead


def _counts() -> tuple[int, int, int, int]:
    return (
        SpecialReport.objects.count(),
        ReportPerson.objects.count(),
        Delivery.objects.count(),
        AuditEvent.objects.filter(action__startswith="special.").count(),
    )


REFUSALS = [
    ("no type", {"incident_type": None}, "incident_type"),
    ("no time", {"occurred_at": None}, "occurred_at"),
    ("future time", {"occurred_at": "future"}, "occurred_at"),
    ("no district", {"district_code": "  "}, "district_code"),
    ("unknown district", {"district_code": "baku-atlantis"}, "district_code"),
    ("no address", {"address": "   "}, "address"),
    ("no summary", {"summary": ""}, "summary"),
    ("outside Azerbaijan", {"latitude": "55.75580", "longitude": "37.61730"}, "latitude"),
    ("longitude outside", {"latitude": "40.40000", "longitude": "60.00000"}, "longitude"),
    ("latitude only", {"latitude": "40.40000", "longitude": None}, "longitude"),
    ("longitude only", {"latitude": "", "longitude": "49.90000"}, "latitude"),
    ("not a number", {"latitude": "qırx", "longitude": "49.90000"}, "latitude"),
    ("bad article", {"articles": "9999"}, "articles"),
    ("negative count", {"dead_count": -1}, "dead_count"),
    ("unknown urgency", {"urgency": "whenever"}, "urgency"),
]


@pytest.mark.parametrize(("case", "fields", "field"), REFUSALS, ids=[case for case, *_ in REFUSALS])
def test_a_report_missing_a_mandatory_fact_is_refused_and_writes_nothing(people, case, fields, field):
    if fields.get("occurred_at") == "future":
        fields = {"occurred_at": timezone.now() + dt.timedelta(minutes=11)}
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        services.report_submit(actor=people.reporter, unit=people.xetai, data=report_input(people, **fields))
    assert field in refused.value.details, refused.value.details
    assert str(refused.value.details[field])  # a message on the field
    assert _counts() == before
    # The refused submission took no number.
    report = services.report_submit(actor=people.reporter, unit=people.xetai, data=report_input(people))
    assert report.number.endswith("-00001")


def test_a_reporter_below_the_types_classification_still_reports_and_sees_only_their_own(people):
    """The channel must stay open for the gravest incidents: the report is accepted at the type's
    classification; its author sees it, an equally cleared colleague of the unit does not."""
    custody = IncidentType.objects.get(code="death-in-custody")  # "Secret" at least
    report = services.report_submit(
        actor=people.reporter, unit=people.xetai, data=report_input(people, incident_type=custody)
    )
    assert report.classification == Clearance.SECRET > people.reporter.clearance
    assert access.visible_to(people.reporter).filter(pk=report.pk).exists()
    colleague = EmployeeFactory(unit=people.xetai, clearance=people.reporter.clearance)
    RoleAssignmentFactory(employee=colleague, role=Role.REPORT_SPECIAL, unit=people.xetai)
    assert not access.visible_to(colleague).filter(pk=report.pk).exists()


def test_a_retired_incident_type_is_refused(people):
    IncidentType.objects.filter(pk=people.murder.pk).update(is_active=False)
    people.murder.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        services.report_submit(actor=people.reporter, unit=people.xetai, data=report_input(people))
    assert "incident_type" in refused.value.details


@pytest.mark.parametrize("name", ["sibling", "superior", "duty", "outsider", "reader"])
def test_only_the_units_reporters_submit_for_it(people, name):
    with pytest.raises(Forbidden):
        services.report_submit(actor=people.by_name(name), unit=people.xetai, data=report_input(people))
    assert not SpecialReport.objects.exists()


def test_a_linked_crime_report_must_be_one_the_reporter_may_see(people):
    with pytest.raises(NotFound):
        services.report_submit(
            actor=people.reporter,
            unit=people.xetai,
            data=report_input(people, material_number="CM-BAKU-XETAI-2026-00042"),
        )
    assert not SpecialReport.objects.exists()


def test_persons_are_linked_once_per_role(people):
    from eprok.materials.tests.factories import make_person

    person = make_person()
    report = services.report_submit(
        actor=people.reporter,
        unit=people.xetai,
        data=report_input(people, persons=[(person, "deceased"), (person, "deceased"), (person, "victim")]),
    )
    assert sorted(report.persons.values_list("role", flat=True)) == ["deceased", "victim"]
    with pytest.raises(ValidationFailed) as refused:
        services.report_submit(
            actor=people.reporter, unit=people.xetai, data=report_input(people, persons=[(person, "hero")])
        )
    assert "persons" in refused.value.details


# --- delivery -----------------------------------------------------------------------------------------------


def test_after_the_commit_the_report_is_delivered_to_the_duty_unit_and_the_routed_departments(
    people, django_capture_on_commit_callbacks, audit_events
):
    people.reader.preferred_language = "ru"
    people.reader.save(update_fields=["preferred_language"])
    report = _submit(people, django_capture_on_commit_callbacks)
    assert report.delivered_at is not None and report.delivery_attempts == 1
    duty, *departments = Delivery.objects.filter(report=report).values_list(
        "unit__code", "kind", "delivered_at"
    )
    assert duty == ("gpo", DeliveryKind.DUTY, report.delivered_at)  # the duty unit first
    assert sorted(departments) == [
        ("gpo-investigation", DeliveryKind.DEPARTMENT, report.delivered_at),
        ("gpo-police-supervision", DeliveryKind.DEPARTMENT, report.delivered_at),
    ]
    (event,) = audit_events("special.report.delivered")
    units = _data(event)["units"]
    assert units[0] == "gpo" and sorted(units[1:]) == ["gpo-investigation", "gpo-police-supervision"]
    # The duty prosecutor and the routed department's reader are told, once each; nobody else.
    # Each in their own language (the service's, Azerbaijani, unless they chose another).
    title = "Special report %(number)s: %(type)s"
    with translation.override("az"):
        in_azerbaijani = gettext(title) % {"number": report.number, "type": "Qəsdən adam öldürmə"}
    with translation.override("ru"):
        in_russian = gettext(title) % {"number": report.number, "type": "Умышленное убийство"}
    assert in_azerbaijani != in_russian
    assert _notified(people.duty) == [in_azerbaijani]
    assert _notified(people.reader) == [in_russian]
    for name in ("reporter", "sibling", "superior", "other_reader", "keeper", "outsider"):
        assert _notified(people.by_name(name)) == [], name
    assert Notification.objects.get(recipient=people.reader).url == report.get_absolute_url()


def test_a_secret_report_is_not_announced_to_a_reader_not_cleared_for_it(
    people, django_capture_on_commit_callbacks
):
    people.reporter.clearance = Clearance.SECRET
    people.reporter.save(update_fields=["clearance"])
    report = _submit(people, django_capture_on_commit_callbacks, classification=Clearance.SECRET)
    assert report.delivered_at is not None
    assert Delivery.objects.filter(report=report, unit=people.investigation).exists()
    assert len(_notified(people.duty)) == 1
    assert _notified(people.reader) == []


def test_when_the_worker_is_down_the_report_stays_registered_and_the_sweep_delivers_it(
    people, clock, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the queue is down")

    # The task object is frozen: the module's task is replaced by one whose enqueue fails (the queue is down).
    monkeypatch.setattr(delivery, "deliver_task", SimpleNamespace(enqueue=down))
    report = _submit(people, django_capture_on_commit_callbacks)
    assert SpecialReport.objects.filter(pk=report.pk).exists()
    assert report.delivered_at is None and not Delivery.objects.exists()
    assert "the sweep will deliver it" in caplog.text
    submitted = report.submitted_at

    # Within the grace period the sweep leaves it to the worker.
    assert services.deliver_pending(now=submitted + dt.timedelta(seconds=29)) == 0
    assert not Delivery.objects.exists()

    clock.advance(seconds=31)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver_pending(now=clock.now) == 1
    report.refresh_from_db()
    assert report.delivered_at == clock.now and report.delivery_attempts == 1
    assert Delivery.objects.filter(report=report).count() == 3
    assert len(_notified(people.duty)) == 1

    # Delivering again (the worker comes back, the sweep runs again) changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_deliver(report_pk=report.pk) is False
        assert services.deliver_pending(now=clock.advance(minutes=5)) == 0
    report.refresh_from_db()
    assert report.delivery_attempts == 1 and report.delivered_at == submitted + dt.timedelta(seconds=31)
    assert Delivery.objects.filter(report=report).count() == 3
    assert len(_notified(people.duty)) == 1


def test_the_sweep_command_delivers_and_reports_what_it_did(people, make_report, capsys):
    report = make_report(deliver=False)
    SpecialReport.objects.filter(pk=report.pk).update(
        submitted_at=report.submitted_at - dt.timedelta(minutes=1)
    )
    call_command("special_sweep")
    assert "delivered 1" in capsys.readouterr().out
    report.refresh_from_db()
    assert report.delivered_at is not None


# --- acknowledgement ----------------------------------------------------------------------------------------


def test_an_acknowledgement_within_the_target_is_timed_from_delivery(
    people, clock, make_report, audit_events, django_capture_on_commit_callbacks
):
    report = make_report()
    assert report.delivered_at == clock.now
    clock.advance(minutes=3)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_acknowledge(report=report, actor=people.duty)
    assert report.status == ReportStatus.ACKNOWLEDGED
    assert report.acknowledged_by == people.duty and report.acknowledged_at == clock.now
    assert report.ack_seconds == 180 and report.ack_within_target is True
    (event,) = audit_events("special.report.acknowledged")
    assert _data(event) == {"seconds": 180, "within_target": True}
    (title,) = _notified(people.reporter)
    assert report.number in title


def test_an_acknowledgement_after_the_target_is_not_within_it(people, clock, make_report):
    report = make_report()
    clock.advance(minutes=15)
    on_the_minute = services.report_acknowledge(report=report, actor=people.duty)
    assert on_the_minute.ack_seconds == 900 and on_the_minute.ack_within_target is True
    late = make_report()
    clock.advance(minutes=20)
    late = services.report_acknowledge(report=late, actor=people.duty)
    assert late.ack_seconds == 1200 and late.ack_within_target is False


def test_a_report_is_acknowledged_once(people, clock, make_report):
    report = make_report()
    clock.advance(minutes=2)
    services.report_acknowledge(report=report, actor=people.duty)
    other = EmployeeFactory(username="duty2", unit=people.gpo, clearance=Clearance.SECRET)
    RoleAssignmentFactory(employee=other, role=Role.DUTY_PROSECUTOR, unit=people.gpo, valid_from=GRANTED)
    clock.advance(minutes=1)
    with pytest.raises(Conflict) as refused:
        services.report_acknowledge(report=report, actor=other)
    assert "10:02" in str(refused.value.message)  # who acknowledged it, and when
    with pytest.raises(Conflict):
        services.report_acknowledge(report=report, actor=people.duty)
    report.refresh_from_db()
    assert report.acknowledged_by == people.duty and report.ack_seconds == 120


@pytest.mark.parametrize("name", ["reporter", "superior", "reader", "keeper", "outsider"])
def test_only_the_duty_prosecutor_acknowledges(people, make_report, name):
    report = make_report()
    with pytest.raises(Forbidden):
        services.report_acknowledge(report=report, actor=people.by_name(name))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.acknowledged_at is None


def test_an_undelivered_report_cannot_be_acknowledged(people, make_report):
    report = make_report(deliver=False)
    with pytest.raises(Conflict):
        services.report_acknowledge(report=report, actor=people.duty)


# --- follow-ups ---------------------------------------------------------------------------------------------


def test_follow_ups_are_numbered_restart_the_interval_and_are_flagged_when_late(
    people, clock, make_report, audit_events
):
    report = make_report()
    clock.advance(hours=5)
    first = services.follow_up_add(report=report, actor=people.reporter, text="Şübhəli şəxs saxlanılıb.")
    assert first.sequence == 1 and first.late is False
    report.refresh_from_db()
    assert report.follow_up_due == clock.now + dt.timedelta(hours=24)
    clock.advance(hours=25)
    second = services.follow_up_add(report=report, actor=people.reporter, text="Cinayət işi başlanıb.")
    assert second.sequence == 2 and second.late is True
    assert [_data(event)["late"] for event in audit_events("special.report.followed_up")] == [False, True]


def test_a_follow_up_needs_text_and_the_reporting_unit(people, make_report):
    report = make_report()
    with pytest.raises(ValidationFailed) as refused:
        services.follow_up_add(report=report, actor=people.reporter, text="  ")
    assert "text" in refused.value.details
    for name in ("sibling", "superior", "duty"):
        with pytest.raises(Forbidden):
            services.follow_up_add(report=report, actor=people.by_name(name), text="Əlavə məlumat.")
    assert not FollowUp.objects.exists()


def test_a_closed_report_takes_no_follow_up(people, make_report):
    report = make_report()
    services.report_close(report=report, actor=people.duty, reason="Cinayət işi məhkəməyə göndərilib.")
    with pytest.raises(Conflict):
        services.follow_up_add(report=report, actor=people.reporter, text="Əlavə məlumat.")
    assert not FollowUp.objects.exists()


def test_a_late_follow_up_is_alerted_once_per_due_time(
    people, clock, make_report, audit_events, django_capture_on_commit_callbacks
):
    report = make_report()
    closed = make_report()
    services.report_close(report=closed, actor=people.duty, reason="Səhv məlumat.")
    clock.advance(hours=23)
    assert services.alert_late_follow_ups() == 0  # not due yet
    clock.advance(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alert_late_follow_ups() == 1
    (title,) = _notified(people.reporter)
    assert report.number in title and _notified(people.duty) == [title]
    assert _notified(people.sibling) == [] and _notified(people.reader) == []
    report.refresh_from_db()
    assert report.follow_up_alerted_for == report.follow_up_due
    # The second run of the sweep alerts nothing more for the same due time.
    clock.advance(minutes=1)
    assert services.alert_late_follow_ups() == 0
    assert len(_notified(people.reporter)) == 1 and len(_notified(people.duty)) == 1
    assert len(audit_events("special.report.follow_up_overdue")) == 1
    # A follow-up sets a new due time; when that passes too, it is alerted again.
    services.follow_up_add(report=report, actor=people.reporter, text="İstintaq davam edir.")
    clock.advance(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alert_late_follow_ups() == 1
    assert len(_notified(people.reporter)) == 2 and len(_notified(people.duty)) == 2


# --- closure ------------------------------------------------------------------------------------------------


def test_the_duty_prosecutor_closes_with_a_reason(people, make_report, audit_events):
    report = make_report()
    with pytest.raises(ValidationFailed) as refused:
        services.report_close(report=report, actor=people.duty, reason=" ")
    assert "reason" in refused.value.details
    for name in ("reporter", "superior", "reader"):
        with pytest.raises(Forbidden):
            services.report_close(report=report, actor=people.by_name(name), reason="Bağlanır.")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    closed = services.report_close(report=report, actor=people.duty, reason="İş məhkəməyə göndərilib.")
    assert closed.status == ReportStatus.CLOSED and closed.closed_by == people.duty
    assert closed.closed_at is not None and closed.follow_up_due is None
    assert closed.closure_reason == "İş məhkəməyə göndərilib."
    (event,) = audit_events("special.report.closed")
    assert _data(event) == {"automatic": False}
    with pytest.raises(Conflict):
        services.report_close(report=closed, actor=people.duty, reason="Yenidən.")


def test_a_report_whose_crime_report_was_refused_is_closed_by_the_sweep(people, audit_events):
    from eprok.materials.models import RefusalGround
    from eprok.materials.services import material_refuse
    from eprok.materials.tests.factories import make_material

    clerk = EmployeeFactory(username="clerk", unit=people.xetai)
    RoleAssignmentFactory(employee=clerk, role=Role.REGISTER_MATERIALS, unit=people.xetai, valid_from=GRANTED)
    RoleAssignmentFactory(
        employee=people.reporter, role=Role.INVESTIGATE, unit=people.xetai, valid_from=GRANTED
    )
    forget_grants(people.reporter)
    material = make_material(actor=clerk, unit=people.xetai, assignee=people.reporter)
    report = services.report_submit(
        actor=people.reporter,
        unit=people.xetai,
        data=report_input(people, material_number=material.number.lower()),
    )
    assert report.material == material
    untouched = services.report_submit(actor=people.reporter, unit=people.xetai, data=report_input(people))

    assert services.close_decided() == 0  # the check is still running
    material_refuse(
        actor=people.reporter,
        material=material,
        refusal_ground=RefusalGround.NO_CORPUS,
        grounds="Cinayət tərkibi yoxdur.",
    )
    assert services.close_decided() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED and report.closed_by is None
    assert material.number in report.closure_reason
    (event,) = audit_events("special.report.closed")
    assert _data(event) == {"automatic": True}
    untouched.refresh_from_db()
    assert untouched.status == ReportStatus.SUBMITTED
    assert services.close_decided() == 0  # closed once


def test_the_decision_of_a_linked_case_wins_over_the_crime_reports(people, make_report):
    from eprok.cases.models import Case, CaseStatus
    from eprok.materials.models import Material, MaterialStatus

    report = make_report()
    assert services.decision_of(report) is None
    report.material = Material(number="CM-BAKU-XETAI-2026-00007", status=MaterialStatus.CASE_OPENED)
    assert services.decision_of(report) is None  # a case was opened: its decision is awaited
    report.material = Material(number="CM-BAKU-XETAI-2026-00007", status=MaterialStatus.TRANSFERRED)
    assert "CM-BAKU-XETAI-2026-00007" in (services.decision_of(report) or "")
    report.case = Case(number="CI-BAKU-XETAI-2026-00003", status=CaseStatus.INVESTIGATION)
    assert services.decision_of(report) is None
    report.case = Case(number="CI-BAKU-XETAI-2026-00003", status=CaseStatus.SENT_TO_COURT)
    assert "CI-BAKU-XETAI-2026-00003" in (services.decision_of(report) or "")


# --- the classifier -----------------------------------------------------------------------------------------


def _type_values(**fields: Any) -> dict[str, Any]:
    return {
        "name_az": "Kütləvi zəhərlənmə",
        "name_en": "Mass poisoning",
        "name_ru": "Массовое отравление",
        "sort_order": 200,
        "follow_up_hours": 12,
        "ack_target_minutes": 10,
        "classification": Clearance.OFFICIAL,
        "is_active": True,
        **fields,
    }


def test_the_keeper_creates_and_changes_incident_types(people, audit_events):
    created = services.incident_type_save(
        actor=people.keeper,
        code="mass-poisoning",
        values=_type_values(),
        routed_to=[people.investigation],
        incident_type=None,
    )
    assert list(created.routed_to.all()) == [people.investigation]
    (event,) = audit_events("special.incident_type.created")
    assert event.target_id
    changed = services.incident_type_save(
        actor=people.keeper,
        code="mass-poisoning",
        values=_type_values(follow_up_hours=6),
        routed_to=[people.investigation, people.police],
        incident_type=created,
    )
    assert changed.follow_up_hours == 6
    assert set(changed.routed_to.values_list("code", flat=True)) == {
        "gpo-investigation",
        "gpo-police-supervision",
    }
    (event,) = audit_events("special.incident_type.updated")
    changes = json.loads(event.changes)
    assert changes["follow_up_hours"] == [12, 6]
    assert changes["routed_to"] == [["gpo-investigation"], ["gpo-investigation", "gpo-police-supervision"]]
    assert "name_az" not in changes


@pytest.mark.parametrize(
    ("code", "values", "field"),
    [
        ("murder", {}, "code"),
        ("new-type", {"name_az": " "}, "name_az"),
        ("new-type", {"follow_up_hours": 0}, "follow_up_hours"),
        ("new-type", {"ack_target_minutes": 0}, "ack_target_minutes"),
    ],
)
def test_an_incident_type_needs_a_free_code_a_name_and_positive_intervals(people, code, values, field):
    count = IncidentType.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.incident_type_save(
            actor=people.keeper, code=code, values=_type_values(**values), routed_to=[], incident_type=None
        )
    assert field in refused.value.details
    assert IncidentType.objects.count() == count


@pytest.mark.parametrize("name", ["superior", "reader", "duty", "reporter", "outsider"])
def test_only_the_keeper_changes_the_classifier(people, name):
    with pytest.raises(Forbidden):
        services.incident_type_save(
            actor=people.by_name(name),
            code="murder",
            values=_type_values(follow_up_hours=1),
            routed_to=[],
            incident_type=people.murder,
        )
    people.murder.refresh_from_db()
    assert people.murder.follow_up_hours == 24
    assert people.murder.routed_to.count() == 2


def test_a_closed_report_cannot_be_acknowledged(people, make_report):
    report = make_report()
    services.report_close(report=report, actor=people.duty, reason="Səhv məlumat.")
    with pytest.raises(Conflict):
        services.report_acknowledge(report=report, actor=people.duty)
    report.refresh_from_db()
    assert report.acknowledged_at is None and report.status == ReportStatus.CLOSED


def test_the_reporting_unit_links_persons_while_the_report_is_open(people, make_report, audit_events):
    from eprok.materials.tests.factories import make_person

    report = make_report()
    person = make_person()
    link = services.report_person_link(report=report, actor=people.reporter, person=person, role="victim")
    assert link.report == report and link.role == "victim"
    assert len(audit_events("special.report.person_linked")) == 1
    with pytest.raises(Conflict):
        services.report_person_link(report=report, actor=people.reporter, person=person, role="victim")
    with pytest.raises(ValidationFailed) as refused:
        services.report_person_link(report=report, actor=people.reporter, person=person, role="hero")
    assert "role" in refused.value.details
    with pytest.raises(ValidationFailed) as refused:
        services.report_person_link(report=report, actor=people.reporter, person=None, role="witness")
    assert "person" in refused.value.details
    with pytest.raises(Forbidden):
        services.report_person_link(report=report, actor=people.sibling, person=person, role="witness")
    services.report_close(report=report, actor=people.duty, reason="Səhv məlumat.")
    with pytest.raises(Conflict):
        services.report_person_link(report=report, actor=people.reporter, person=person, role="witness")
    assert report.persons.count() == 1


def test_loading_the_classifier_again_keeps_what_its_keepers_changed(people):
    assert load_incident_types() == {"types": 0, "routings": 0}  # the fixture loaded it already
    people.murder.routed_to.set([people.personnel])
    IncidentType.objects.filter(code="murder").update(follow_up_hours=48)
    assert load_incident_types() == {"types": 0, "routings": 0}
    people.murder.refresh_from_db()
    assert people.murder.follow_up_hours == 48
    assert list(people.murder.routed_to.all()) == [people.personnel]
    IncidentType.objects.filter(code="major-fire").delete()
    assert load_incident_types() == {"types": 1, "routings": 1}
    assert list(IncidentType.objects.get(code="major-fire").routed_to.all()) == [people.investigation]


def test_every_action_of_a_reports_life_has_a_label_in_its_history(people, clock, make_report, audit_events):
    from eprok.special import selectors
    from eprok.special.labels import ACTION_LABELS

    report = make_report()
    clock.advance(minutes=4)
    services.report_acknowledge(report=report, actor=people.duty)
    services.report_record_view(actor=people.duty, report=report, purpose="review")
    services.reports_record_listed(actor=people.duty, numbers=[report.number], purpose="register")
    services.follow_up_add(report=report, actor=people.reporter, text="Şübhəli şəxs saxlanılıb.")
    clock.advance(hours=30)
    services.alert_late_follow_ups()
    services.report_close(report=report, actor=people.duty, reason="İş məhkəməyə göndərilib.")
    actions = {event.action for event in audit_events() if event.action.startswith("special.")}
    assert {
        "special.report.submitted",
        "special.report.delivered",
        "special.report.acknowledged",
        "special.report.viewed",
        "special.report.listed",
        "special.report.followed_up",
        "special.report.follow_up_overdue",
        "special.report.closed",
    } <= actions
    assert actions <= set(ACTION_LABELS)
    history = [str(row["label"]) for row in selectors.report_history(report=report)]
    assert history[0] == str(ACTION_LABELS["special.report.submitted"])
    assert history[-1] == str(ACTION_LABELS["special.report.closed"])
    assert not any(label.startswith("special.") for label in history)
