"""Demo criminal cases for `eprok seed`, and the order in which the casework demo is seeded.

`seed_casework()` registers the demo persons and companies, the crime reports (eprok.materials.seeding)
and then opens cases on some of them and directly, taking each through the services into one of the
states an investigator meets: just opened, a suspect in detention on a running 48-hour clock, an
accused under arrest, an investigation term extended, one overdue, suspended, an indictment with the
supervising prosecutor, sent to court, terminated; with instructions from the supervisor. Every step
is audited like real work. Re-running it changes nothing once cases exist.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from eprok.cases.models import (
    ActKind,
    Case,
    CaseParty,
    CaseStatus,
    MeasureKind,
    SuspensionGround,
    TerminationGround,
)
from eprok.cases.services import (
    case_add_act,
    case_add_party,
    case_approve_indictment,
    case_change_party_status,
    case_extend_investigation,
    case_open,
    case_submit_indictment,
    case_suspend,
    case_terminate,
    instruction_acknowledge,
    instruction_give,
    measure_apply,
)
from eprok.core.errors import ApplicationError
from eprok.materials.seeding import MaterialsReport, Staff, seed_materials
from eprok.persons.models import PartyRole, Person

logger = logging.getLogger(__name__)

# The course of each demo case, in the order they are dealt to the reports to be opened.
FATES = (
    "detained",
    "fresh",
    "arrested",
    "indictment",
    "extended",
    "suspended",
    "sent_to_court",
    "terminated",
    "fresh",
    "instructed",
)
# Cases opened directly (not on a report of the demo), long ago: their terms show extended and overdue.
DIRECT = (
    ("overdue", 130, "179.1", "Mənimsəmə faktı üzrə audit materialları əsasında cinayət işi başlanılıb."),
    ("overdue", 75, "221.1", "Xuliqanlıq faktı üzrə polisin raportu əsasında cinayət işi başlanılıb."),
    ("extended", 80, "126.1", "Sağlamlığa ağır zərər vurulması faktı üzrə cinayət işi başlanılıb."),
    ("extended", 95, "178.2.4", "Dələduzluq faktı üzrə cinayət işi başlanılıb."),
    ("suspended", 60, "180.1", "Soyğunçuluq faktı üzrə cinayət işi başlanılıb; şübhəli müəyyən edilməyib."),
    ("sent_to_court", 70, "177.2.3", "Oğurluq faktı üzrə cinayət işi başlanılıb."),
)
ACTS = (
    (ActKind.PROTOCOL, "Hadisə yerinə baxış protokolu", "Hadisə yerinə baxış keçirilib, izlər götürülüb."),
    (ActKind.PROTOCOL, "Zərərçəkmişin dindirilməsi protokolu", "Zərərçəkmiş şəxs ətraflı dindirilib."),
    (ActKind.DECISION, "Məhkəmə ekspertizasının təyin edilməsi haqqında qərar", "Ekspertiza təyin edilib."),
    (ActKind.PROTOCOL, "Şahidin dindirilməsi protokolu", "Hadisənin şahidi dindirilib."),
    (
        ActKind.MOTION,
        "Sənədlərin götürülməsi barədə vəsatət",
        "Bankdan hesabdan çıxarışın alınması xahiş edilir.",
    ),
)


@dataclass
class CasesReport:
    materials: MaterialsReport | None = None
    opened: int = 0
    skipped: int = 0
    by_fate: dict[str, int] = field(default_factory=dict)


def _fresh(case: Case) -> Case:
    return Case.objects.select_related("unit", "investigator", "supervisor", "material").get(pk=case.pk)


def _party(case: Case, person: Person, role: str) -> CaseParty:
    # In the case since its opening, so later acts (a charge) may be dated in the past.
    since = timezone.localtime(case.opened_at).date()
    return case_add_party(actor=case.investigator, case=_fresh(case), person=person, role=role, since=since)


def _acts(case: Case, rng: random.Random, *, count: int) -> None:
    opened = timezone.localtime(case.opened_at).date()
    span = max(0, (timezone.localdate() - opened).days)
    for kind, title, body in rng.sample(ACTS, k=count):
        case_add_act(
            actor=case.investigator,
            case=_fresh(case),
            kind=kind,
            title=title,
            body=body,
            act_date=opened + dt.timedelta(days=rng.randint(0, min(span, 10))),
        )


def _suspect(case: Case, people: list[Person], rng: random.Random) -> CaseParty:
    taken = set(CaseParty.objects.filter(case=case).values_list("person_id", flat=True))
    person = rng.choice([p for p in people if p.pk not in taken])
    return _party(case, person, PartyRole.SUSPECT)


def _accuse(case: Case, suspect: CaseParty, on: dt.date) -> CaseParty:
    return case_change_party_status(
        actor=case.investigator,
        party=suspect,
        role=PartyRole.ACCUSED,
        on=on,
        note="Toplanmış sübutlar əsasında ittiham elan edilib.",
    )


def _take_course(
    case: Case, fate: str, staff_supervisor: Any, people: list[Person], rng: random.Random
) -> None:
    now = timezone.now()
    today = timezone.localdate()
    opened = timezone.localtime(case.opened_at).date()
    if fate == "detained":
        suspect = _suspect(case, people, rng)
        measure_apply(
            actor=case.investigator,
            case=_fresh(case),
            party=suspect,
            kind=MeasureKind.DETENTION,
            started_at=now - dt.timedelta(hours=rng.randint(20, 40)),
        )
    elif fate == "arrested":
        suspect = _suspect(case, people, rng)
        detained_at = max(case.opened_at, now - dt.timedelta(days=rng.randint(5, 20)))
        measure_apply(
            actor=case.investigator,
            case=_fresh(case),
            party=suspect,
            kind=MeasureKind.DETENTION,
            started_at=detained_at,
        )
        accused = _accuse(case, CaseParty.objects.get(pk=suspect.pk), timezone.localtime(detained_at).date())
        measure_apply(
            actor=case.investigator,
            case=_fresh(case),
            party=accused,
            kind=MeasureKind.ARREST,
            started_at=detained_at + dt.timedelta(hours=40),
            court_decision=f"Rayon məhkəməsinin {detained_at:%d.%m.%Y} tarixli qərarı",
        )
    elif fate == "extended":
        case_extend_investigation(
            actor=staff_supervisor,
            case=_fresh(case),
            step="218.6",
            length=1,
            reason="Ekspertizaların nəticələri gözlənilir, əlavə istintaq hərəkətləri aparılmalıdır.",
            decision_reference=f"Bakı şəhər prokurorunun {today:%d.%m.%Y} tarixli qərarı",
        )
    elif fate == "suspended":
        case_suspend(
            actor=case.investigator,
            case=_fresh(case),
            ground=SuspensionGround.ACCUSED_UNKNOWN,
            reason="Görülmüş bütün tədbirlərə baxmayaraq cinayəti törətmiş şəxs müəyyən edilməyib.",
            on=min(today, opened + dt.timedelta(days=30)),
        )
    elif fate in ("indictment", "sent_to_court"):
        suspect = _suspect(case, people, rng)
        _accuse(case, CaseParty.objects.get(pk=suspect.pk), min(today, opened + dt.timedelta(days=10)))
        case_submit_indictment(
            actor=case.investigator,
            case=_fresh(case),
            title="İttiham aktı",
            body=(
                "Təqsirləndirilən şəxsin əməlində Cinayət Məcəlləsinin göstərilən maddəsi ilə "
                "nəzərdə tutulmuş cinayətin tərkibi vardır; toplanmış sübutlar ittihamı təsdiq edir."
            ),
        )
        if fate == "sent_to_court":
            case_approve_indictment(
                actor=case.supervisor,
                case=_fresh(case),
                note="İttiham aktı təsdiq edilib, iş məhkəməyə göndərilir.",
            )
    elif fate == "terminated":
        case_terminate(
            actor=case.investigator,
            case=_fresh(case),
            ground=TerminationGround.RECONCILIATION,
            grounds="Zərərçəkmiş təqsirləndirilən şəxslə barışıb, vurulmuş ziyan tam ödənilib.",
            on=today,
        )
    elif fate == "instructed":
        instruction = instruction_give(
            actor=case.supervisor,
            case=_fresh(case),
            text=(
                "Zərərçəkmişin yaxın qohumlarını dindirin, hadisə yerindəki videokameraların "
                "görüntülərini əldə edin."
            ),
            due_date=today + dt.timedelta(days=rng.randint(2, 6)),
        )
        if rng.random() < 0.5:
            instruction_acknowledge(actor=case.investigator, instruction=instruction)


def _open_on_reports(
    report: MaterialsReport, people: list[Person], rng: random.Random, out: CasesReport
) -> None:
    for index, (material, staff) in enumerate(report.to_open):
        fate = FATES[index % len(FATES)]
        opened_at = max(material.registered_at + dt.timedelta(days=2), timezone.now() - dt.timedelta(days=25))
        try:
            case = case_open(
                actor=material.assignee,
                unit=material.unit,
                material=material,
                articles=material.articles or "177.1",
                summary=material.summary,
                opening_grounds=(
                    "Yoxlama zamanı toplanmış materiallar cinayət əlamətlərinin mövcudluğuna kifayət "
                    "qədər əsas verir (CPM 46, 203)."
                ),
                investigator=material.assignee,
                supervisor=staff.supervisor,
                opened_at=opened_at,
            )
            _party(case, rng.choice(people), PartyRole.VICTIM)
            _acts(case, rng, count=rng.randint(2, 4))
            _take_course(case, fate, staff.supervisor, people, rng)
        except ApplicationError as exc:
            # A generated employee may lack the role a step needs: the demo goes on without that case.
            logger.info("demo case on %s skipped: %s", material.number, exc.message)
            out.skipped += 1
            continue
        out.opened += 1
        out.by_fate[fate] = out.by_fate.get(fate, 0) + 1


def _open_directly(staff: Staff, people: list[Person], rng: random.Random, out: CasesReport) -> None:
    for fate, days_ago, articles, summary in DIRECT:
        try:
            case = case_open(
                actor=staff.supervisor,
                unit=staff.unit,
                material=None,
                articles=articles,
                summary=summary,
                opening_grounds="Daxil olmuş materiallarda cinayət əlamətləri vardır (CPM 46).",
                investigator=staff.assignees[0],
                supervisor=staff.supervisor,
                opened_at=timezone.now() - dt.timedelta(days=days_ago),
            )
            _party(case, rng.choice(people), PartyRole.VICTIM)
            _acts(case, rng, count=3)
            if fate != "overdue":
                _take_course(case, fate, staff.supervisor, people, rng)
        except ApplicationError as exc:
            logger.info("direct demo case skipped: %s", exc.message)
            out.skipped += 1
            continue
        out.opened += 1
        out.by_fate[fate] = out.by_fate.get(fate, 0) + 1


def seed_casework(*, people_count: int = 160) -> CasesReport:
    """Persons, crime reports and criminal cases of the demo (nothing when the register is not empty)."""
    from faker import Faker

    from eprok.persons.seeding import seed_companies, seed_people

    out = CasesReport()
    if Case.objects.exists():
        return out
    rng = random.Random(2026)
    faker = Faker("az_AZ")
    faker.seed_instance(2026)
    people = seed_people(count=people_count, rng=rng, faker=faker)
    companies = seed_companies(rng=rng)
    out.materials = seed_materials(rng=rng, people=people, companies=companies)
    _open_on_reports(out.materials, people, rng, out)
    xetai = next((staff for _m, staff in out.materials.to_open if staff.unit.code == "baku-xetai"), None)
    if xetai is not None:
        _open_directly(xetai, people, rng, out)
    return out


def status_counts() -> dict[str, int]:
    return {status: Case.objects.filter(status=status).count() for status in CaseStatus.values}
