"""The 161 hotline: registering reports from every channel, assignment, the triage (a)/(b)/(c), replies and
the custodian's reveal of an identity."""

from __future__ import annotations

import pytest
from django.utils import translation

from eprok.contact import access, services
from eprok.contact.models import (
    CallOutcome,
    CallStatus,
    Centre,
    HotlineChannel,
    HotlineIdentity,
    HotlineMessage,
    HotlineStatus,
    MessageSide,
)
from eprok.contact.tests.factories import hotline_report, open_call
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.materials.models import Material

pytestmark = pytest.mark.django_db

IDENTITY = {"name": "Qasımov Vüsal", "phone": "055 765 43 21", "fin": "7KQ2M5B"}


def test_a_letter_is_registered_with_a_number_of_the_hotline_register(people, audit_events):
    report = hotline_report(actor=people.investigator, unit=people.unit)
    assert report.number.startswith("QX-BAKU-XETAI-") and report.status == HotlineStatus.RECEIVED
    assert not report.identity_held and not HotlineIdentity.objects.filter(report=report).exists()
    event = audit_events("contact.hotline_report.registered")[0]
    assert '"sector":"health"' in event.changes and "300 manat" not in event.changes


def test_registration_refuses_an_unknown_sector_or_type_and_an_empty_text(people):
    with pytest.raises(ValidationFailed) as refused:
        hotline_report(
            actor=people.investigator, unit=people.unit, text=" ", sector="nowhere", corruption_type="x"
        )
    assert {"text", "sector", "corruption_type"} <= set(refused.value.details)


def test_only_the_hotlines_operators_register_reports(people):
    with pytest.raises(Forbidden):
        hotline_report(actor=people.custodian, unit=people.unit)
    with pytest.raises(Forbidden):
        hotline_report(actor=people.outsider, unit=people.unit)


def test_an_identity_goes_to_the_custodians_table_and_nowhere_else(people, audit_events):
    report = hotline_report(actor=people.investigator, unit=people.unit, identity=IDENTITY)
    identity = HotlineIdentity.objects.get(report=report)
    assert report.identity_held and identity.phone == "+994557654321" and identity.fin == "7KQ2M5B"
    assert "Qasımov" not in report.text and "Qasımov" not in str(identity)
    for event in audit_events():
        assert "Qasımov" not in f"{event.changes}{event.data}{event.target_repr}"


def test_a_malformed_identity_is_refused_with_the_field_named(people):
    with pytest.raises(ValidationFailed) as refused:
        hotline_report(actor=people.investigator, unit=people.unit, identity={"email": "not-an-address"})
    assert "identity.email" in refused.value.details


def test_a_hotline_call_becomes_a_report_and_is_registered_with_it(people):
    call = open_call(actor=people.investigator, unit=people.unit, centre=Centre.HOTLINE)
    report = services.hotline_report_from_call(
        actor=people.investigator,
        call=call,
        text="Rayon xəstəxanasında həkim əməliyyat növbəsi üçün pul tələb edir.",
        sector="health",
        corruption_type="extortion",
        assignee=people.investigator,
    )
    call.refresh_from_db()
    assert report.channel == HotlineChannel.PHONE and report.call == call
    assert report.status == HotlineStatus.IN_REVIEW and report.assignee == people.investigator
    assert call.status == CallStatus.REGISTERED and call.outcome == CallOutcome.HOTLINE_REPORT
    assert call.caller_number == "" and call.caller_name == ""


def test_a_961_call_does_not_become_a_hotline_report(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    with pytest.raises(Conflict):
        services.hotline_report_from_call(actor=people.investigator, call=call, text="x")


def test_assignment_needs_an_investigator_or_operator_of_the_unit(people, audit_events):
    report = hotline_report(actor=people.investigator, unit=people.unit)
    with pytest.raises(ValidationFailed):
        services.hotline_report_assign(actor=people.investigator, report=report, assignee=people.colleague)
    with pytest.raises(Forbidden):
        services.hotline_report_assign(actor=people.custodian, report=report, assignee=people.investigator)
    report = services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)
    assert report.assignee == people.investigator and report.status == HotlineStatus.IN_REVIEW
    assert audit_events("contact.hotline_report.assigned")


def _assigned(people, **fields):
    report = hotline_report(actor=people.peer, unit=people.unit, **fields)
    return services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)


def test_triage_a_registers_a_crime_report_for_a_check(people, audit_events):
    report = _assigned(people, place="Xətai rayonu, 3 saylı xəstəxana")
    report = services.hotline_triage_material(actor=people.investigator, report=report)
    material = Material.objects.get(number=report.material_number)
    assert report.status == HotlineStatus.MATERIAL and report.triaged_by == people.investigator
    assert (
        material.source == "hotline" and material.is_anonymous and material.source_reference == report.number
    )
    assert material.assignee == people.investigator and material.incident_place == report.place
    event = audit_events("contact.hotline_report.triaged")[0]
    assert material.number in event.data


def test_a_report_with_an_identity_held_is_not_an_anonymous_material(people):
    report = _assigned(people, identity=IDENTITY)
    report = services.hotline_triage_material(actor=people.investigator, report=report)
    material = Material.objects.get(number=report.material_number)
    assert not material.is_anonymous
    assert "Qasımov" not in material.summary


def test_triage_b_forwards_and_c_explains(people):
    forwarded = services.hotline_triage_forward(
        actor=people.investigator,
        report=_assigned(people),
        agency="Səhiyyə Nazirliyi",
        covering_note="Aidiyyəti üzrə baxılması üçün göndərilir.",
    )
    assert forwarded.status == HotlineStatus.FORWARDED and forwarded.forwarded_to == "Səhiyyə Nazirliyi"
    explained = services.hotline_triage_explain(
        actor=people.investigator, report=_assigned(people), explanation="Müraciət etmək qaydası izah edildi."
    )
    assert explained.status == HotlineStatus.EXPLAINED and explained.explanation


def test_a_report_is_triaged_once_and_only_by_its_assignee_or_a_supervisor(people):
    report = _assigned(people)
    with pytest.raises(Forbidden):
        services.hotline_triage_explain(actor=people.peer, report=report, explanation="x")
    services.hotline_triage_explain(actor=people.superior, report=report, explanation="İzah edildi.")
    with pytest.raises(Conflict):
        services.hotline_triage_forward(
            actor=people.investigator, report=report, agency="X", covering_note="Y"
        )


def test_triage_refuses_empty_texts_before_changing_anything(people):
    report = _assigned(people)
    with pytest.raises(ValidationFailed):
        services.hotline_triage_forward(actor=people.investigator, report=report, agency="", covering_note="")
    report.refresh_from_db()
    assert report.status == HotlineStatus.IN_REVIEW


def test_only_the_assignee_replies_to_a_portal_reporter(people):
    report, _code = services.hotline_report_submit_public(text="Məktəbdə direktor valideynlərdən pul yığır.")
    with pytest.raises(Forbidden):
        services.hotline_reply(actor=people.investigator, report=report, text="Salam")
    report = services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)
    message = services.hotline_reply(actor=people.investigator, report=report, text="Hansı məktəbdir?")
    assert message.side == MessageSide.STAFF and message.author == people.investigator
    with pytest.raises(Forbidden):
        services.hotline_reply(actor=people.superior, report=report, text="Salam")


def test_the_explanation_reaches_a_portal_reporter_in_the_conversation(people):
    report, _code = services.hotline_report_submit_public(
        text="Bələdiyyədə torpaq sahəsi üçün rüşvət istəyirlər."
    )
    report = services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)
    services.hotline_triage_explain(
        actor=people.investigator, report=report, explanation="Bu barədə polisə müraciət edin."
    )
    thread = services.hotline_messages_for_reporter(report=report)
    assert [(m["from_reporter"], m["text"]) for m in thread] == [(False, "Bu barədə polisə müraciət edin.")]


def test_the_custodian_reveals_an_identity_with_a_purpose_and_it_is_audited(people, audit_events):
    report = hotline_report(actor=people.investigator, unit=people.unit, identity=IDENTITY)
    with pytest.raises(ValidationFailed):
        services.hotline_identity_reveal(actor=people.custodian, report=report, purpose="x")
    identity = services.hotline_identity_reveal(
        actor=people.custodian, report=report, purpose="Məhkəmənin 12.03 tarixli sorğusu üzrə"
    )
    assert identity.name == "Qasımov Vüsal"
    event = audit_events("contact.hotline_identity.revealed")[0]
    assert event.purpose.startswith("Məhkəmənin") and event.actor_id == people.custodian.pk
    assert "Qasımov" not in f"{event.changes}{event.data}{event.target_repr}"


def test_nobody_but_the_custodian_reveals_an_identity(people):
    report = hotline_report(actor=people.investigator, unit=people.unit, identity=IDENTITY)
    for someone in (people.investigator, people.superior, people.peer, people.outsider):
        assert not access.can_reveal_identity(someone, report)
        with pytest.raises(Forbidden):
            services.hotline_identity_reveal(actor=someone, report=report, purpose="Araşdırma üçün lazımdır")


def test_staff_replies_show_no_name_to_the_reporter(people):
    report, _code = services.hotline_report_submit_public(text="Vergi idarəsində rüşvət.")
    report = services.hotline_report_assign(actor=people.peer, report=report, assignee=people.investigator)
    services.hotline_reply(actor=people.investigator, report=report, text="Təşəkkür edirik.")
    with translation.override("en"):
        thread = services.hotline_messages_for_reporter(report=report)
    assert thread[0]["author"] == "Investigator" and not thread[0]["from_reporter"]
    assert people.investigator.last_name not in str(thread) and people.investigator.first_name not in str(
        thread
    )
    assert HotlineMessage.objects.filter(report=report).count() == 1
