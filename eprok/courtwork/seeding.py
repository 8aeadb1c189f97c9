"""Demo court proceedings (`eprok demo`, `eprok seed`): the Xətai office's cases sent to court, prosecuted by
the demo login `ittiham` — hearings in the coming weeks, one from the e-Court's schedule, and a verdict whose
term to appeal is running (on "My work"). Everything goes through the services. Rerunnable: nothing is
added once a proceeding exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from eprok.org.models import Employee, Unit

from . import services
from .models import Court, DecisionKind, PositionKind, Proceeding

PROSECUTOR = "ittiham"
UNIT = "baku-xetai"
WANTED = 3
SENTENCE_REQUEST = "Təqsirləndirilən şəxsə 3 il azadlıqdan məhrum etmə cəzasının təyin edilməsi xahiş olunur."
JUDGES = ("Əliyev Rauf Nazim oğlu", "Hüseynova Leyla Vaqif qızı", "Məmmədov Tural Elçin oğlu")


@dataclass
class CourtworkSeedReport:
    proceedings: int = 0
    hearings: int = 0
    decisions: int = 0


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _cases_in_court(unit: Unit) -> list[Any]:
    """The unit's cases sent to court; cases whose indictment awaits approval are sent there if too few."""
    from eprok.cases.models import Case, CaseStatus
    from eprok.cases.services import case_approve_indictment

    in_court = Case.objects.filter(unit=unit, status=CaseStatus.SENT_TO_COURT).order_by("opened_at")
    cases = list(in_court[:WANTED])
    if len(cases) < WANTED:
        waiting = Case.objects.filter(unit=unit, status=CaseStatus.INDICTMENT).select_related("supervisor")
        for case in waiting.order_by("opened_at")[: WANTED - len(cases)]:
            cases.append(
                case_approve_indictment(
                    actor=case.supervisor,
                    case=case,
                    note="İttiham aktı təsdiq edilib, iş məhkəməyə göndərilir.",
                )
            )
    return cases


def seed_courtwork() -> CourtworkSeedReport:
    out = CourtworkSeedReport()
    if Proceeding.objects.exists():
        return out
    prosecutor = Employee.objects.filter(username=PROSECUTOR, is_active=True).first()
    unit = Unit.objects.filter(code=UNIT).first()
    if prosecutor is None or unit is None:
        return out
    district = Court.objects.filter(code="baku-xetai-district").first()
    serious = Court.objects.filter(code="baku-serious-crimes").first()
    if district is None or serious is None:
        return out
    today = timezone.localdate()
    for index, case in enumerate(_cases_in_court(unit)):
        opened = timezone.localtime(case.opened_at).date()
        sent_on = max(opened, today - dt.timedelta(days=40 - 10 * index))
        proceeding = services.proceeding_open(
            actor=prosecutor,
            case=case,
            court=serious if index == 1 else district,
            sent_on=sent_on,
            judge=JUDGES[index % len(JUDGES)],
            court_number=f"1(001)-{today.year}-{417 + index}",
            prosecutor=prosecutor,
        )
        out.proceedings += 1
        if index == 0:
            # Two hearings in the coming weeks.
            for days, hour in ((3, 10), (17, 14)):
                services.hearing_schedule(
                    actor=prosecutor,
                    proceeding=proceeding,
                    starts_at=_at(today + dt.timedelta(days=days), hour),
                    courtroom="Zal 4",
                )
                out.hearings += 1
            services.position_add(
                actor=prosecutor,
                proceeding=proceeding,
                kind=PositionKind.MOTION,
                text="Zərərçəkmişin və iki şahidin məhkəmə iclasına çağırılması barədə vəsatət.",
                stated_on=sent_on,
            )
        elif index == 1 and sent_on < today - dt.timedelta(days=6):
            # Heard and decided five days ago: the term to appeal runs (CPC art. 384).
            hearing = services.hearing_schedule(
                actor=prosecutor,
                proceeding=proceeding,
                starts_at=_at(today - dt.timedelta(days=6), 11),
                courtroom="Zal 2",
            )
            services.hearing_hold(
                actor=prosecutor,
                hearing=hearing,
                outcome="Təqsirləndirilən şəxs və şahidlər dindirilib; məhkəmə hökmün elanını təyin edib.",
            )
            services.position_add(
                actor=prosecutor,
                proceeding=proceeding,
                kind=PositionKind.SENTENCE_REQUEST,
                text=SENTENCE_REQUEST,
                stated_on=today - dt.timedelta(days=6),
            )
            services.decision_record(
                actor=prosecutor,
                proceeding=proceeding,
                kind=DecisionKind.CONVICTION,
                decided_on=today - dt.timedelta(days=5),
                sentence="2 il 6 ay azadlıqdan məhrum etmə, ümumi rejimli cəzaçəkmə müəssisəsində.",
                text="Təqsirləndirilən şəxs ittiham olunduğu əməldə təqsirli bilinib.",
            )
            out.hearings += 1
            out.decisions += 1
        else:
            # A hearing from the court's schedule (as the e-Court exchange delivers it).
            services.hearing_from_court(
                proceeding=proceeding,
                external_id=f"ecourt-demo-{proceeding.pk}",
                starts_at=_at(today + dt.timedelta(days=6), 11, 30),
                courtroom="Zal 1",
                judge=proceeding.judge,
                status="scheduled",
            )
            out.hearings += 1
    return out
