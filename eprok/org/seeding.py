"""The service's real structure and the demo staff, loaded by `eprok seed` through the services.

Reference data lives in fixtures/: units.json (the tree, with az/en/ru names, district codes and a
`note` on every item the source marks uncertain), positions.json and class_ranks.json. Everything
is get-or-create by code or login, so seeding twice changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from eprok.org import services
from eprok.org.models import ClassRank, Employee, Position, RoleAssignment, Unit, UnitKind
from eprok.org.roles import Clearance, Role

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_PASSWORD = "demo12345!"  # noqa: S105 - printed by the demo; development data only
EMPLOYEES_PER_SCALE = 40
# FINs of demo staff: a bijection of the index onto 7 symbols of the FIN alphabet, so they look random
# but never collide. The alphabet leaves out I and O like the real FIN.
FIN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_FIN_SPACE = len(FIN_ALPHABET) ** 7
_FIN_MULTIPLIER = 2654435761  # prime, so coprime with the size of the space


def load_fixture(name: str) -> list[dict[str, Any]]:
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def demo_fin(index: int) -> str:
    value = (index * _FIN_MULTIPLIER + 12345) % _FIN_SPACE
    chars = []
    for _ in range(7):
        value, digit = divmod(value, len(FIN_ALPHABET))
        chars.append(FIN_ALPHABET[digit])
    return "".join(chars)


def demo_totp_secret(login: str) -> str:
    """A fixed Base32 secret per demo login, so a tester adds it to an authenticator once."""
    digest = hashlib.sha256(f"eprok-demo-totp:{login}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    last_name: str
    first_name: str
    patronymic: str
    unit: str
    position: str
    rank: str
    roles: tuple[tuple[str, str, bool], ...]  # (role, unit code, with sub-units)
    clearance: int = Clearance.OFFICIAL


# One fixed login per role (the journeys' people among them); all share DEMO_PASSWORD.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "prokuror",
        "Quliyev",
        "Rəşad",
        "Vüqar oğlu",
        "baku-xetai",
        "prosecutor",
        "counsellor",
        (
            (Role.INVESTIGATE, "baku-xetai", False),
            (Role.SUPERVISE, "baku-xetai", False),
            (Role.REPORT_SPECIAL, "baku-xetai", False),
        ),
        Clearance.SECRET,
    ),
    DemoLogin(
        "mustentiq",
        "Abbasov",
        "Tural",
        "Elşən oğlu",
        "baku-xetai",
        "senior-investigator",
        "junior-counsellor",
        ((Role.INVESTIGATE, "baku-xetai", False),),
    ),
    DemoLogin(
        "qeydiyyat",
        "Nəsirova",
        "Leyla",
        "Rafiq qızı",
        "baku-xetai",
        "chief-specialist",
        "",
        ((Role.REGISTER_MATERIALS, "baku-xetai", False),),
    ),
    DemoLogin(
        "nezaretci",
        "Cəfərov",
        "Kamal",
        "İlham oğlu",
        "baku",
        "deputy-prosecutor",
        "state-counsellor-3",
        ((Role.SUPERVISE, "baku", True),),
        Clearance.SECRET,
    ),
    DemoLogin(
        "ittiham",
        "Məmmədova",
        "Səbinə",
        "Araz qızı",
        "baku-xetai",
        "senior-assistant-prosecutor",
        "counsellor",
        ((Role.PROSECUTE, "baku-xetai", False),),
    ),
    DemoLogin(
        "katib",
        "Həsənova",
        "Günay",
        "Tofiq qızı",
        "gpo-documents",
        "chief-specialist",
        "",
        ((Role.REGISTER_APPEALS, "gpo-documents", False),),
    ),
    DemoLogin(
        "muraciet",
        "Rzayev",
        "Orxan",
        "Namiq oğlu",
        "gpo-documents",
        "head-of-division",
        "senior-counsellor",
        ((Role.ANSWER_APPEALS, "gpo-documents", False),),
    ),
    DemoLogin(
        "operator",
        "Əliyev",
        "Elvin",
        "Rövşən oğlu",
        "gpo-documents",
        "call-centre-operator",
        "",
        ((Role.OPERATE_CALLS, "gpo-documents", False),),
    ),
    DemoLogin(
        "zengmerkezi",
        "Məlikova",
        "Aytən",
        "Fikrət qızı",
        "gpo-documents",
        "head-of-division",
        "counsellor",
        ((Role.SUPERVISE_CALLS, "gpo-documents", False), (Role.OPERATE_CALLS, "gpo-documents", False)),
    ),
    DemoLogin(
        "qaynarxett",
        "Nağıyev",
        "Samir",
        "Əli oğlu",
        "acgd-organisation",
        "call-centre-operator",
        "",
        ((Role.OPERATE_CALLS, "acgd-organisation", False),),
    ),
    DemoLogin(
        "korrupsiya",
        "Vəliyev",
        "Emil",
        "Teymur oğlu",
        "acgd-investigation",
        "senior-investigator",
        "junior-counsellor",
        ((Role.INVESTIGATE, "acgd", True), (Role.OPERATE_CALLS, "acgd-organisation", False)),
    ),
    DemoLogin(
        "mehfuz",
        "Paşayeva",
        "Lalə",
        "Həmid qızı",
        "acgd-organisation",
        "head-of-department",
        "state-counsellor-3",
        ((Role.HOTLINE_CUSTODIAN, "acgd", True), (Role.SUPERVISE_CALLS, "acgd-organisation", False)),
        Clearance.SECRET,
    ),
    DemoLogin(
        "xususi",
        "Hüseynov",
        "Fərid",
        "Akif oğlu",
        "gpo-organisation",
        "head-of-department",
        "state-counsellor-3",
        ((Role.READ_SPECIAL, "gpo", True),),
        Clearance.SECRET,
    ),
    DemoLogin(
        "novbetci",
        "Babayev",
        "Anar",
        "Zaur oğlu",
        "gpo-organisation",
        "senior-prosecutor",
        "senior-counsellor",
        ((Role.DUTY_PROSECUTOR, "gpo", False),),
        Clearance.SECRET,
    ),
    DemoLogin(
        "telim",
        "Kərimova",
        "Aynur",
        "Vahid qızı",
        "training-centre",
        "senior-prosecutor-methodologist",
        "senior-counsellor",
        ((Role.ADMINISTER_TRAINING, "training-centre", False),),
    ),
    DemoLogin(
        "telimci",
        "Hüseynov",
        "Fuad",
        "Elçin oğlu",
        "training-centre",
        "senior-prosecutor-methodologist",
        "counsellor",
        ((Role.TEACH_TRAINING, "training-centre", False),),
    ),
    DemoLogin(
        "analitik",
        "Səfərov",
        "Kamran",
        "Eldar oğlu",
        "gpo-statistics",
        "senior-prosecutor",
        "counsellor",
        ((Role.VIEW_STATISTICS, "gpo", True),),
    ),
    DemoLogin(  # the Baku city office's statistics: its districts only (the drill-down stops at the city)
        "statistik",
        "Məmmədova",
        "Səbinə",
        "Rauf qızı",
        "baku",
        "senior-prosecutor",
        "counsellor",
        ((Role.VIEW_STATISTICS, "baku", True),),
    ),
    DemoLogin(
        "auditor",
        "Qasımova",
        "Nigar",
        "Səməd qızı",
        "gpo-internal-investigations",
        "senior-prosecutor",
        "counsellor",
        ((Role.READ_AUDIT, "gpo", True),),
        Clearance.SECRET,
    ),
    DemoLogin(
        "admin",
        "İsmayılova",
        "Sevinc",
        "Rauf qızı",
        "gpo-personnel",
        "head-of-department",
        "state-counsellor-3",
        ((Role.ADMINISTER_USERS, "gpo", True),),
        Clearance.TOP_SECRET,
    ),
    DemoLogin(  # the correspondence register (kargüzarlıq) of the Xətai district office
        "karguzar",
        "Hacıyeva",
        "Nərmin",
        "Elçin qızı",
        "baku-xetai",
        "chief-specialist",
        "",
        ((Role.KEEP_CORRESPONDENCE, "baku-xetai", False),),
    ),
    DemoLogin(  # the e-Government gateway: its services, the allow-list of callers and the message log
        "ehis",
        "Nağıyev",
        "Orxan",
        "Zaur oğlu",
        "gpo-statistics",
        "chief-specialist",
        "",
        ((Role.ADMINISTER_GATEWAY, "gpo", True),),
    ),
    DemoLogin(  # the library of procedural-act and letter templates, kept by the legal support department
        "sablon",
        "Rzayev",
        "Elvin",
        "Nazim oğlu",
        "gpo-legal-support",
        "senior-prosecutor",
        "counsellor",
        ((Role.MANAGE_TEMPLATES, "gpo", True),),
    ),
)


@dataclass
class SeedReport:
    units_created: int = 0
    positions_created: int = 0
    ranks_created: int = 0
    employees_created: int = 0
    assignments_created: int = 0
    devices_created: int = 0


def seed_structure(report: SeedReport | None = None) -> SeedReport:
    """Units, positions and class ranks from the fixtures; existing codes are left as they are."""
    report = report or SeedReport()
    existing = dict(Unit.objects.values_list("code", "pk"))
    by_code: dict[str, Unit] = {}
    for item in load_fixture("units.json"):
        if item["code"] in existing:
            continue
        parent = None
        if item["parent"]:
            parent = by_code.get(item["parent"]) or Unit.objects.get(code=item["parent"])
        by_code[item["code"]] = services.unit_create(
            actor=None,
            code=item["code"],
            kind=item["kind"],
            name_az=item["name_az"],
            name_en=item["name_en"],
            name_ru=item["name_ru"],
            parent=parent,
            sort_order=item["sort_order"],
            district_code=item["district_code"],
        )
        report.units_created += 1
    positions = set(Position.objects.values_list("code", flat=True))
    for item in load_fixture("positions.json"):
        if item["code"] not in positions:
            services.position_create(
                actor=None,
                code=item["code"],
                name_az=item["name_az"],
                name_en=item["name_en"],
                name_ru=item["name_ru"],
                is_prosecutor=item["is_prosecutor"],
                is_investigator=item["is_investigator"],
                sort_order=item["sort_order"],
            )
            report.positions_created += 1
    ranks = set(ClassRank.objects.values_list("code", flat=True))
    for item in load_fixture("class_ranks.json"):
        if item["code"] not in ranks:
            services.class_rank_create(
                actor=None,
                code=item["code"],
                name_az=item["name_az"],
                name_en=item["name_en"],
                name_ru=item["name_ru"],
                seniority=item["seniority"],
            )
            report.ranks_created += 1
    return report


def _ensure_role(
    employee: Employee, role: str, unit: Unit, include_subunits: bool, report: SeedReport
) -> None:
    exists = RoleAssignment.objects.filter(
        employee=employee, role=role, unit=unit, include_subunits=include_subunits, ended_at__isnull=True
    ).exists()
    if not exists:
        services.role_assignment_grant(
            actor=None,
            employee=employee,
            role=role,
            unit=unit,
            include_subunits=include_subunits,
            valid_from=timezone.localdate().replace(month=1, day=1),
        )
        report.assignments_created += 1


def _ensure_totp(employee: Employee, report: SeedReport) -> None:
    from eprok.accounts.services import totp_provision_demo

    if totp_provision_demo(employee=employee, secret=demo_totp_secret(employee.username), actor=None):
        report.devices_created += 1


def seed_demo_logins(report: SeedReport) -> list[tuple[DemoLogin, Employee]]:
    units = {
        u.code: u
        for u in Unit.objects.filter(
            code__in={d.unit for d in DEMO_LOGINS} | {r[1] for d in DEMO_LOGINS for r in d.roles}
        )
    }
    positions = {p.code: p for p in Position.objects.all()}
    ranks = {r.code: r for r in ClassRank.objects.all()}
    result = []
    for index, demo in enumerate(DEMO_LOGINS):
        employee = Employee.objects.filter(username=demo.username).first()
        if employee is None:
            employee = services.employee_create(
                actor=None,
                username=demo.username,
                last_name=demo.last_name,
                first_name=demo.first_name,
                patronymic=demo.patronymic,
                fin=demo_fin(900_000 + index),
                email=f"{demo.username}@prokurorluq.demo",
                unit=units[demo.unit],
                position=positions.get(demo.position),
                class_rank=ranks.get(demo.rank) if demo.rank else None,
                clearance=demo.clearance,
                password=DEMO_PASSWORD,
            )
            report.employees_created += 1
        for role, unit_code, with_subunits in demo.roles:
            _ensure_role(employee, role, units[unit_code], with_subunits, report)
        _ensure_totp(employee, report)
        result.append((demo, employee))
    return result


def _role_for(position: Position | None, unit: Unit) -> tuple[str, bool]:
    if position is not None and position.is_investigator:
        return Role.INVESTIGATE, False
    if unit.code == "gpo-documents":
        return Role.ANSWER_APPEALS, False
    if position is not None and position.is_prosecutor:
        return Role.SUPERVISE, False
    return Role.REGISTER_MATERIALS, False


def seed_staff(*, scale: int, report: SeedReport) -> None:
    """EMPLOYEES_PER_SCALE × scale employees with Azerbaijani names, spread over the units."""
    from faker import Faker

    faker = Faker("az_AZ")
    faker.seed_instance(2021)
    rng = random.Random(2021)
    units = [
        u
        for u in Unit.objects.filter(is_active=True).order_by("path")
        if u.kind
        in (
            UnitKind.DISTRICT_OFFICE,
            UnitKind.CITY_OFFICE,
            UnitKind.DEPARTMENT,
            UnitKind.DIVISION,
            UnitKind.MILITARY_OFFICE,
        )
    ]
    positions = list(
        Position.objects.exclude(
            code__in=["prosecutor-general", "first-deputy-prosecutor-general", "deputy-prosecutor-general"]
        )
    )
    ranks = list(ClassRank.objects.filter(seniority__gte=4))
    existing = set(Employee.objects.filter(username__startswith="emp").values_list("username", flat=True))
    # Baku's district offices first, so the journeys' units have colleagues.
    units.sort(key=lambda u: (0 if u.code.startswith("baku") else 1, u.path))
    for index in range(EMPLOYEES_PER_SCALE * scale):
        username = f"emp{index + 1:05d}"
        # Draw every random value even for existing rows, so re-seeding gives the same people.
        female = rng.random() < 0.4
        first = faker.first_name_female() if female else faker.first_name_male()
        last = faker.last_name_female() if female else faker.last_name_male()
        father = faker.first_name_male()
        unit = units[index % len(units)]
        position = rng.choice(positions)
        rank = rng.choice(ranks)
        if username in existing:
            continue
        employee = services.employee_create(
            actor=None,
            username=username,
            last_name=last,
            first_name=first,
            patronymic=f"{father} {'qızı' if female else 'oğlu'}",
            fin=demo_fin(index + 1),
            email=f"{username}@prokurorluq.demo",
            phone=f"+99450{rng.randint(1000000, 9999999)}",
            unit=unit,
            position=position,
            class_rank=rank,
        )
        report.employees_created += 1
        role, with_subunits = _role_for(position, unit)
        services.role_assignment_grant(
            actor=None,
            employee=employee,
            role=role,
            unit=unit,
            include_subunits=with_subunits,
            valid_from=timezone.localdate().replace(month=1, day=1),
        )
        report.assignments_created += 1


def seed(
    *, scale: int = 1, structure_only: bool = False
) -> tuple[SeedReport, list[tuple[DemoLogin, Employee]]]:
    report = seed_structure()
    logins: list[tuple[DemoLogin, Employee]] = []
    if not structure_only:
        logins = seed_demo_logins(report)
        seed_staff(scale=scale, report=report)
    return report, logins
