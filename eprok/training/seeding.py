"""The demo of the Electronic Base of Training Events (`eprok demo`, `eprok seed`): a year of events run by
the Centre's administrator `telim` and taught by `telimci` — held ones with attendance, the listeners'
evaluations and protocols, a cancelled one, and published ones next month with their invitations — three
thematic plans (approved, sent, returned), the heads of a few units, and two mandatory thematic areas.

Everything goes through the services. Rerunnable: the heads and the flags are set only where missing, the
plans and the events only once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from eprok.org.models import Employee, Unit
from eprok.training import services, services_plans
from eprok.training.access import forget_heads
from eprok.training.models import (
    EventFormat,
    EventKind,
    PlanItem,
    PlanStatus,
    ThematicArea,
    ThematicPlan,
    TrainerRole,
    TrainingEvent,
)

ADMIN = "telim"
TRAINER = "telimci"
LISTENERS = ("prokuror", "mustentiq", "ittiham", "qeydiyyat", "karguzar", "nezaretci", "korrupsiya")
# (unit code, login of its head): the district prosecutor heads the Xətai office; the Baku city office and
# the Anti-Corruption Directorate's organisation department have their demo heads too.
HEADS = (("baku-xetai", "prokuror"), ("baku", "nezaretci"), ("acgd-organisation", "mehfuz"))
MANDATORY = ("anti-corruption", "ethics")
VENUE = "Elm-Tədris Mərkəzi, Bakı, Nizami küç. 27, akt zalı"

# (days from today, hour, hours long, title, kind, area, format, academic hours, outcome)
# outcome: "held", "cancelled" or "published"
EVENTS: tuple[tuple[int, int, int, str, str, str, str, str, str], ...] = (
    (
        -340,
        10,
        4,
        "Cinayət-Prosessual Məcəlləsində son dəyişikliklər",
        EventKind.SEMINAR,
        "criminal-procedure",
        EventFormat.IN_PERSON,
        "4",
        "held",
    ),
    (
        -290,
        10,
        6,
        "Korrupsiya cinayətlərinin istintaqının metodikası",
        EventKind.TRAINING,
        "anti-corruption",
        EventFormat.MIXED,
        "6",
        "held",
    ),
    (
        -240,
        14,
        3,
        "İnsan hüquqlarının müdafiəsi: Avropa Məhkəməsinin presedentləri",
        EventKind.ROUND_TABLE,
        "human-rights",
        EventFormat.IN_PERSON,
        "3",
        "held",
    ),
    (
        -200,
        10,
        4,
        "Prokurorluq işçilərinin etik davranış qaydaları",
        EventKind.SEMINAR,
        "ethics",
        EventFormat.ONLINE,
        "4",
        "held",
    ),
    (
        -150,
        10,
        5,
        "Kibercinayətlərin aşkarlanması və elektron sübutlar",
        EventKind.TRAINING,
        "cybercrime",
        EventFormat.IN_PERSON,
        "5",
        "held",
    ),
    (
        -110,
        11,
        2,
        "Yetkinlik yaşına çatmayanlar barəsində ədalət mühakiməsi",
        EventKind.SEMINAR,
        "juvenile-justice",
        EventFormat.IN_PERSON,
        "2",
        "cancelled",
    ),
    (
        -75,
        10,
        4,
        "Dövlət ittihamının müdafiəsi: məhkəmə çıxışının hazırlanması",
        EventKind.TRAINING,
        "state-prosecution",
        EventFormat.IN_PERSON,
        "4",
        "held",
    ),
    (
        -40,
        10,
        3,
        "Məhkəmə ekspertizasının təyin edilməsi və qiymətləndirilməsi",
        EventKind.SEMINAR,
        "forensic-science",
        EventFormat.MIXED,
        "3",
        "held",
    ),
    (
        -10,
        10,
        4,
        "Korrupsiyaya qarşı mübarizədə beynəlxalq standartlar",
        EventKind.CONFERENCE,
        "anti-corruption",
        EventFormat.IN_PERSON,
        "4",
        "held",
    ),
    (
        9,
        10,
        4,
        "Attestasiyaya hazırlıq: prokurorluq haqqında qanunvericilik",
        EventKind.ATTESTATION_PREPARATION,
        "management",
        EventFormat.IN_PERSON,
        "4",
        "published",
    ),
    (
        16,
        14,
        3,
        "Beynəlxalq hüquqi yardım sorğularının hazırlanması",
        EventKind.SEMINAR,
        "international-cooperation",
        EventFormat.ONLINE,
        "3",
        "published",
    ),
    (
        27,
        10,
        6,
        "Cinayət işlərinin ibtidai araşdırmasında sübutetmə",
        EventKind.TRAINING,
        "criminal-procedure",
        EventFormat.IN_PERSON,
        "6",
        "published",
    ),
)

COMMENTS = (
    "Mövzu aktual idi, praktiki nümunələr çox faydalı oldu.",
    "Təlimçi suallara ətraflı cavab verdi.",
    "Vaxt az idi, praktiki hissəni artırmaq olar.",
    "",
)


@dataclass
class TrainingSeedReport:
    events: int = 0
    held: int = 0
    evaluations: int = 0
    plans: int = 0
    heads: int = 0


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _seed_heads(report: TrainingSeedReport) -> None:
    for code, login in HEADS:
        head = Employee.objects.filter(username=login, is_active=True).first()
        updated = Unit.objects.filter(code=code, head__isnull=True).update(head=head) if head else 0
        report.heads += updated
    forget_heads()  # the menu's cached set of heads (update() sends no signal)


def _seed_areas() -> None:
    for code in MANDATORY:
        area = ThematicArea.objects.filter(code=code, is_mandatory=False).first()
        if area is not None:  # the data, not the Centre's choice: set once, never reset
            area.is_mandatory = True
            area.save(update_fields=["is_mandatory", "updated_at"])


def _seed_plans(admin: Employee, trainer: Employee, report: TrainingSeedReport) -> Any:
    """Xətai: approved for the quarter of ten days ago (its first item is carried out by the event held
    then); Baku city: sent for the next quarter; the Centre: returned for changes. Returns the item the
    event carries out."""
    if ThematicPlan.objects.exists():
        return None
    area = {row.code: row for row in ThematicArea.objects.all()}
    anchor = timezone.localdate() - dt.timedelta(days=10)
    quarter = (anchor.month - 1) // 3 + 1
    months = list(services_plans.quarter_months(quarter))
    next_year, next_quarter = (anchor.year, quarter + 1) if quarter < 4 else (anchor.year + 1, 1)
    linked = None
    xetai = Unit.objects.filter(code="baku-xetai", head__isnull=False).select_related("head").first()
    if xetai is not None and xetai.head is not None:
        plan = services_plans.plan_create(actor=xetai.head, unit=xetai, year=anchor.year, quarter=quarter)
        items = (
            (
                anchor.month,
                "Korrupsiyaya qarşı mübarizədə beynəlxalq standartlar",
                EventKind.CONFERENCE,
                "anti-corruption",
                "4",
            ),
            (months[0], "Müraciətlərə baxılmasının qaydaları", EventKind.SEMINAR, "management", "2"),
            (months[-1], "Elektron sübutların götürülməsi", EventKind.TRAINING, "cybercrime", "4"),
        )
        for month, topic, kind, code, hours in items:
            item = services_plans.plan_item_add(
                actor=xetai.head,
                plan=plan,
                data=services_plans.ItemInput(
                    area=area[code],
                    topic=topic,
                    kind=kind,
                    month=month,
                    hours=Decimal(hours),
                    audience="Xətai rayon prokurorluğunun prokurorluq işçiləri",
                    trainer="Elm-Tədris Mərkəzi",
                ),
            )
            linked = linked or item
        services_plans.plan_submit(actor=xetai.head, plan=plan)
        services_plans.plan_decide(actor=admin, plan=plan, approve=True, comment="Plan təsdiq edildi.")
        report.plans += 1
    baku = Unit.objects.filter(code="baku", head__isnull=False).select_related("head").first()
    if baku is not None and baku.head is not None:
        plan = services_plans.plan_create(actor=baku.head, unit=baku, year=next_year, quarter=next_quarter)
        for offset, (topic, code) in enumerate(
            (
                ("Dövlət ittihamçısının məhkəmədə çıxışı", "state-prosecution"),
                ("Yetkinlik yaşına çatmayanların hüquqlarının müdafiəsi", "juvenile-justice"),
            )
        ):
            services_plans.plan_item_add(
                actor=baku.head,
                plan=plan,
                data=services_plans.ItemInput(
                    area=area[code],
                    topic=topic,
                    kind=EventKind.SEMINAR,
                    month=3 * next_quarter - 2 + offset,
                    hours=Decimal("3"),
                    audience="Bakı şəhər prokurorluğunun və rayon prokurorluqlarının prokurorları",
                ),
            )
        services_plans.plan_submit(actor=baku.head, plan=plan)
        report.plans += 1
    centre = Unit.objects.filter(code="training-centre").first()
    if centre is not None:
        plan = services_plans.plan_create(
            actor=trainer,
            unit=centre,
            year=next_year,
            quarter=next_quarter,
            note="Mərkəzin öz kadrları üçün.",
        )
        services_plans.plan_item_add(
            actor=trainer,
            plan=plan,
            data=services_plans.ItemInput(
                area=area["management"],
                topic="Təlimçilərin metodiki hazırlığı",
                kind=EventKind.TRAINING,
                month=3 * next_quarter - 1,
                hours=Decimal("2"),
                audience="Mərkəzin təlimçiləri",
                trainer=str(trainer),
            ),
        )
        services_plans.plan_submit(actor=trainer, plan=plan)
        services_plans.plan_decide(
            actor=admin,
            plan=plan,
            approve=False,
            comment="Saatların sayını artırın və xarici ekspert cəlb edin.",
        )
        report.plans += 1
    if linked is None:
        return None
    return PlanItem.objects.filter(pk=linked.pk, plan__status=PlanStatus.APPROVED).first()


def seed_training() -> TrainingSeedReport:
    report = TrainingSeedReport()
    _seed_heads(report)
    _seed_areas()
    admin = Employee.objects.filter(username=ADMIN, is_active=True).first()
    trainer = Employee.objects.filter(username=TRAINER, is_active=True).first()
    centre = Unit.objects.filter(code="training-centre").first()
    if admin is None or trainer is None or centre is None:
        return report
    linked = _seed_plans(admin, trainer, report)
    if TrainingEvent.objects.exists():
        return report
    listeners = list(Employee.objects.filter(username__in=LISTENERS, is_active=True).order_by("username"))
    xetai = Unit.objects.filter(code="baku-xetai").first()
    areas = {row.code: row for row in ThematicArea.objects.all()}
    today = timezone.localdate()
    for index, (days, hour, length, title, kind, code, fmt, hours, outcome) in enumerate(EVENTS):
        starts_at = _at(today + dt.timedelta(days=days), hour)
        carries_out = linked if linked is not None and days == -10 else None
        event = services.event_create(
            actor=admin,
            data=services.EventInput(
                title=title,
                kind=kind,
                area=areas[code],
                organiser=centre,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=length),
                format=fmt,
                hours=Decimal(hours),
                topic=title,
                venue=VENUE if fmt != EventFormat.ONLINE else "",
                video_link="https://meet.jit.si/eprok-demo-telim" if fmt != EventFormat.IN_PERSON else "",
                capacity=40,
                plan_item=carries_out,
            ),
        )
        report.events += 1
        services.trainer_add(actor=admin, event=event, employee=trainer, role=TrainerRole.LEAD)
        if index % 3 == 1:
            services.trainer_add(
                actor=admin,
                event=event,
                external_name="Prof. Əli Məmmədov",
                external_organisation="Bakı Dövlət Universiteti, hüquq fakültəsi",
                role=TrainerRole.SPEAKER,
            )
        services.invite(
            actor=admin,
            event=event,
            circle=services.Circle(unit=xetai if index % 2 == 0 else None, employees=tuple(listeners)),
        )
        services.event_publish(actor=admin, event=event)
        if outcome == "cancelled":
            services.event_cancel(
                actor=admin, event=event, reason="Təlimçinin xəstəliyi səbəbindən təxirə salındı."
            )
            continue
        if outcome != "held":
            continue
        _hold(event, admin, trainer, listeners, index, report)
    return report


def _hold(
    event: TrainingEvent,
    admin: Employee,
    trainer: Employee,
    listeners: list[Employee],
    index: int,
    report: TrainingSeedReport,
) -> None:
    """Attendance (one of the demo listeners absent in turn), the event held, evaluations and the protocol."""
    absent = listeners[index % len(listeners)] if listeners else None
    present = [employee for employee in listeners if employee != absent]
    for employee in listeners:
        services.attendance_mark(actor=trainer, event=event, employee=employee, present=employee != absent)
    services.event_mark_held(actor=admin, event=event)
    report.held += 1
    for position, employee in enumerate(present):
        base = 3 + (index + position) % 3  # marks from 3 to 5
        services.evaluation_submit(
            actor=employee,
            event=event,
            marks=services.Marks(
                content_score=base,
                trainer_score=min(5, base + 1),
                organisation_score=max(1, base - (position % 2)),
                usefulness_score=base,
                comment=COMMENTS[(index + position) % len(COMMENTS)],
            ),
        )
        report.evaluations += 1
    services.protocol_write(
        actor=trainer,
        event=event,
        text=(
            f"{event.title} mövzusunda {event.get_kind_display().lower()} keçirildi. "
            f"İştirak edənlərin sayı: {len(present)}.\n"
            "Nəticələr: dinləyicilər mövzu üzrə qanunvericiliyin son dəyişiklikləri və praktikası ilə tanış "
            "oldular, praktiki tapşırıqlar yerinə yetirildi.\n"
            "Nəticə və təkliflər: mövzu üzrə növbəti rübdə praktiki məşğələ keçirilməsi məqsədəuyğundur."
        ),
    )
