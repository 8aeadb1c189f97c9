"""Demo special reports: a fortnight of incidents across the country, some acknowledged and followed up,
one closed, and one fresh report waiting on the duty console (`eprok demo`, `eprok seed`).

Each report is submitted through the services by an official of its district office who is given
"Submit special reports" there (the Xətai office's prosecutor, `prokuror`, reports for Xətai), and is
delivered at once (the demo may run without a worker). Rerunnable: nothing is added once seeded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from eprok.org.grants import forget_grants
from eprok.org.models import Employee, RoleAssignment, Unit
from eprok.org.roles import Clearance, Role
from eprok.special import services
from eprok.special.classifiers import load_incident_types
from eprok.special.models import IncidentType, SpecialReport

DUTY = "novbetci"
DUTY_OFFICERS = (("Məmmədov", "Elnur"), ("Hüseynova", "Səbinə"), ("Əliyev", "Rauf"), ("Qasımova", "Gülnar"))
CLOSURE = "Cinayət işi başlanılıb, şübhəli şəxsə ittiham elan edilib; nəzarət istintaq idarəsinə verilib."

# (unit code, incident type, hours ago, address, lat, lon, dead, injured, summary, acknowledged, follow-up)
REPORTS: tuple[tuple[str, str, int, str, str, str, int, int, str, bool, str], ...] = (
    (
        "baku-xetai",
        "murder",
        300,
        "Bakı şəhəri, Xətai rayonu, Babək prospekti 24",
        "40.38420",
        "49.87980",
        1,
        0,
        "Mənzildə 46 yaşlı kişinin bıçaq xəsarəti ilə meyiti aşkar edilib; şübhəli qonşu saxlanılıb.",
        True,
        "Şübhəli şəxs 120.1-ci maddə ilə şübhəli qismində tutulub; məhkəmə-tibbi ekspertiza təyin edilib.",
    ),
    (
        "gence-city",
        "major-fire",
        260,
        "Gəncə şəhəri, Atatürk prospekti, ticarət mərkəzi",
        "40.68280",
        "46.36060",
        0,
        4,
        "Ticarət mərkəzində yanğın baş verib; 4 nəfər tüstüdən zəhərlənib, xəstəxanaya aparılıb.",
        True,
        "Yanğın söndürülüb; yanğın-texniki ekspertiza təyin olunub, cinayət işi başlanılıb.",
    ),
    (
        "sumqayit-city",
        "major-accident",
        200,
        "Sumqayıt şəhəri, kimya sənayesi parkı",
        "40.58970",
        "49.66870",
        2,
        3,
        "İstehsalat sexində partlayış nəticəsində iki işçi həlak olub, üç işçi xəsarət alıb.",
        True,
        "",
    ),
    (
        "lenkeran",
        "missing-child",
        150,
        "Lənkəran rayonu, Boladi kəndi",
        "38.70120",
        "48.80100",
        0,
        0,
        "12 yaşlı qız uşağı məktəbdən evə qayıtmayıb; axtarış aparılır.",
        True,
        "Uşaq qohumlarının evində tapılıb, sağlamlığı qaydasındadır.",
    ),
    (
        "quba",
        "death-of-official",
        120,
        "Quba rayonu, Quba-Qusar yolu",
        "41.36110",
        "48.51340",
        1,
        1,
        "Yol polisi əməkdaşı nəzarət məntəqəsində avtomobilin vurması nəticəsində həlak olub.",
        True,
        "",
    ),
    (
        "seki-city",
        "torture-allegation",
        90,
        "Şəki şəhəri, polis şöbəsi",
        "41.19190",
        "47.17060",
        0,
        1,
        "Saxlanılan şəxsin vəkili müştərisinə polis şöbəsində işgəncə verildiyi barədə məlumat verib.",
        True,
        "",
    ),
    (
        "baku-xetai",
        "attack-on-police",
        48,
        "Bakı şəhəri, Xətai rayonu, Nobel prospekti 15",
        "40.37700",
        "49.89500",
        0,
        1,
        "Sənədlərin yoxlanılması zamanı polis əməkdaşına bıçaqla hücum edilib; hücum edən saxlanılıb.",
        True,
        "",
    ),
    (
        "mingecevir-city",
        "multiple-deaths",
        30,
        "Mingəçevir şəhəri, Kür çayı sahili",
        "40.76400",
        "47.05950",
        2,
        0,
        "Kür çayında qayığın çevrilməsi nəticəsində iki nəfər boğulub.",
        True,
        "",
    ),
    (
        "baku-xetai",
        "murder",
        1,
        "Bakı şəhəri, Xətai rayonu, Əhmədli qəsəbəsi, 7-ci məhəllə",
        "40.38350",
        "49.95380",
        1,
        0,
        "Yaşayış binasının həyətində 31 yaşlı kişinin odlu silahdan yaralanmış meyiti aşkar edilib.",
        False,
        "",
    ),
)


@dataclass
class SpecialSeedReport:
    reports: int = 0
    follow_ups: int = 0
    closed: int = 0


def _reporter(unit: Unit) -> Employee | None:
    """The official who reports for `unit`: `prokuror` for Xətai, else the unit's first demo employee."""
    from eprok.org import services as org_services

    employee = (
        Employee.objects.filter(username="prokuror", unit=unit).first()
        or Employee.objects.filter(unit=unit, is_active=True).order_by("username").first()
    )
    if employee is None:  # a small demo staffs only some offices: the office's duty officer, without login
        last_name, first_name = DUTY_OFFICERS[len(unit.code) % len(DUTY_OFFICERS)]
        employee = org_services.employee_create(
            actor=None,
            username=f"novbe-{unit.code}"[:150],
            last_name=last_name,
            first_name=first_name,
            unit=unit,
            clearance=Clearance.SECRET,
        )
    if not RoleAssignment.objects.filter(employee=employee, role=Role.REPORT_SPECIAL, unit=unit).exists():
        org_services.role_assignment_grant(
            actor=None,
            employee=employee,
            role=Role.REPORT_SPECIAL,
            unit=unit,
            include_subunits=False,
            valid_from=timezone.localdate().replace(month=1, day=1),
        )
        forget_grants(employee)
    if employee.clearance < Clearance.SECRET:
        employee.clearance = Clearance.SECRET
        employee.save(update_fields=["clearance"])
    return employee


def seed_special() -> SpecialSeedReport:
    report = SpecialSeedReport()
    load_incident_types()  # the routing, now that the departments exist
    duty = Employee.objects.filter(username=DUTY).first()
    if duty is None or SpecialReport.objects.exists():
        return report
    now = timezone.now()
    for code, type_code, hours, address, lat, lon, dead, injured, summary, acknowledged, follow_up in REPORTS:
        unit = Unit.objects.filter(code=code).first()
        incident_type = IncidentType.objects.filter(code=type_code).first()
        reporter = _reporter(unit) if unit is not None else None
        if unit is None or incident_type is None or reporter is None:
            continue
        created = services.report_submit(
            actor=reporter,
            unit=unit,
            data=services.ReportInput(
                incident_type=incident_type,
                occurred_at=now - dt.timedelta(hours=hours, minutes=40),
                district_code=unit.district_code,
                address=address,
                summary=summary,
                latitude=Decimal(lat),
                longitude=Decimal(lon),
                dead_count=dead,
                injured_count=injured,
                scene_examined=True,
                classification=incident_type.classification,
            ),
        )
        services.report_deliver(report_pk=created.pk)
        report.reports += 1
        if acknowledged:
            services.report_acknowledge(report=created, actor=duty)
        if follow_up:
            services.follow_up_add(report=created, actor=reporter, text=follow_up)
            report.follow_ups += 1
        if hours >= 250:
            services.report_close(
                report=created,
                actor=duty,
                reason=CLOSURE,
            )
            report.closed += 1
        _backdate(created.pk, now - dt.timedelta(hours=hours))
    return report


def _backdate(pk: int, moment: dt.datetime) -> None:
    """Move a demo report's times into the demo's past (submitted at `moment`, acknowledged minutes later)."""
    from eprok.special.models import FollowUp

    report = SpecialReport.objects.get(pk=pk)
    fields: dict[str, object] = {
        "submitted_at": moment,
        "delivered_at": moment + dt.timedelta(seconds=2),
        "follow_up_due": None if report.closed_at else moment + dt.timedelta(hours=report.follow_up_hours),
    }
    if report.acknowledged_at:
        fields["acknowledged_at"] = moment + dt.timedelta(minutes=3 + pk % 17)
    follow_ups = list(FollowUp.objects.filter(report_id=pk).order_by("sequence"))
    for index, follow_up in enumerate(follow_ups, start=1):
        at = moment + dt.timedelta(hours=5 * index)
        FollowUp.objects.filter(pk=follow_up.pk).update(created_at=at)
        if not report.closed_at:
            fields["follow_up_due"] = at + dt.timedelta(hours=report.follow_up_hours)
    if report.closed_at:
        fields["closed_at"] = moment + dt.timedelta(hours=30)
    SpecialReport.objects.filter(pk=pk).update(**fields)
