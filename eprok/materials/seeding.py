"""Demo crime reports for `eprok seed`: registered, checked and decided through the services.

Most reports go to the Xətai district office, where the demo logins work (qeydiyyat registers,
mustentiq and prokuror check, nezaretci extends); the other Baku district offices get a share with
their own staff. Reports are registered in the past so that every state of the check appears: fresh,
running, about to run out, overdue, extended, refused, transferred, joined, and those on which a
criminal case is to be opened (the cases seeder opens them).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from eprok.materials.models import CheckActionKind, Material, MaterialSource, RefusalGround
from eprok.materials.services import (
    material_add_action,
    material_add_party,
    material_extend_check,
    material_join,
    material_refuse,
    material_register,
    material_start_check,
    material_transfer,
)
from eprok.org.grants import forget_grants, has_role
from eprok.org.models import Employee, Unit
from eprok.org.roles import Role
from eprok.org.services import role_assignment_grant
from eprok.persons.models import PartyRole, Person


@dataclass(frozen=True)
class Story:
    """A kind of report the demo tells: qualification, source and a summary with blanks."""

    articles: str
    source: str
    summary: str
    place: str
    with_suspect: bool = False


STORIES: tuple[Story, ...] = (
    Story(
        "177.2.3",
        MaterialSource.APPLICANT_STATEMENT,
        "{victim} ərizə ilə müraciət edərək bildirib ki, {day} tarixində naməlum şəxs {place} ünvanındakı "
        "mənzilinə qapının qıfılını sındırmaqla daxil olaraq {amount} manat dəyərində qızıl-zinət əşyalarını "
        "və məişət texnikasını oğurlayıb.",
        "Xətai rayonu, Babək prospekti, ev {n}",
    ),
    Story(
        "178.2.4",
        MaterialSource.APPLICANT_STATEMENT,
        "{victim} bildirib ki, özünü bank əməkdaşı kimi təqdim edən şəxs telefonla zəng edərək kartının "
        "məlumatlarını öyrənib və hesabından {amount} manat pul vəsaitini ələ keçirib.",
        "Xətai rayonu, Nobel prospekti, ev {n}",
    ),
    Story(
        "126.1",
        MaterialSource.OFFICIAL_REPORT,
        "Polis şöbəsinin raportuna əsasən {day} tarixində {place} ərazisində baş vermiş dava zamanı "
        "{victim} bıçaqla yaralanaraq xəstəxanaya çatdırılıb; həkimin ilkin rəyinə görə sağlamlığa ağır "
        "zərər vurulub.",
        "Xətai rayonu, Məmməd Hadi küçəsi, ev {n} yaxınlığı",
        with_suspect=True,
    ),
    Story(
        "180.1",
        MaterialSource.APPLICANT_STATEMENT,
        "{victim} ərizəsində göstərib ki, {day} tarixində axşam saatlarında {place} yaxınlığında naməlum "
        "gənc əlindəki mobil telefonu açıq şəkildə əlindən alaraq qaçıb.",
        "Xətai rayonu, Xətai prospekti, metro stansiyası yaxınlığı",
    ),
    Story(
        "221.1",
        MaterialSource.OFFICIAL_REPORT,
        "Sahə polis inspektorunun raportuna görə {day} tarixində {place} ərazisində bir qrup şəxs ictimai "
        "asayişi kobud şəkildə pozaraq vətəndaşlara qarşı təhqiredici hərəkətlər edib.",
        "Xətai rayonu, Gənclik parkı",
        with_suspect=True,
    ),
    Story(
        "263.1",
        MaterialSource.OFFICIAL_REPORT,
        "Yol polisinin məlumatına əsasən {day} tarixində {place} ərazisində avtomobil piyadanı vurub; "
        "zərərçəkmiş {victim} xəstəxanaya yerləşdirilib.",
        "Xətai rayonu, Heydər Əliyev prospekti",
        with_suspect=True,
    ),
    Story(
        "308.1",
        MaterialSource.TRANSFER,
        "Hesablama Palatasının göndərdiyi audit aktında {company} tərəfindən dövlət satınalması müqaviləsi "
        "üzrə {amount} manat məbləğində vəsaitin xərclənməsində vəzifə səlahiyyətlərindən sui-istifadə "
        "əlamətləri göstərilib.",
        "Xətai rayonu, Xətai prospekti, inzibati bina",
    ),
    Story(
        "311.1",
        MaterialSource.HOTLINE,
        "161 qaynar xəttinə daxil olmuş məlumata görə, {place} ünvanında yerləşən idarənin əməkdaşı "
        "sənədin verilməsi üçün {victim}-dən {amount} manat pul tələb edib.",
        "Xətai rayonu, Babək prospekti, ev {n}",
    ),
    Story(
        "234.1",
        MaterialSource.SELF_DETECTION,
        "Əməliyyat tədbirləri zamanı {place} ərazisində bir şəxsin üzərində xüsusi qablaşdırılmış narkotik "
        "tərkibli maddə aşkar edilib; maddə ekspertizaya göndərilib.",
        "Xətai rayonu, Ağ şəhər",
        with_suspect=True,
    ),
    Story(
        "186.1",
        MaterialSource.APPLICANT_STATEMENT,
        "{victim} bildirib ki, {day} tarixində {place} ünvanında həyətdə saxladığı avtomobilinin şüşələri "
        "naməlum şəxs tərəfindən sındırılıb və {amount} manat ziyan dəyib.",
        "Xətai rayonu, Nobel prospekti, ev {n}",
    ),
    Story(
        "179.1",
        MaterialSource.MEDIA,
        "Onlayn xəbər portalında dərc olunmuş yazıda {company} direktorunun şirkətə məxsus {amount} manat "
        "vəsaiti mənimsədiyi barədə məlumat yayılıb.",
        "Xətai rayonu, Xətai prospekti",
    ),
    Story(
        "127.1",
        MaterialSource.APPLICANT_STATEMENT,
        "{victim} ərizəsində qonşusunun {day} tarixində mübahisə zamanı onu döyərək sağlamlığına az ağır "
        "zərər vurduğunu bildirib.",
        "Xətai rayonu, Məmməd Hadi küçəsi, ev {n}",
        with_suspect=True,
    ),
)

# The course each demo report takes; weights give the mix of the register.
FATES: tuple[tuple[str, int], ...] = (
    ("fresh", 8),  # registered today, not yet assigned
    ("running", 14),  # assigned, check under way, due in a few days
    ("due_soon", 8),  # registered two days ago: the check runs out tomorrow or the day after
    ("overdue", 8),  # registered ten days ago and still not decided
    ("extended", 10),  # extended to 10 days by the supervising prosecutor
    ("extended_30", 4),  # an expert opinion is awaited: extended to 30 days
    ("refused", 16),
    ("transferred", 5),
    ("joined", 3),
    ("open_case", 30),  # the cases seeder opens a criminal case on it
)
DAYS_BACK = {
    "fresh": 0,
    "running": 1,
    "due_soon": 2,
    "overdue": 10,
    "extended": 6,
    "extended_30": 12,
    "refused": 25,
    "transferred": 20,
    "joined": 15,
    "open_case": 30,
}
INDEPENDENT_ACTIONS = (
    (
        CheckActionKind.SCENE_EXAMINATION,
        "Hadisə yerinə baxış keçirilib, protokol tərtib edilib, izlər götürülüb.",
    ),
    (CheckActionKind.EXPLANATION, "Ərizəçidən və şahidlərdən izahat alınıb."),
    (CheckActionKind.EXPERT_EXAMINATION, "Məhkəmə-tibbi ekspertiza təyin edilib."),
    (CheckActionKind.REQUEST, "Müvafiq qurumlardan sənədlər və videogörüntülər sorğu edilib."),
)


@dataclass
class Staff:
    unit: Unit
    registrar: Employee
    assignees: list[Employee]
    supervisor: Employee


@dataclass
class MaterialsReport:
    created: int = 0
    by_fate: dict[str, int] = field(default_factory=dict)
    # Reports on which the cases seeder opens a case: (material, its staff).
    to_open: list[tuple[Material, Staff]] = field(default_factory=list)


def _staff() -> list[Staff]:
    """Xətai with the demo logins first, then every Baku district office with an eligible employee."""
    supervisor = Employee.objects.filter(username="nezaretci").first()
    staffs = []
    xetai = Unit.objects.filter(code="baku-xetai").first()
    logins = {
        e.username: e for e in Employee.objects.filter(username__in=["qeydiyyat", "mustentiq", "prokuror"])
    }
    if xetai and supervisor and len(logins) == 3:
        staffs.append(
            Staff(xetai, logins["qeydiyyat"], [logins["mustentiq"], logins["prokuror"]], supervisor)
        )
    if supervisor is None:
        return staffs
    for unit in (
        Unit.objects.filter(code__startswith="baku-", is_active=True)
        .exclude(code="baku-xetai")
        .order_by("code")
    ):
        employees = list(Employee.objects.filter(unit=unit, is_active=True).order_by("username"))
        if not employees:
            continue
        eligible = [e for e in employees if has_role(e, Role.INVESTIGATE, unit)]
        if not eligible:
            # The demo staff has about one employee per district office; let them investigate the
            # district's reports, as a district prosecutor's office's own investigator would.
            role_assignment_grant(actor=None, employee=employees[0], role=Role.INVESTIGATE, unit=unit)
            forget_grants(employees[0])
            eligible = [employees[0]]
        staffs.append(Staff(unit, eligible[0], eligible, supervisor))
    return staffs


def _fill(
    story: Story, rng: random.Random, *, victim: Person, company: Person, day: dt.date
) -> tuple[str, str]:
    values = {
        "victim": victim.display_name,
        "company": company.display_name,
        "day": day.strftime("%d.%m.%Y"),
        "amount": f"{rng.randint(3, 250) * 100:,}".replace(",", " "),
        "n": rng.randint(1, 150),
    }
    place = story.place.format(**values)
    return story.summary.format(place=place, **values), place


def _register(
    staff: Staff,
    story: Story,
    rng: random.Random,
    *,
    at: dt.datetime,
    victim: Person,
    company: Person,
    assign: bool,
) -> Material:
    incident = timezone.localtime(at).date() - dt.timedelta(days=rng.randint(0, 3))
    summary, place = _fill(story, rng, victim=victim, company=company, day=incident)
    anonymous = story.source == MaterialSource.HOTLINE and rng.random() < 0.5
    material = material_register(
        actor=staff.registrar,
        unit=staff.unit,
        source=story.source,
        received_at=at - dt.timedelta(hours=rng.randint(0, 5)),
        registered_at=at,
        summary=summary,
        is_anonymous=anonymous,
        source_reference=""
        if story.source != MaterialSource.TRANSFER
        else f"№ 02-{rng.randint(100, 999)}/{at.year}",
        incident_date=incident,
        incident_place=place,
        articles=story.articles,
        assignee=rng.choice(staff.assignees) if assign else None,
    )
    if not anonymous and "{victim}" in story.summary:
        role = PartyRole.APPLICANT if story.source == MaterialSource.APPLICANT_STATEMENT else PartyRole.VICTIM
        material = _fresh(material)
        material_add_party(
            actor=material.assignee or staff.registrar, material=material, person=victim, role=role
        )
        if role == PartyRole.APPLICANT:
            material = _fresh(material)
            material_add_party(
                actor=material.assignee or staff.registrar,
                material=material,
                person=victim,
                role=PartyRole.VICTIM,
            )
    return material


def _fresh(material: Material) -> Material:
    return Material.objects.select_related("unit", "assignee").get(pk=material.pk)


def _act(material: Material, rng: random.Random, count: int) -> Material:
    registered = timezone.localtime(material.registered_at).date()
    for kind, text in rng.sample(INDEPENDENT_ACTIONS, k=count):
        material = _fresh(material)
        material_add_action(
            actor=material.assignee,
            material=material,
            kind=kind,
            performed_on=min(timezone.localdate(), registered + dt.timedelta(days=rng.randint(0, 2))),
            description=text,
        )
    return _fresh(material)


def seed_materials(
    *, rng: random.Random, people: list[Person], companies: list[Person], per_unit: int = 14, xetai: int = 130
) -> MaterialsReport:
    """Register and take through their course about `xetai` reports in Xətai and `per_unit` elsewhere."""
    report = MaterialsReport()
    if Material.objects.exists():
        return report  # seeded already: the register is not seeded twice
    now = timezone.now()
    fates = [name for name, weight in FATES for _ in range(weight)]
    for staff in _staff():
        count = xetai if staff.unit.code == "baku-xetai" else per_unit
        earlier_open: list[Material] = []
        for index in range(count):
            fate = fates[index % len(fates)] if staff.unit.code == "baku-xetai" else rng.choice(fates)
            story = rng.choice(STORIES)
            at = now - dt.timedelta(days=DAYS_BACK[fate], hours=rng.randint(1, 8), minutes=rng.randint(0, 59))
            victim, company = rng.choice(people), rng.choice(companies)
            material = _register(
                staff, story, rng, at=at, victim=victim, company=company, assign=fate != "fresh"
            )
            report.created += 1
            report.by_fate[fate] = report.by_fate.get(fate, 0) + 1
            if fate == "fresh":
                continue
            material = _act(material, rng, 1 if fate in ("running", "due_soon") else 2)
            if story.with_suspect and fate != "running":
                suspect = rng.choice(people)
                if suspect.pk != victim.pk:
                    material_add_party(
                        actor=material.assignee, material=material, person=suspect, role=PartyRole.SUSPECT
                    )
                    material = _fresh(material)
            if fate in ("extended", "extended_30"):
                step = "207.1.2-10" if fate == "extended" else "207.1.2-30"
                reason = (
                    "Şahidlərin dindirilməsi və sənədlərin alınması üçün əlavə vaxt tələb olunur."
                    if fate == "extended"
                    else "Məhkəmə-tibbi ekspertizanın rəyi gözlənilir."
                )
                material_extend_check(actor=staff.supervisor, material=material, step=step, reason=reason)
            elif fate == "refused":
                material_refuse(
                    actor=material.assignee,
                    material=material,
                    refusal_ground=rng.choice([RefusalGround.NO_CORPUS, RefusalGround.NO_EVENT]),
                    grounds=(
                        "Yoxlama zamanı toplanmış materiallarla əməldə cinayət tərkibinin olmadığı "
                        "müəyyən edilib."
                    ),
                )
            elif fate == "transferred":
                material_transfer(
                    actor=material.assignee,
                    material=material,
                    to_body="Daxili İşlər Nazirliyinin Baş Polis İdarəsi",
                    grounds=(
                        "Material istintaq aidiyyətinə görə polis orqanının səlahiyyətinə aiddir (CPM 215)."
                    ),
                )
            elif fate == "joined":
                # Into an open report of the same assignee, who can see both.
                same = [m for m in earlier_open if m.assignee_id == material.assignee_id]
                into = _fresh(same[-1]) if same else None
                if into is not None and into.is_open:
                    material_join(
                        actor=material.assignee,
                        material=material,
                        into=into,
                        grounds="Eyni hadisə barədə daxil olmuş materiallar birlikdə yoxlanılmalıdır.",
                    )
            elif fate == "open_case":
                if material.status == "registered":
                    material = material_start_check(actor=material.assignee, material=material)
                report.to_open.append((_fresh(material), staff))
            if fate in ("running", "due_soon", "overdue", "extended", "extended_30"):
                earlier_open.append(material)
    return report
