"""Demo supervised cases: a dozen investigations of the Baku police offices and the Ministry's investigation
department under the supervision of the Xətai office (`prokuror`) and the Baku city office (`nezaretci`),
with instructions, demands and protests, the bodies' answers, an indictment waiting for the decision, one
sent to court, and violations, some of them found by the sweep (`eprok demo`, `eprok seed`).

Everything goes through the services. Rerunnable: nothing is added once a supervised case exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from eprok.org.models import Employee, Unit
from eprok.supervision import services
from eprok.supervision.bodies import load_investigating_bodies
from eprok.supervision.models import ActKind, InvestigatingBody, SupervisedCase, SupervisoryAct, ViolationKind


@dataclass
class SupervisionSeedReport:
    cases: int = 0
    acts: int = 0
    violations: int = 0


# (unit, supervisor login, body, number, days ago opened, articles, investigator, summary, accused,
#  custody runs out in days, what happens next)
CASES: tuple[tuple[str, str, str, str, int, str, str, str, str, int | None, str], ...] = (
    (
        "baku-xetai",
        "prokuror",
        "police-baku-xetai",
        "261100101",
        12,
        "177.2.3",
        "Polis kapitanı Əliyev Vüsal",
        "Babək prospektində mənzildən oğurluq: televizor və zinət əşyaları aparılıb.",
        "Həsənov Elvin Rauf oğlu",
        None,
        "instruction",
    ),
    (
        "baku-xetai",
        "prokuror",
        "police-baku-xetai",
        "261100102",
        40,
        "180.2.1",
        "Polis mayoru Quliyev Anar",
        "Xətai rayonunda küçədə soyğunçuluq: mobil telefon zorla alınıb.",
        "Məmmədov Tural Akif oğlu",
        20,
        "demand_late",
    ),
    (
        "baku-xetai",
        "prokuror",
        "police-baku-xetai",
        "261100103",
        75,
        "178.2.4",
        "Polis kapitanı Əliyev Vüsal",
        "Onlayn satış adı ilə dələduzluq; 14 zərərçəkmiş.",
        "Rzayev Kamran Elçin oğlu",
        None,
        "indictment",
    ),
    (
        "baku-xetai",
        "prokuror",
        "police-baku-xetai",
        "261100104",
        95,
        "234.1",
        "Polis baş leytenantı Səfərov Orxan",
        "Narkotik vasitənin satış məqsədi olmadan saxlanması.",
        "Qasımov Rəşad Vaqif oğlu",
        None,
        "approved",
    ),
    (
        "baku-xetai",
        "prokuror",
        "police-baku-xetai",
        "261100105",
        150,
        "186.1",
        "Polis mayoru Quliyev Anar",
        "Avtomobilin qəsdən zədələnməsi; şəxs müəyyən edilməyib.",
        "",
        None,
        "overdue",
    ),
    (
        "baku-xetai",
        "prokuror",
        "police-baku-xetai",
        "261100106",
        30,
        "127.1",
        "Polis kapitanı Əliyev Vüsal",
        "Məişət zəminində az ağır xəsarət yetirilməsi.",
        "Babayev Elnur Sabir oğlu",
        None,
        "suspended",
    ),
    (
        "baku-xetai",
        "prokuror",
        "police-baku-xetai",
        "261100107",
        60,
        "221.1",
        "Polis baş leytenantı Səfərov Orxan",
        "İctimai yerdə xuliqanlıq; tərəflər barışıb.",
        "Əhmədov Ruslan Əli oğlu",
        None,
        "terminated",
    ),
    (
        "baku",
        "nezaretci",
        "police-baku-nesimi",
        "261200201",
        20,
        "177.2.4",
        "Polis kapitanı Hüseynov Elvin",
        "Nəsimi rayonunda ofisdən oğurluq.",
        "",
        None,
        "protest",
    ),
    (
        "baku",
        "nezaretci",
        "police-baku-yasamal",
        "261300301",
        9,
        "126.1",
        "Polis mayoru Kərimov Samir",
        "Qəsdən ağır xəsarət yetirmə; şübhəli saxlanılıb.",
        "Nəbiyev Fuad Tofiq oğlu",
        -1,
        "detention",
    ),
    (
        "baku",
        "nezaretci",
        "police-baku-sabuncu",
        "261400401",
        45,
        "177.2.1",
        "Polis kapitanı Orucov Mahir",
        "Qrup halında mənzil oğurluğu.",
        "İsmayılov Cavid, Vəliyev Səbuhi",
        30,
        "instruction",
    ),
    (
        "baku",
        "nezaretci",
        "police-baku-nerimanov",
        "261500501",
        5,
        "178.1",
        "Polis leytenantı Abbasova Nərmin",
        "Kredit adı ilə dələduzluq.",
        "",
        None,
        "",
    ),
    (
        "baku",
        "nezaretci",
        "mia-investigation",
        "DİN-2026-0345",
        50,
        "206.3.2",
        "Polkovnik-leytenant Cəfərli Emin",
        "Mütəşəkkil dəstə tərəfindən qaçaqmalçılıq.",
        "Hacıyev Vüqar, Sadıqov Teymur",
        40,
        "demand",
    ),
)


def seed_supervision() -> SupervisionSeedReport:
    report = SupervisionSeedReport()
    load_investigating_bodies()
    if SupervisedCase.objects.exists():
        return report
    users = {
        employee.username: employee
        for employee in Employee.objects.filter(username__in=["prokuror", "nezaretci"])
    }
    today = timezone.localdate()
    now = timezone.now()
    for (
        unit_code,
        login,
        body_code,
        number,
        days,
        articles,
        investigator,
        summary,
        accused,
        custody,
        next_step,
    ) in CASES:
        unit = Unit.objects.filter(code=unit_code).first()
        body = InvestigatingBody.objects.filter(code=body_code).first()
        supervisor = users.get(login)
        if unit is None or body is None or supervisor is None:
            continue
        case = services.supervised_create(
            actor=supervisor,
            unit=unit,
            body=body,
            supervisor=supervisor,
            details=services.CaseDetails(
                number=number,
                investigator_name=investigator,
                investigator_contact="+994 12 590 00 00",
                opened_on=today - dt.timedelta(days=days),
                summary=summary,
                articles=articles,
                accused=accused,
                in_custody=custody is not None,
                custody_until=now + dt.timedelta(days=custody) if custody is not None else None,
            ),
        )
        report.cases += 1
        _next_step(case, next_step, supervisor, today, report)
    report.violations += services.supervision_sweep().total
    return report


def _act(
    case: SupervisedCase, actor: Employee, kind: str, text: str, days: int, report: SupervisionSeedReport
) -> SupervisoryAct:
    report.acts += 1
    return services.act_issue(
        actor=actor, case=case, kind=kind, text=text, due_date=timezone.localdate() + dt.timedelta(days=days)
    )


def _next_step(
    case: SupervisedCase, step: str, actor: Employee, today: dt.date, report: SupervisionSeedReport
) -> None:
    if step == "instruction":
        act = _act(
            case,
            actor,
            ActKind.INSTRUCTION,
            "Zərərçəkmişin və şahidlərin dindirilməsi, video-kameraların "
            "görüntülərinin götürülməsi təmin edilsin.",
            7,
            report,
        )
        services.act_answer(
            actor=actor, act=act, answer="Şahidlər dindirilib, görüntülər götürülüb.", accepted=True
        )
        _act(
            case,
            actor,
            ActKind.INSTRUCTION,
            "Oğurlanmış əşyaların lombardlarda axtarışı aparılsın.",
            10,
            report,
        )
    elif step == "demand_late":
        act = _act(
            case,
            actor,
            ActKind.DEMAND,
            "Şübhəli şəxsə vəkil xidmətindən istifadə hüququ dərhal təmin edilsin.",
            3,
            report,
        )
        SupervisoryAct.objects.filter(pk=act.pk).update(due_date=today - dt.timedelta(days=4))
        act.refresh_from_db()
        services.act_answer(actor=actor, act=act, answer="Vəkil cəlb edilib.", accepted=True)
        violation = services.violation_record(
            actor=actor,
            case=case,
            kind=ViolationKind.RIGHTS,
            description="Şübhəli şəxs 6 saat ərzində vəkil ilə təmin edilməyib.",
            found_on=today - dt.timedelta(days=6),
            act=act,
        )
        services.violation_remedy(actor=actor, violation=violation, remedied_on=today - dt.timedelta(days=2))
        report.violations += 1
    elif step in ("indictment", "approved"):
        services.indictment_receive(actor=actor, case=case, received_at=timezone.now() - dt.timedelta(days=1))
        if step == "approved":
            services.indictment_approve(
                actor=actor, case=SupervisedCase.objects.get(pk=case.pk), note="İttiham aktı təsdiq edilib."
            )
    elif step == "overdue":
        _act(
            case,
            actor,
            ActKind.DEMAND,
            "İstintaq müddəti bitib; iş üzrə yekun qərar qəbul edilsin.",
            0,
            report,
        )
        SupervisoryAct.objects.filter(case=case).update(due_date=today - dt.timedelta(days=3))
    elif step == "suspended":
        services.supervised_suspend(
            actor=actor,
            case=case,
            reason="Təqsirləndirilən şəxs istintaqdan gizlənib, axtarış elan edilib (CPM 53.1.1).",
        )
    elif step == "terminated":
        services.supervised_terminate(actor=actor, case=case, reason="Tərəflərin barışması ilə (CM 73).")
    elif step == "protest":
        _act(
            case,
            actor,
            ActKind.PROTEST,
            "İşin icraatının dayandırılması haqqında qərardan protest: "
            "ekspertiza rəyi alınmadan qərar çıxarılıb.",
            10,
            report,
        )
    elif step == "detention":
        services.violation_record(
            actor=actor,
            case=case,
            kind=ViolationKind.UNLAWFUL_DETENTION,
            description="Şəxs tutulma protokolu tərtib edilmədən 5 saat polis idarəsində saxlanılıb.",
        )
        report.violations += 1
    elif step == "demand":
        _act(
            case,
            actor,
            ActKind.DEMAND,
            "Həbs müddəti bitməzdən əvvəl uzadılması barədə vəsatət təqdim edilsin.",
            5,
            report,
        )
