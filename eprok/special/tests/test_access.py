"""Who sees a special report of the Xətai office, and what they may do with it: the reporting unit, its
superiors, the departments it was delivered to, the duty prosecutor — nobody else, and never above their
clearance. Refusals are 404 for what is invisible, 403 for a refused action, and audited."""

from __future__ import annotations

import json

import pytest

from eprok.core.errors import Forbidden, NotFound
from eprok.org.grants import forget_grants
from eprok.org.roles import Clearance
from eprok.special import access, services
from eprok.special.models import SpecialReport
from eprok.special.tests.conftest import NAMES

pytestmark = pytest.mark.django_db

# Who sees a delivered murder report of the Xətai office ("For official use").
SEES = {
    "anonymous": False,
    "outsider": False,  # works in the Xətai office, but holds no role
    "reporter": True,
    "sibling": False,  # the Nəsimi office reports too, but sees nothing of Xətai's
    "superior": True,  # the Baku city office reads its district offices' reports
    "reader": True,  # murder is routed to the investigation department
    "other_reader": False,  # nothing is routed to the personnel department
    "duty": True,
}
assert set(SEES) == set(NAMES)


def _sees(people, name: str, report: SpecialReport) -> bool:
    user = people.by_name(name)
    if user is not None:
        forget_grants(user)
    return access.visible_to(user).filter(pk=report.pk).exists()


def test_the_visibility_matrix_of_a_delivered_report(people, report):
    assert report.delivered_at is not None
    seen = {name: _sees(people, name, report) for name in NAMES}
    assert seen == SEES


def test_a_routed_department_sees_a_report_only_once_it_is_delivered(people, make_report):
    report = make_report(deliver=False)
    assert not _sees(people, "reader", report)
    assert _sees(people, "reporter", report) and _sees(people, "superior", report)
    assert _sees(people, "duty", report)  # the duty prosecutor sees what is still on its way
    services.report_deliver(report_pk=report.pk)
    assert _sees(people, "reader", report)
    assert not _sees(people, "other_reader", report)


def test_a_report_routed_elsewhere_is_not_seen_by_the_department(people, make_report):
    from eprok.special.models import IncidentType

    fire = IncidentType.objects.get(code="major-fire")
    fire.routed_to.set([people.police])
    report = make_report(incident_type=fire)
    assert not _sees(people, "reader", report)
    assert _sees(people, "duty", report)


def test_a_secret_report_is_hidden_from_readers_not_cleared_for_it(people, make_report):
    people.reporter.clearance = Clearance.SECRET
    people.reporter.save(update_fields=["clearance"])
    report = make_report(classification=Clearance.SECRET)
    # The role is there, the clearance is not.
    assert not _sees(people, "superior", report)
    assert not _sees(people, "reader", report)
    assert _sees(people, "duty", report) and _sees(people, "reporter", report)
    people.reader.clearance = Clearance.SECRET
    people.reader.save(update_fields=["clearance"])
    assert _sees(people, "reader", report)
    with pytest.raises(NotFound):
        access.get_report_for(people.superior, report.number)


def test_a_role_out_of_force_gives_nothing(people, report):
    from django.utils import timezone

    from eprok.org.models import RoleAssignment

    RoleAssignment.objects.filter(employee=people.superior).update(ended_at=timezone.now())
    assert not _sees(people, "superior", report)


def test_get_report_for_finds_by_number_or_public_id(people, report):
    assert access.get_report_for(people.reporter, report.number) == report
    assert access.get_report_for(people.reporter, report.number.lower()) == report
    assert access.get_report_for(people.reporter, str(report.public_id)) == report
    assert access.get_report_for(people.reporter, report.public_id) == report
    for key in ("", "XSM-NOPE", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            access.get_report_for(people.reporter, key)


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("sibling", "view"),
        ("other_reader", "view"),
        ("outsider", "view"),
        ("anonymous", "view"),
        ("sibling", "follow_up"),
        ("other_reader", "acknowledge"),
    ],
)
def test_an_invisible_report_is_not_found_and_the_refusal_is_audited(
    people, report, audit_events, name, action
):
    with pytest.raises(NotFound):
        access.get_report_for(people.by_name(name), report.number, action=action)
    (event,) = audit_events("access.denied")
    assert event.target_type == access.TARGET_TYPE and event.target_id == report.number
    assert json.loads(event.data) == {"attempted": action, "outcome": "not_found"}


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("reporter", "acknowledge"),
        ("reporter", "close"),
        ("superior", "follow_up"),
        ("superior", "acknowledge"),
        ("reader", "close"),
        ("reader", "follow_up"),
        ("duty", "follow_up"),
    ],
)
def test_a_visible_report_refuses_an_action_not_allowed_and_audits_it(
    people, report, audit_events, name, action
):
    with pytest.raises(Forbidden):
        access.get_report_for(people.by_name(name), report.number, action=action)
    (event,) = audit_events("access.denied")
    assert event.target_id == str(report.public_id)  # the card's history finds it
    assert json.loads(event.data) == {"attempted": action, "outcome": "forbidden"}


@pytest.mark.parametrize(
    ("name", "action"),
    [("reporter", "view"), ("reporter", "follow_up"), ("duty", "acknowledge"), ("duty", "close")],
)
def test_the_allowed_actions_pass(people, report, audit_events, name, action):
    assert access.get_report_for(people.by_name(name), report.number, action=action) == report
    assert audit_events("access.denied") == []


def test_what_the_buttons_offer_follows_the_reports_state(people, make_report):
    waiting = make_report(deliver=False)
    assert not access.can_acknowledge(people.duty, waiting)  # nothing to acknowledge yet
    services.report_deliver(report_pk=waiting.pk)
    waiting.refresh_from_db()
    assert access.can_acknowledge(people.duty, waiting) and access.can_close(people.duty, waiting)
    assert access.can_follow_up(people.reporter, waiting)
    assert not access.can_follow_up(people.sibling, waiting)
    services.report_close(report=waiting, actor=people.duty, reason="Səhv məlumat.")
    waiting.refresh_from_db()
    assert not access.can_acknowledge(people.duty, waiting) and not access.can_close(people.duty, waiting)
    assert not access.can_follow_up(people.reporter, waiting)


def test_who_uses_the_register_the_console_and_the_classifier(people):
    register = {name: access.uses_register(people.by_name(name)) for name in NAMES}
    assert register == {name: name not in ("anonymous", "outsider") for name in NAMES}
    console = {name: access.can_use_console(people.by_name(name)) for name in NAMES}
    assert console == {name: name in ("superior", "reader", "other_reader", "duty") for name in NAMES}
    keepers = {name for name in (*NAMES, "keeper") if access.can_manage_types(people.by_name(name))}
    assert keepers == {"keeper"}  # "Read special reports" over the root unit with its sub-units
    assert list(access.submit_units(people.reporter)) == [people.xetai]
    assert list(access.submit_units(people.superior)) == []


def test_the_incident_type_editor_is_for_the_keeper_only(people, audit_events):
    assert access.get_incident_type_for(people.keeper, "murder") == people.murder
    with pytest.raises(NotFound):
        access.get_incident_type_for(people.keeper, "no-such-type")
    with pytest.raises(NotFound):
        access.get_incident_type_for(people.duty, "murder")
    assert len(audit_events("access.denied")) == 2


def test_why_can_i_see_this_agrees_with_the_visibility(people, report):
    from eprok.core.access import explain

    for name in NAMES:
        if name == "anonymous":
            continue
        found = explain(people.by_name(name), access.TARGET_TYPE, report.number.lower())
        assert found is not None
        shown, explanation = found
        assert shown == report
        assert explanation.visible is SEES[name], name
        assert explanation.reasons, name  # always a sentence why, or why not
    _, reader = explain(people.reader, access.TARGET_TYPE, report.number) or (None, None)
    assert reader is not None
    assert reader.actions == {"view": True, "follow_up": False, "acknowledge": False, "close": False}
    _, duty = explain(people.duty, access.TARGET_TYPE, report.number) or (None, None)
    assert duty is not None
    assert duty.actions == {"view": True, "follow_up": False, "acknowledge": True, "close": True}
    assert explain(people.duty, access.TARGET_TYPE, "XSM-NOPE") is None


def test_my_work_lists_what_waits_for_each(people, report, make_report):
    from eprok.special.work import my_work_items

    undelivered = make_report(deliver=False)
    # The duty prosecutor acknowledges what was delivered (the undelivered one is not there yet).
    assert [item.title for item in my_work_items(people.duty)] == [report.number]
    reporter = [item.title for item in my_work_items(people.reporter)]
    assert set(reporter) == {report.number, undelivered.number}  # follow-ups due
    assert my_work_items(people.sibling) == [] and my_work_items(people.outsider) == []
    services.report_close(report=report, actor=people.duty, reason="Səhv məlumat.")
    assert [item.title for item in my_work_items(people.reporter)] == [undelivered.number]
