"""Writes to criminal cases: each service does its job, refuses what it must (writing nothing), is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from eprok.cases import services, terms
from eprok.cases.models import (
    ActKind,
    Case,
    CaseParty,
    CaseStatus,
    MeasureKind,
    PreventiveMeasure,
    ProceduralAct,
    Qualification,
    TeamMember,
    TeamRole,
)
from eprok.cases.tests.factories import aware, make_case, make_material, make_party
from eprok.cases.tests.helpers import changes_of, data_of, domain_events, written_state
from eprok.core.calendar.deadlines import ExtensionRefused
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.criminal_code.models import Article
from eprok.materials.models import CheckActionKind, MaterialStatus
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.persons.models import PartyRole

pytestmark = pytest.mark.django_db

STALE = "The record was changed by someone else; reload it and try again."


def open_terms(case: Case) -> set[str]:
    return set(
        TrackedDeadline.objects.filter(
            owner_type="cases.case", owner_id=case.pk, state=DeadlineState.OPEN
        ).values_list("key", flat=True)
    )


# --- opening ---------------------------------------------------------------------------------------------


def test_it_opens_a_case_with_its_number_qualification_team_act_and_term(personas, audit_events):
    case = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        articles="177.2.3, 178.1",
    )
    year = timezone.localdate().year
    assert case.number == f"CI-BAKU-XETAI-{year}-00001"
    assert (case.articles, case.main_article, case.category) == ("177.2.3, 178.1", "177.2.3", 2)
    assert list(case.qualifications.order_by("-is_main").values_list("reference", "is_main")) == [
        ("177.2.3", True),
        ("178.1", False),
    ]
    assert list(case.team.values_list("employee__username", "role")) == [("investigator", TeamRole.LEAD)]
    [act] = case.acts.all()
    assert act.event == "case.opened" and act.kind == ActKind.DECISION and act.body == case.opening_grounds
    assert case.investigation_due is not None and case.next_due_key == "investigation"
    assert open_terms(case) == {"investigation"}
    [event] = audit_events("cases.case.opened")
    assert event.target_id == str(case.public_id)
    assert changes_of(event)["after"]["articles"] == "177.2.3, 178.1"


def test_it_opens_a_case_on_a_crime_report_and_decides_the_report_in_the_same_step(personas, audit_events):
    material = make_material(actor=personas.investigator, unit=personas.unit, articles="177.1")
    case = make_case(
        actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor, material=material
    )
    material.refresh_from_db()
    assert material.status == MaterialStatus.CASE_OPENED and material.case_number == case.number
    assert case.material_id == material.pk
    assert [
        e.action for e in audit_events() if e.action.endswith("case_opened") or e.action.endswith(".opened")
    ] == [
        "materials.material.case_opened",
        "cases.case.opened",
    ]


def test_an_anonymous_report_alone_is_refused_and_nothing_is_written(personas, audit_events):
    material = make_material(actor=personas.investigator, unit=personas.unit, is_anonymous=True)
    before = written_state()
    with pytest.raises(Conflict) as caught:
        make_case(
            actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor, material=material
        )
    assert caught.value.code == "anonymous_report_alone"
    assert written_state() == before
    assert domain_events(audit_events()) == []
    from eprok.materials.services import material_add_action

    material_add_action(
        actor=personas.investigator,
        material=material,
        kind=CheckActionKind.SCENE_EXAMINATION,
        performed_on=timezone.localdate(),
        description="Hadisə yerinə baxış keçirildi.",
    )
    case = make_case(
        actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor, material=material
    )
    assert case.number.endswith("-00001")  # the refused attempt did not consume a number


def test_only_those_who_may_decide_the_report_open_a_case_on_it(personas, audit_events):
    material = make_material(actor=personas.investigator, unit=personas.unit, assignee=None)
    other = EmployeeFactory(username="other-investigator", unit=personas.unit)
    RoleAssignmentFactory(employee=other, role=Role.INVESTIGATE, unit=personas.unit)
    before = written_state()
    with pytest.raises(Forbidden):
        make_case(actor=other, unit=personas.unit, supervisor=personas.prosecutor, material=material)
    assert written_state() == before
    assert domain_events(audit_events()) == []
    assert audit_events()[-1].action == "access.denied"


def test_it_refuses_to_open_a_case_in_a_unit_where_the_actor_has_no_role(personas, audit_events):
    before = written_state()
    with pytest.raises(Forbidden):
        make_case(
            actor=personas.outsider,
            unit=personas.unit,
            investigator=personas.investigator,
            supervisor=personas.prosecutor,
        )
    assert written_state() == before
    assert domain_events(audit_events()) == []


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("articles", {"articles": ""}),
        ("articles", {"articles": "9999"}),
        ("articles", {"articles": "177.1, 177.1"}),
        ("summary", {"summary": "  "}),
        ("opening_grounds", {"opening_grounds": ""}),
        ("opened_at", {"opened_at": timezone.now() + dt.timedelta(days=2)}),
    ],
)
def test_it_refuses_an_opening_with_an_invalid_field_and_writes_nothing(
    personas, audit_events, field, kwargs
):
    before = written_state()
    with pytest.raises(ValidationFailed) as caught:
        make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor, **kwargs)
    assert field in caught.value.details
    assert written_state() == before
    assert domain_events(audit_events()) == []


def test_the_investigator_and_the_supervisor_must_hold_their_roles_over_the_unit(personas):
    with pytest.raises(ValidationFailed) as caught:
        make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.colleague)
    assert "supervisor" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        make_case(
            actor=personas.investigator,
            unit=personas.unit,
            investigator=personas.outsider,
            supervisor=personas.prosecutor,
        )
    assert "investigator" in caught.value.details


# --- qualification -------------------------------------------------------------------------------------


def _article(number: str, **fields):
    base = {
        "title_az": f"Maddə {number}",
        "title_en": f"Article {number}",
        "chapter": 23,
        "section": "IX",
        "category": 3,
    }
    return Article.objects.create(number=number, **{**base, **fields})


def test_an_article_not_in_force_on_the_date_of_the_act_is_refused(personas, audit_events):
    _article("177-9", valid_from=dt.date(2026, 1, 1))
    with pytest.raises(ValidationFailed) as caught:
        make_case(
            actor=personas.investigator,
            unit=personas.unit,
            supervisor=personas.prosecutor,
            articles="177-9.1",
            opened_at=aware(2025, 12, 1),
        )
    assert caught.value.code == "unknown_article"
    case = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        opened_at=aware(2025, 12, 1),
    )
    before = written_state()
    with pytest.raises(ValidationFailed) as caught:
        services.case_requalify(
            actor=personas.investigator,
            case=case,
            articles="177-9.1",
            reason="Yeni maddə",
            on=dt.date(2025, 12, 20),
        )
    assert caught.value.code == "unknown_article" and "articles" in caught.value.details
    assert written_state() == before
    case = services.case_requalify(
        actor=personas.investigator,
        case=case,
        articles="177-9.1",
        reason="Yeni maddə",
        on=dt.date(2026, 1, 5),
    )
    assert case.articles == "177-9.1" and case.category == 3


def test_a_repealed_article_is_refused_after_its_last_day(personas):
    _article("186-5", valid_from=dt.date(2000, 9, 1), valid_to=dt.date(2025, 6, 30))
    case = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        opened_at=aware(2025, 7, 10),
    )
    with pytest.raises(ValidationFailed):
        services.case_qualify(
            actor=personas.investigator, case=case, reference="186-5.1", on=dt.date(2025, 7, 10)
        )


def test_a_requalification_keeps_history_and_changes_the_investigation_rule(personas, audit_events):
    case = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        opened_at=aware(2026, 2, 2),
    )
    assert case.investigation_due == dt.date(
        2026, 5, 4
    )  # 3 months (category 2) from 2 February: 2 May is a Saturday
    case = services.case_requalify(
        actor=personas.investigator,
        case=case,
        articles=["126.2", "177.2.3"],
        reason="Zərərçəkmişə ağır zərər vurulub.",
        on=dt.date(2026, 3, 2),
        expected_version=case.version,
    )
    assert (case.articles, case.main_article, case.category) == ("126.2, 177.2.3", "126.2", 3)
    rows = list(
        Qualification.objects.filter(case=case).order_by("pk").values_list("reference", "is_main", "ended_on")
    )
    assert rows == [
        ("177.2.3", True, dt.date(2026, 3, 2)),
        ("126.2", True, None),
        ("177.2.3", False, None),
    ]
    case.refresh_from_db()
    assert case.investigation_due == dt.date(2026, 6, 2)  # now 4 months (category 3)
    assert case.acts.filter(event="case.requalified").count() == 1
    [event] = audit_events("cases.case.requalified")
    assert data_of(event) == {"from": ["177.2.3"], "to": ["126.2", "177.2.3"]}
    assert changes_of(event)["after"]["category"] == 3


def test_adding_an_article_keeps_the_main_one_unless_asked(personas, audit_events):
    case = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    case = services.case_qualify(
        actor=personas.investigator, case=case, reference="178.1", reason="Dələduzluq da var"
    )
    assert case.articles == "177.2.3, 178.1"
    case = services.case_qualify(actor=personas.investigator, case=case, reference="126.1", is_main=True)
    assert case.articles == "126.1, 177.2.3, 178.1" and case.category == 3
    assert len(audit_events("cases.case.qualified")) == 2
    before = written_state()
    with pytest.raises(Conflict):
        services.case_qualify(actor=personas.investigator, case=case, reference="178.1")
    assert written_state() == before


# --- parties and acts ----------------------------------------------------------------------------------


def test_a_change_of_status_ends_one_row_adds_another_and_writes_the_charge(case, personas, audit_events):
    suspect = make_party(case, actor=personas.investigator)
    case.refresh_from_db()
    detention = services.measure_apply(
        actor=personas.investigator, case=case, party=suspect, kind=MeasureKind.DETENTION
    )
    accused = services.case_change_party_status(
        actor=personas.investigator, party=suspect, role=PartyRole.ACCUSED
    )
    suspect.refresh_from_db()
    assert (
        suspect.until == timezone.localdate() and accused.until is None and accused.role == PartyRole.ACCUSED
    )
    assert PreventiveMeasure.objects.get(pk=detention.pk).party_id == accused.pk
    [charge] = ProceduralAct.objects.filter(case=case, kind=ActKind.CHARGE)
    assert charge.party_id == accused.pk and charge.event == "party.charged"
    [event] = audit_events("cases.party.status_changed")
    assert (
        data_of(event)["from"] == "suspect"
        and data_of(event)["to"] == "accused"
        and data_of(event)["measures_moved"] == 1
    )


def test_a_person_is_not_added_twice_in_the_same_role_nor_as_both_suspect_and_accused(
    case, personas, audit_events
):
    party = make_party(case, actor=personas.investigator)
    before = written_state()
    for role in (PartyRole.SUSPECT, PartyRole.ACCUSED):
        with pytest.raises(Conflict):
            services.case_add_party(actor=personas.investigator, case=case, person=party.person, role=role)
    assert written_state() == before
    services.case_add_party(
        actor=personas.investigator, case=case, person=party.person, role=PartyRole.WITNESS
    )
    assert len(audit_events("cases.party.added")) == 2


def test_a_party_with_a_running_measure_cannot_be_removed(case, personas, audit_events):
    party = make_party(case, actor=personas.investigator)
    measure = services.measure_apply(
        actor=personas.investigator, case=case, party=party, kind=MeasureKind.DETENTION
    )
    before = written_state()
    with pytest.raises(Conflict) as caught:
        services.case_remove_party(actor=personas.investigator, party=party, reason="Şübhə aradan qalxdı")
    assert caught.value.code == "measure_running"
    assert written_state() == before
    services.measure_end(actor=personas.investigator, measure=measure, reason="Azad edildi")
    services.case_remove_party(actor=personas.investigator, party=party, reason="Şübhə aradan qalxdı")
    assert CaseParty.objects.get(pk=party.pk).until == timezone.localdate()
    assert len(audit_events("cases.party.removed")) == 1


def test_acts_are_recorded_and_charges_are_not_recorded_by_hand(case, personas, audit_events):
    act = services.case_add_act(
        actor=personas.investigator,
        case=case,
        kind=ActKind.PROTOCOL,
        title="Dindirmə protokolu",
        body="Şahid ifadə verdi.",
        expected_version=case.version,
    )
    assert act.author == personas.investigator and act.event == ""
    [event] = audit_events("cases.act.added")
    assert data_of(event)["kind"] == "protocol"
    before = written_state()
    for kind in (ActKind.CHARGE, ActKind.INDICTMENT, ActKind.MEASURE):
        with pytest.raises(ValidationFailed):
            services.case_add_act(actor=personas.investigator, case=case, kind=kind, title="X")
    with pytest.raises(ValidationFailed):
        services.case_add_act(
            actor=personas.investigator,
            case=case,
            kind=ActKind.PROTOCOL,
            title="X",
            act_date=timezone.localdate() + dt.timedelta(days=1),
        )
    assert written_state() == before


def test_only_the_active_team_edits(case, personas, audit_events):
    before = written_state()
    for actor in (personas.superior, personas.prosecutor, personas.colleague, personas.outsider):
        with pytest.raises(Forbidden):
            services.case_add_act(actor=actor, case=case, kind=ActKind.PROTOCOL, title="Protokol")
    assert written_state() == before
    assert {e.action for e in audit_events()} == {"access.denied"}


def test_a_stale_version_is_refused_with_a_clear_message_and_nothing_written(case, personas, audit_events):
    stale = case.version
    services.case_add_act(
        actor=personas.investigator, case=case, kind=ActKind.OTHER, title="Arayış", expected_version=stale
    )
    before = written_state()
    with pytest.raises(Conflict) as caught:
        services.case_suspend(
            actor=personas.investigator,
            case=case,
            ground="53.1.1",
            reason="Şəxs müəyyən edilməyib",
            expected_version=stale,
        )
    assert caught.value.code == "stale_version"
    with translation.override("en"):
        assert str(caught.value.message) == STALE
    assert caught.value.details == {"version": stale + 1}
    assert written_state() == before
    assert audit_events("cases.case.suspended") == []


# --- detention and preventive measures ------------------------------------------------------------------


@pytest.fixture
def murder_case(personas):
    """A case under 120.2.11 (category 4, listed in CPC 148.7) opened on Friday 7 November 2025."""
    return make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        articles="120.2.11",
        opened_at=aware(2025, 11, 7, 9),
    )


def test_a_detention_runs_48_hours_across_a_weekend_and_148_7_extends_it(murder_case, personas, audit_events):
    case = murder_case
    suspect = make_party(case, actor=personas.investigator, since=dt.date(2025, 11, 7))
    detention = services.measure_apply(
        actor=personas.investigator,
        case=case,
        party=suspect,
        kind=MeasureKind.DETENTION,
        started_at=aware(2025, 11, 7, 18),
    )
    # Friday 18:00 + 48 hours = Sunday 18:00: a clock in hours is not moved to Monday.
    assert timezone.localtime(detention.due_at) == aware(2025, 11, 9, 18)
    assert detention.rule_code == "cpc.148.detention"
    assert f"measure-{detention.pk}" in open_terms(case)
    [applied] = audit_events("cases.measure.applied")
    assert data_of(applied)["kind"] == "detention"

    with pytest.raises(
        Forbidden
    ):  # the team does not extend a detention: the court does, on the prosecutor's motion
        services.measure_extend(
            actor=personas.investigator,
            measure=detention,
            step="148.7",
            length=48,
            reason="Ekspertiza",
            decision_reference="Məhkəmə qərarı",
        )
    with pytest.raises(ExtensionRefused):  # at most 48 more hours
        services.measure_extend(
            actor=personas.prosecutor,
            measure=detention,
            step="148.7",
            length=72,
            reason="Ekspertiza",
            decision_reference="Məhkəmə qərarı",
        )
    assert audit_events("cases.measure.extended") == []
    services.measure_extend(
        actor=personas.prosecutor,
        measure=detention,
        step="148.7",
        length=48,
        reason="Ekspertizanın nəticəsi gözlənilir",
        decision_reference="Xətai rayon məhkəməsinin 09.11.2025 tarixli qərarı",
    )
    detention.refresh_from_db()
    assert timezone.localtime(detention.due_at) == aware(2025, 11, 11, 18)
    deadline = terms.measure_deadline(detention)
    assert deadline is not None and deadline.due == aware(2025, 11, 11, 18)
    assert any("148.7" in line for line in deadline.explain_lines())
    [extended] = audit_events("cases.measure.extended")
    assert data_of(extended)["step"] == "148.7" and data_of(extended)["length"] == 48
    before = written_state()
    with pytest.raises(ExtensionRefused):  # the step is used up
        services.measure_extend(
            actor=personas.prosecutor,
            measure=detention,
            step="148.7",
            length=1,
            reason="X",
            decision_reference="Y",
        )
    assert written_state() == before


def test_148_7_is_refused_for_a_crime_it_does_not_list(case, personas, audit_events):
    suspect = make_party(case, actor=personas.investigator)
    detention = services.measure_apply(
        actor=personas.investigator, case=case, party=suspect, kind=MeasureKind.DETENTION
    )
    before = written_state()
    with pytest.raises(Conflict) as caught:
        services.measure_extend(
            actor=personas.prosecutor,
            measure=detention,
            step="148.7",
            length=24,
            reason="X",
            decision_reference="Y",
        )
    assert caught.value.code == "extension_not_allowed"
    assert written_state() == before
    assert audit_events("cases.measure.extended") == []


def test_an_arrest_counts_the_detention_into_its_term_and_ends_it(murder_case, personas, audit_events):
    case = murder_case
    suspect = make_party(case, actor=personas.investigator, since=dt.date(2025, 11, 7))
    detention = services.measure_apply(
        actor=personas.investigator,
        case=case,
        party=suspect,
        kind=MeasureKind.DETENTION,
        started_at=aware(2025, 11, 7, 18),
    )
    accused = services.case_change_party_status(
        actor=personas.investigator, party=suspect, role=PartyRole.ACCUSED, on=dt.date(2025, 11, 9)
    )
    with pytest.raises(ValidationFailed) as caught:
        services.measure_apply(
            actor=personas.investigator,
            case=case,
            party=accused,
            kind=MeasureKind.ARREST,
            started_at=aware(2025, 11, 9, 15),
        )
    assert "court_decision" in caught.value.details
    arrest = services.measure_apply(
        actor=personas.investigator,
        case=case,
        party=accused,
        kind=MeasureKind.ARREST,
        started_at=aware(2025, 11, 9, 15),
        court_decision="Xətai rayon məhkəməsinin 09.11.2025 tarixli 1(012)-345/2025 nömrəli qərarı",
    )
    detention.refresh_from_db()
    assert detention.ended_at == arrest.started_at
    assert arrest.rule_code == "cpc.158.arrest.cat4" and arrest.term_started_at == detention.started_at
    # 4 months from 7 November (the detention) = 7 March 2026, a Saturday; Monday 9 March is the rest day
    # moved from Women's Day (8 March, a Sunday): the term ends on Tuesday 10 March.
    deadline = terms.measure_deadline(arrest)
    assert deadline is not None and deadline.due == dt.date(2026, 3, 10)
    assert open_terms(case) == {"investigation", f"measure-{arrest.pk}"}
    assert Case.objects.get(pk=case.pk).in_custody is True
    services.measure_extend(
        actor=personas.superior,
        measure=arrest,
        step="159.1",
        length=4,
        reason="İş mürəkkəbdir",
        decision_reference="Məhkəmə qərarı",
    )
    extended = terms.measure_deadline(PreventiveMeasure.objects.get(pk=arrest.pk))
    assert extended is not None and extended.due == dt.date(2026, 7, 7)
    with pytest.raises(ExtensionRefused):  # 159.2 gives at most 5 more months in category 4
        services.measure_extend(
            actor=personas.superior,
            measure=arrest,
            step="159.2",
            length=6,
            reason="X",
            decision_reference="Y",
        )
    services.measure_end(actor=personas.prosecutor, measure=arrest, reason="Ev dustaqlığı ilə əvəz edildi")
    assert f"measure-{arrest.pk}" not in open_terms(case)
    assert Case.objects.get(pk=case.pk).in_custody is False
    assert [e.action for e in audit_events() if e.action.startswith("cases.measure")] == [
        "cases.measure.applied",
        "cases.measure.applied",
        "cases.measure.extended",
        "cases.measure.ended",
    ]


def test_a_measure_is_refused_for_a_witness_and_a_second_measure_while_one_runs(case, personas, audit_events):
    witness = make_party(case, actor=personas.investigator, role=PartyRole.WITNESS)
    accused = make_party(case, actor=personas.investigator, role=PartyRole.ACCUSED)
    before = written_state()
    with pytest.raises(ValidationFailed):
        services.measure_apply(
            actor=personas.investigator, case=case, party=witness, kind=MeasureKind.UNDERTAKING
        )
    with pytest.raises(ValidationFailed):  # only a suspect is detained
        services.measure_apply(
            actor=personas.investigator, case=case, party=accused, kind=MeasureKind.DETENTION
        )
    assert written_state() == before
    undertaking = services.measure_apply(
        actor=personas.investigator, case=case, party=accused, kind=MeasureKind.UNDERTAKING
    )
    assert undertaking.rule_code == "" and undertaking.due_at is None
    before = written_state()
    with pytest.raises(Conflict):
        services.measure_apply(
            actor=personas.investigator,
            case=case,
            party=accused,
            kind=MeasureKind.BAIL,
            court_decision="Qərar",
        )
    assert written_state() == before
    assert len(audit_events("cases.measure.applied")) == 1


# --- the investigation term ----------------------------------------------------------------------------


def test_the_investigation_term_skips_a_suspension_across_the_year_end_and_ends_after_novruz(
    personas, audit_events
):
    case = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        articles="126.1",  # category 3: 4 months (CPC 218.2)
        opened_at=aware(2025, 11, 6),
    )
    assert case.investigation_due == dt.date(2026, 3, 6)
    services.case_suspend(
        actor=personas.investigator,
        case=case,
        ground="53.1.2",
        reason="Təqsirləndirilən gizlənir",
        on=dt.date(2025, 12, 29),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED and case.investigation_due is None
    assert "investigation" not in open_terms(case)
    services.case_resume(actor=personas.investigator, case=case, reason="Tapıldı", on=dt.date(2026, 1, 13))
    case.refresh_from_db()
    # 30 December to 12 January (14 days) are not counted: 6 March + 14 days = 20 March, the first day of
    # Novruz; with the weekends and the transferred rest days the term ends on Tuesday 31 March.
    assert case.investigation_due == dt.date(2026, 3, 31)
    assert "investigation" in open_terms(case)
    deadline = terms.investigation_deadline(
        case, extensions=case.extensions.all(), suspensions=case.suspensions.all()
    )
    text = " ".join(deadline.explain_lines())
    assert "Novruz" in text
    assert "2025" in text and "2026" in text
    assert [
        e.action for e in audit_events() if e.action in ("cases.case.suspended", "cases.case.resumed")
    ] == [
        "cases.case.suspended",
        "cases.case.resumed",
    ]


def test_the_investigation_term_is_extended_by_the_rule_step_within_its_legal_maximum(
    case, personas, audit_events
):
    due = case.investigation_due
    before = written_state()
    with pytest.raises(Forbidden):  # the team has no "Supervise investigations" role
        services.case_extend_investigation(
            actor=personas.investigator, case=case, step="218.6", length=1, reason="Ekspertiza"
        )
    with pytest.raises(ExtensionRefused):  # 218.6 gives at most 2 months in category 2
        services.case_extend_investigation(
            actor=personas.prosecutor, case=case, step="218.6", length=3, reason="Ekspertiza"
        )
    with pytest.raises(ValidationFailed):
        services.case_extend_investigation(
            actor=personas.prosecutor, case=case, step="218.99", length=1, reason="Ekspertiza"
        )
    assert written_state() == before
    assert audit_events("cases.case.investigation_extended") == []
    services.case_extend_investigation(
        actor=personas.prosecutor,
        case=case,
        step="218.6",
        length=2,
        reason="Ekspertiza",
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert case.investigation_due > due
    [event] = audit_events("cases.case.investigation_extended")
    assert data_of(event) == {"step": "218.6", "length": 2}
    assert changes_of(event)["before"]["investigation_due"] == due.isoformat()
    services.case_extend_investigation(
        actor=personas.superior, case=case, step="218.7", length=2, reason="Ekspertiza"
    )
    services.case_extend_investigation(
        actor=personas.superior, case=case, step="218.8", length=3, reason="Ekspertiza"
    )
    before = written_state()
    with pytest.raises(ExtensionRefused):  # 3 + 2 + 2 + 3 = 10 months, the cap of category 2 (218.10)
        services.case_extend_investigation(
            actor=personas.superior, case=case, step="218.8", length=1, reason="X"
        )
    assert written_state() == before


def test_a_supervisor_named_on_the_case_without_the_role_cannot_extend(personas):
    case = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    from eprok.org.models import RoleAssignment

    RoleAssignment.objects.filter(employee=personas.prosecutor).update(ended_at=timezone.now())
    prosecutor = type(personas.prosecutor).objects.get(pk=personas.prosecutor.pk)
    with pytest.raises(Forbidden):
        services.case_extend_investigation(actor=prosecutor, case=case, step="218.6", length=1, reason="X")


# --- joinder, separation, transfer, team -----------------------------------------------------------------


def test_a_case_is_joined_into_another_with_its_parties_articles_and_measures(personas, audit_events):
    main = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    other = make_case(
        actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor, articles="178.2"
    )
    suspect = make_party(other, actor=personas.investigator)
    measure = services.measure_apply(
        actor=personas.investigator, case=other, party=suspect, kind=MeasureKind.DETENTION
    )
    services.case_join(
        actor=personas.investigator, case=other, into=main, reason="Eyni şəxslər tərəfindən törədilib"
    )
    other.refresh_from_db()
    main.refresh_from_db()
    assert other.status == CaseStatus.JOINED and other.joined_into_id == main.pk
    assert main.articles == "177.2.3, 178.2"
    measure.refresh_from_db()
    assert measure.case_id == main.pk and measure.party.case_id == main.pk
    assert open_terms(other) == set() and f"measure-{measure.pk}" in open_terms(main)
    assert main.in_custody is True
    assert [e.action for e in audit_events() if "joined" in e.action] == [
        "cases.case.joined",
        "cases.case.joined_from",
    ]


def test_a_joinder_needs_the_team_of_both_cases_and_an_open_target(personas, audit_events):
    main = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    mate = EmployeeFactory(username="mate", unit=personas.unit)
    RoleAssignmentFactory(employee=mate, role=Role.INVESTIGATE, unit=personas.unit)
    other = make_case(actor=mate, unit=personas.unit, supervisor=personas.prosecutor)
    before = written_state()
    with pytest.raises(Forbidden):
        services.case_join(actor=personas.investigator, case=other, into=main, reason="X")
    with pytest.raises(Forbidden):
        services.case_join(actor=personas.investigator, case=main, into=other, reason="X")
    with pytest.raises(ValidationFailed):
        services.case_join(actor=personas.investigator, case=main, into=main, reason="X")
    assert written_state() == before
    assert audit_events("cases.case.joined") == []


def test_a_case_is_separated_with_its_own_number_parties_and_articles(case, personas, audit_events):
    accused = make_party(case, actor=personas.investigator, role=PartyRole.ACCUSED)
    victim = make_party(case, actor=personas.investigator, role=PartyRole.VICTIM)
    measure = services.measure_apply(
        actor=personas.investigator, case=case, party=accused, kind=MeasureKind.UNDERTAKING
    )
    new = services.case_separate(
        actor=personas.investigator,
        case=case,
        parties=[accused, victim],
        articles="178.1",
        summary="Dələduzluq epizodu",
        grounds="Ayrıca icraata ayrılır (CPM 50)",
    )
    assert new.separated_from_id == case.pk and new.number.endswith("-00002") and new.articles == "178.1"
    assert set(new.parties.values_list("role", flat=True)) == {PartyRole.ACCUSED, PartyRole.VICTIM}
    assert CaseParty.objects.get(pk=accused.pk).until == timezone.localdate()
    assert CaseParty.objects.get(pk=victim.pk).until is None
    assert PreventiveMeasure.objects.get(pk=measure.pk).case_id == new.pk
    assert (
        new.acts.filter(event="case.opened").count() == 1
        and case.acts.filter(event="case.separated").count() == 1
    )
    assert [
        e.action for e in audit_events() if e.action in ("cases.case.separated", "cases.case.opened")
    ] == [
        "cases.case.separated",
        "cases.case.opened",
    ]


def test_a_transfer_moves_the_case_with_its_history_and_a_new_team(case, personas, audit_events):
    before = written_state()
    with pytest.raises(Forbidden):
        services.case_transfer(
            actor=personas.investigator,
            case=case,
            to_unit=personas.other_unit,
            investigator=personas.outsider,
            reason="X",
        )
    with pytest.raises(ValidationFailed):  # the new investigator must investigate in the new unit
        services.case_transfer(
            actor=personas.superior,
            case=case,
            to_unit=personas.other_unit,
            investigator=personas.investigator,
            reason="X",
        )
    assert written_state() == before
    transfer = services.case_transfer(
        actor=personas.superior,
        case=case,
        to_unit=personas.other_unit,
        investigator=personas.outsider,
        reason="Ərazi aidiyyəti üzrə",
    )
    case.refresh_from_db()
    assert (transfer.from_unit, transfer.to_unit) == (personas.unit, personas.other_unit)
    assert case.unit == personas.other_unit and case.investigator == personas.outsider
    assert list(
        TeamMember.objects.filter(case=case, removed_at__isnull=True).values_list(
            "employee__username", flat=True
        )
    ) == ["outsider"]
    assert TeamMember.objects.filter(
        case=case, employee=personas.investigator, removed_at__isnull=False
    ).exists()
    assert TrackedDeadline.objects.get(owner_id=case.pk, key="investigation").unit == personas.other_unit
    [event] = audit_events("cases.case.transferred")
    assert changes_of(event) == {
        "before": {"investigator": "investigator", "unit": "baku-xetai", "version": case.version - 1},
        "after": {"investigator": "outsider", "unit": "baku-nesimi", "version": case.version},
    }


def test_the_team_is_changed_by_the_supervisor_and_the_lead_is_never_left_out(case, personas, audit_events):
    mate = EmployeeFactory(username="mate", unit=personas.unit)
    RoleAssignmentFactory(employee=mate, role=Role.INVESTIGATE, unit=personas.unit)
    with pytest.raises(Forbidden):
        services.team_add(actor=personas.investigator, case=case, employee=mate)
    member = services.team_add(actor=personas.prosecutor, case=case, employee=mate)
    assert member.role == TeamRole.MEMBER
    lead = TeamMember.objects.get(case=case, role=TeamRole.LEAD)
    before = written_state()
    with pytest.raises(Conflict):
        services.team_remove(actor=personas.prosecutor, member=lead)
    with pytest.raises(Conflict):
        services.team_add(actor=personas.prosecutor, case=case, employee=mate)
    assert written_state() == before
    services.team_add(actor=personas.prosecutor, case=case, employee=mate, lead=True)
    case.refresh_from_db()
    assert case.investigator == mate
    assert TrackedDeadline.objects.get(owner_id=case.pk, key="investigation").responsible == mate
    services.team_remove(actor=personas.prosecutor, member=lead)
    assert [e.action for e in audit_events() if e.action.startswith("cases.team")] == [
        "cases.team.added",
        "cases.team.added",
        "cases.team.removed",
    ]


# --- instructions --------------------------------------------------------------------------------------


def test_an_instruction_is_given_acknowledged_and_reported_with_its_term(case, personas, audit_events):
    due = timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(Forbidden):
        services.instruction_give(actor=personas.investigator, case=case, text="X", due_date=due)
    with pytest.raises(ValidationFailed):
        services.instruction_give(
            actor=personas.superior, case=case, text="X", due_date=timezone.localdate() - dt.timedelta(days=1)
        )
    instruction = services.instruction_give(
        actor=personas.superior,
        case=case,
        text="Ekspertiza təyin edin.",
        due_date=due,
        expected_version=case.version,
    )
    key = f"instruction-{instruction.pk}"
    assert key in open_terms(case)
    with pytest.raises(Forbidden):
        services.instruction_acknowledge(actor=personas.superior, instruction=instruction)
    services.instruction_acknowledge(actor=personas.investigator, instruction=instruction)
    with pytest.raises(Conflict):
        services.instruction_acknowledge(actor=personas.investigator, instruction=instruction)
    services.instruction_report(
        actor=personas.investigator, instruction=instruction, report="Ekspertiza təyin olundu."
    )
    instruction.refresh_from_db()
    assert instruction.completed_at is not None and instruction.acknowledged_by == personas.investigator
    assert key not in open_terms(case)
    assert [e.action for e in audit_events() if e.action.startswith("cases.instruction")] == [
        "cases.instruction.given",
        "cases.instruction.acknowledged",
        "cases.instruction.reported",
    ]


# --- completion ------------------------------------------------------------------------------------------


def test_an_indictment_needs_an_accused_and_is_sent_to_court_only_by_the_supervisor(
    case, personas, audit_events
):
    before = written_state()
    with pytest.raises(Conflict) as caught:
        services.case_submit_indictment(actor=personas.investigator, case=case, body="İttiham aktı")
    assert caught.value.code == "no_accused"
    assert written_state() == before
    make_party(case, actor=personas.investigator, role=PartyRole.ACCUSED)
    act = services.case_submit_indictment(
        actor=personas.investigator, case=case, body="İttiham aktının mətni"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.INDICTMENT and act.kind == ActKind.INDICTMENT
    assert open_terms(case) == {"indictment"}  # the investigation term stopped; the prosecutor's 5 days run
    assert TrackedDeadline.objects.get(owner_id=case.pk, key="indictment").responsible == personas.prosecutor
    before = written_state()
    with pytest.raises(Forbidden):
        services.case_approve_indictment(actor=personas.investigator, case=case)
    assert written_state() == before
    services.case_approve_indictment(actor=personas.prosecutor, case=case, note="Təsdiq edirəm")
    case.refresh_from_db()
    assert case.status == CaseStatus.SENT_TO_COURT and case.completed_at is not None
    assert open_terms(case) == set()
    assert case.acts.filter(event="indictment.approved").count() == 1
    assert [e.action for e in audit_events() if "indictment" in e.action] == [
        "cases.case.indictment_submitted",
        "cases.case.indictment_approved",
    ]


def test_a_supervisor_on_the_team_does_not_approve_their_own_indictment(case, personas):
    RoleAssignmentFactory(employee=personas.investigator, role=Role.SUPERVISE, unit=personas.unit)
    make_party(case, actor=personas.investigator, role=PartyRole.ACCUSED)
    services.case_submit_indictment(actor=personas.investigator, case=case, body="Mətn")
    from eprok.org.grants import forget_grants

    forget_grants(personas.investigator)
    with pytest.raises(Forbidden) as caught:
        services.case_approve_indictment(actor=personas.investigator, case=case)
    assert caught.value.code == "own_indictment"


def test_termination_ends_running_measures_and_terms(case, personas, audit_events):
    suspect = make_party(case, actor=personas.investigator)
    measure = services.measure_apply(
        actor=personas.investigator, case=case, party=suspect, kind=MeasureKind.DETENTION
    )
    with pytest.raises(ValidationFailed):
        services.case_terminate(actor=personas.investigator, case=case, ground="99", grounds="X")
    services.case_terminate(
        actor=personas.investigator, case=case, ground="39.1.2", grounds="Cinayət tərkibi yoxdur"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED and case.termination_ground == "39.1.2"
    assert PreventiveMeasure.objects.get(pk=measure.pk).ended_at is not None
    assert open_terms(case) == set() and case.in_custody is False
    [event] = audit_events("cases.case.terminated")
    assert data_of(event)["measures_ended"] == [measure.pk]
    services.case_reopen(actor=personas.prosecutor, case=case, grounds="Xitam qərarı ləğv edildi")
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATION and case.termination_ground == ""
    assert "investigation" in open_terms(case)


def test_a_referral_names_the_body(case, personas, audit_events):
    services.case_refer(
        actor=personas.investigator,
        case=case,
        body="Dövlət Təhlükəsizliyi Xidməti",
        grounds="İstintaq aidiyyəti",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED and case.referred_to == "Dövlət Təhlükəsizliyi Xidməti"
    assert len(audit_events("cases.case.referred")) == 1


# --- every transition, allowed and refused ------------------------------------------------------------------


def _in_status(status: str, personas) -> Case:
    case = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    make_party(case, actor=personas.investigator, role=PartyRole.ACCUSED)
    investigator, prosecutor = personas.investigator, personas.prosecutor
    if status == CaseStatus.SUSPENDED:
        services.case_suspend(actor=investigator, case=case, ground="53.1.2", reason="Gizlənir")
    elif status in (CaseStatus.INDICTMENT, CaseStatus.SENT_TO_COURT):
        services.case_submit_indictment(actor=investigator, case=case, body="Mətn")
        if status == CaseStatus.SENT_TO_COURT:
            services.case_approve_indictment(actor=prosecutor, case=case)
    elif status == CaseStatus.TERMINATED:
        services.case_terminate(actor=investigator, case=case, ground="39.1.1", grounds="Hadisə yoxdur")
    elif status == CaseStatus.REFERRED:
        services.case_refer(actor=investigator, case=case, body="DTX", grounds="Aidiyyət")
    elif status == CaseStatus.JOINED:
        target = make_case(actor=investigator, unit=personas.unit, supervisor=prosecutor)
        services.case_join(actor=investigator, case=case, into=target, reason="Birləşdirmə")
    return Case.objects.get(pk=case.pk)


def _run(action: str, case: Case, personas) -> None:
    investigator, prosecutor = personas.investigator, personas.prosecutor
    if action == "suspend":
        services.case_suspend(actor=investigator, case=case, ground="53.1.1", reason="X")
    elif action == "resume":
        services.case_resume(actor=investigator, case=case, reason="X")
    elif action == "submit":
        services.case_submit_indictment(actor=investigator, case=case, body="X")
    elif action == "approve":
        services.case_approve_indictment(actor=prosecutor, case=case)
    elif action == "return":
        services.case_return_indictment(actor=prosecutor, case=case, reason="X")
    elif action == "terminate":
        services.case_terminate(actor=investigator, case=case, ground="39.1.1", grounds="X")
    elif action == "refer":
        services.case_refer(actor=investigator, case=case, body="DTX", grounds="X")
    elif action == "join":
        target = make_case(actor=investigator, unit=personas.unit, supervisor=prosecutor)
        services.case_join(actor=investigator, case=case, into=target, reason="X")
    elif action == "reopen":
        services.case_reopen(actor=prosecutor, case=case, grounds="X")


# action -> (audit action, the statuses it is allowed from, the status it leads to)
TRANSITION_ACTIONS = {
    "suspend": ("cases.case.suspended", {CaseStatus.INVESTIGATION}, CaseStatus.SUSPENDED),
    "resume": ("cases.case.resumed", {CaseStatus.SUSPENDED}, CaseStatus.INVESTIGATION),
    "submit": ("cases.case.indictment_submitted", {CaseStatus.INVESTIGATION}, CaseStatus.INDICTMENT),
    "approve": ("cases.case.indictment_approved", {CaseStatus.INDICTMENT}, CaseStatus.SENT_TO_COURT),
    "return": ("cases.case.indictment_returned", {CaseStatus.INDICTMENT}, CaseStatus.INVESTIGATION),
    "terminate": (
        "cases.case.terminated",
        {CaseStatus.INVESTIGATION, CaseStatus.SUSPENDED},
        CaseStatus.TERMINATED,
    ),
    "refer": ("cases.case.referred", {CaseStatus.INVESTIGATION}, CaseStatus.REFERRED),
    "join": ("cases.case.joined", {CaseStatus.INVESTIGATION, CaseStatus.SUSPENDED}, CaseStatus.JOINED),
    "reopen": (
        "cases.case.reopened",
        {CaseStatus.TERMINATED, CaseStatus.SENT_TO_COURT},
        CaseStatus.INVESTIGATION,
    ),
}


def test_the_transition_actions_cover_the_transitions_table():
    from eprok.cases.models import TRANSITIONS

    declared = {(source, target) for source, targets in TRANSITIONS.items() for target in targets}
    performed = {
        (source, target) for _a, sources, target in TRANSITION_ACTIONS.values() for source in sources
    }
    assert performed == declared


@pytest.mark.parametrize("status", CaseStatus.values)
@pytest.mark.parametrize("action", list(TRANSITION_ACTIONS))
def test_every_transition_is_allowed_only_from_its_statuses_and_a_refusal_writes_nothing(
    personas, audit_events, status, action
):
    case = _in_status(status, personas)
    audit_action, sources, target = TRANSITION_ACTIONS[action]
    start = len(audit_events())
    if status in sources:
        _run(action, case, personas)
        assert Case.objects.get(pk=case.pk).status == target
        assert len([e for e in audit_events()[start:] if e.action == audit_action]) == 1
        return
    if action == "join":
        # the target case is opened first; what must stay unwritten is everything after it
        target_case = make_case(
            actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor
        )
        before = written_state()
        with pytest.raises(Conflict):
            services.case_join(actor=personas.investigator, case=case, into=target_case, reason="X")
    else:
        before = written_state()
        with pytest.raises((Conflict, Forbidden)):
            _run(action, case, personas)
    assert written_state() == before
    assert [e.action for e in audit_events()[start:] if e.action == audit_action] == []
