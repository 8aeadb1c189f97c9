"""Mandatory training with a frozen clock: the daily sweep enrols holders of the rule's role or position,
a completion stays valid for the renewal period, the next cycle starts when it runs out, a re-run adds
nothing, and a stopped rule enrols nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from eprok.core.errors import Forbidden, ValidationFailed
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.learning import selectors, services
from eprok.learning.models import Enrollment, EnrollmentSource, EnrollmentStatus, MandatoryRule
from eprok.learning.tests.conftest import lessons_of
from eprok.notifications.models import Notification
from eprok.org.roles import Role

pytestmark = pytest.mark.django_db


def _rule(people, course, **fields) -> MandatoryRule:
    values = {"course": course, "role": Role.INVESTIGATE, "renew_months": 12, "due_days": 30, **fields}
    return services.mandatory_rule_save(actor=people.admin, data=services.MandatoryRuleInput(**values))


def _complete(people, enrollment: Enrollment) -> None:
    for lesson in lessons_of(enrollment.course):
        services.lesson_complete(actor=enrollment.employee, enrollment=enrollment, lesson=lesson)
    enrollment.refresh_from_db()


def test_the_first_sweep_enrols_the_holders_of_the_role_with_a_due_date(
    people, course, clock, audit_events, django_capture_on_commit_callbacks
):
    _rule(people, course)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.mandatory_sweep()
    assert report.enrolled == 1 and report.renewed == 0
    enrollment = Enrollment.objects.get(course=course)
    assert enrollment.employee == people.learner
    assert enrollment.source == EnrollmentSource.MANDATORY and enrollment.cycle == 1
    assert enrollment.due_date == dt.date(2026, 7, 15)
    tracked = TrackedDeadline.objects.get(owner_type="learning.enrollment", owner_id=enrollment.pk)
    assert tracked.state == DeadlineState.OPEN and tracked.responsible == people.learner
    assert Notification.objects.filter(recipient=people.learner, title__icontains=course.title).exists()
    assert audit_events("learning.rule.swept")
    # What is due shows for the learner and for the head of their unit.
    assert [row.pk for row in selectors.due_training(user=people.learner)] == [enrollment.pk]
    assert [row.pk for row in selectors.due_for_unit(head=people.head)] == [enrollment.pk]


def test_a_second_run_adds_nothing(people, course, clock):
    _rule(people, course)
    services.mandatory_sweep()
    report = services.mandatory_sweep()
    assert report.enrolled == 0
    assert Enrollment.objects.filter(course=course).count() == 1


def test_a_completion_stays_valid_for_the_renewal_period_then_the_next_cycle_starts(people, course, clock):
    _rule(people, course, renew_months=12)
    services.mandatory_sweep()
    enrollment = Enrollment.objects.get(course=course, employee=people.learner)
    _complete(people, enrollment)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.valid_until == dt.date(2027, 6, 15)
    clock.set(timezone.make_aware(dt.datetime(2027, 6, 14, 9, 0)))
    assert services.mandatory_sweep().enrolled == 0
    clock.set(timezone.make_aware(dt.datetime(2027, 6, 15, 9, 0)))
    report = services.mandatory_sweep()
    assert report.enrolled == 1 and report.renewed == 1
    renewal = Enrollment.objects.get(course=course, employee=people.learner, status=EnrollmentStatus.ENROLLED)
    assert renewal.cycle == 2 and renewal.due_date == dt.date(2027, 7, 15)
    assert services.mandatory_sweep().enrolled == 0


def test_a_rule_without_renewal_is_satisfied_for_good(people, course, clock):
    _rule(people, course, renew_months=None)
    services.mandatory_sweep()
    enrollment = Enrollment.objects.get(course=course)
    _complete(people, enrollment)
    assert enrollment.valid_until is None
    clock.set(timezone.make_aware(dt.datetime(2029, 1, 1, 9, 0)))
    assert services.mandatory_sweep().enrolled == 0


def test_a_course_completed_on_ones_own_counts_until_its_renewal_runs_out(people, course, clock):
    own = services.enrol_self(actor=people.learner, course=course)
    _complete(people, own)
    _rule(people, course, renew_months=6)
    assert services.mandatory_sweep().enrolled == 0
    clock.set(timezone.make_aware(dt.datetime(2026, 12, 16, 9, 0)))
    assert services.mandatory_sweep().enrolled == 1


def test_a_position_rule_enrols_the_active_holders_of_the_position(people, course, clock):
    _rule(people, course, role="", position=people.prosecutor)
    services.mandatory_sweep()
    enrolled = set(Enrollment.objects.filter(course=course).values_list("employee__username", flat=True))
    assert enrolled == {"l_learner", "l_outsider"}  # the retired prosecutor's account is inactive


def test_a_stopped_rule_enrols_nobody(people, course, clock, audit_events):
    rule = _rule(people, course)
    services.mandatory_rule_deactivate(actor=people.admin, rule=rule)
    assert services.mandatory_sweep().enrolled == 0
    assert not Enrollment.objects.exists()
    assert audit_events("learning.rule.deactivated")


def test_the_command_runs_the_sweep(people, course, clock, capsys):
    _rule(people, course)
    call_command("learning_sweep")
    assert "enrolled 1" in capsys.readouterr().out
    assert Enrollment.objects.filter(course=course, source=EnrollmentSource.MANDATORY).count() == 1


def test_a_rule_names_a_role_or_a_position_not_both(people, course, clock):
    with pytest.raises(ValidationFailed):
        _rule(people, course, position=people.prosecutor)
    with pytest.raises(ValidationFailed):
        _rule(people, course, role="")
    with pytest.raises(Forbidden):
        services.mandatory_rule_save(
            actor=people.trainer, data=services.MandatoryRuleInput(course=course, role=Role.INVESTIGATE)
        )
    assert not MandatoryRule.objects.exists()
