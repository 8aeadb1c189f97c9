"""Demo data of the 961 call centre and the 161 hotline, for `eprok seed` and `eprok demo`.

Two telephone exchanges (961-main in the General Prosecutor's Office's documents and appeals department,
161-main in the Anti-Corruption Directorate's organisational department), the demo operators' extensions,
about 150 calls to 961 and 80 to 161 over the last six weeks, reported through the same telephony
service the PBX endpoint uses and registered through the operators' services with every outcome;
callbacks (some overdue), requests for recording copies, and about 30 hotline reports across sectors,
with a portal report whose reporter is in an ongoing conversation and a report whose caller left an
identity with the custodian. Deterministic (one seeded random generator); nothing is added when the
demo calls exist already.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from eprok.contact import pbx as signing
from eprok.contact import services
from eprok.contact.models import (
    Call,
    Callback,
    CallOutcome,
    Centre,
    HotlineChannel,
    HotlineReport,
    Pbx,
    PbxOperator,
)
from eprok.org.grants import forget_grants, has_role
from eprok.org.models import Employee, Unit
from eprok.org.roles import Role

SEED = 961161
CALLS_961 = 150
CALLS_161 = 80
MARKER = "demo-"

# (PBX code, centre, unit code, name)
PBXS = (
    ("961-main", Centre.CALL_CENTRE, "gpo-documents", "961 Çağrı Mərkəzi — əsas stansiya"),
    ("161-main", Centre.HOTLINE, "acgd-organisation", "161 Qaynar xətt — əsas stansiya"),
)
# Demo logins' extensions on the exchanges (simulators.pbx answers with them).
EXTENSIONS = {
    "961-main": (("operator", "1001"), ("zengmerkezi", "1002")),
    "161-main": (("qaynarxett", "1601"), ("korrupsiya", "1602")),
}
MOBILE = ("50", "51", "55", "70", "77", "99", "10")

# What 961 callers ask, with the topic of the appeals' classifier and how the call ends.
CALL_STORIES: tuple[tuple[str, str, str], ...] = (
    (
        "criminal-case-progress",
        CallOutcome.INFORMATION,
        "Zəng edən şəxs qardaşı barəsində başlanmış cinayət işinin hansı mərhələdə olduğunu soruşub; "
        "istintaqı aparan orqan və müstəntiqlə əlaqə qaydası izah edilib.",
    ),
    (
        "information-request",
        CallOutcome.INFORMATION,
        "Vətəndaş prokurorluğa yazılı müraciətin hansı ünvana və necə göndərilməsi ilə maraqlanıb; "
        "elektron müraciət portalı və qəbul günləri barədə məlumat verilib.",
    ),
    (
        "property-rights",
        CallOutcome.FORWARDED,
        "Zəng edən qonşusunun torpaq sahəsini zəbt etməsindən şikayət edib; məsələnin məhkəmə qaydasında "
        "həll edildiyi izah edilərək yerli icra hakimiyyətinə müraciət etməsi tövsiyə olunub.",
    ),
    (
        "labour",
        CallOutcome.FORWARDED,
        "Vətəndaş işəgötürənin əmək haqqını üç aydır ödəmədiyini bildirib; Dövlət Əmək Müfəttişliyi "
        "Xidmətinə müraciət etməsi tövsiyə olunub.",
    ),
    (
        "social-benefits",
        CallOutcome.FORWARDED,
        "Zəng edən sosial müavinətin dayandırılması ilə bağlı məlumat istəyib; Əmək və Əhalinin Sosial "
        "Müdafiəsi Nazirliyinin 142 nömrəli qaynar xəttinə yönləndirilib.",
    ),
    (
        "consumer-rights",
        CallOutcome.OTHER,
        "Vətəndaş mağazadan aldığı malın qaytarılması ilə bağlı zəng edib; məsələnin prokurorluğun "
        "səlahiyyətinə aid olmadığı izah edilib.",
    ),
    (
        "police-misconduct",
        CallOutcome.INFORMATION,
        "Zəng edən polis əməkdaşının kobud davranışından şikayət etmək istədiyini bildirib; yazılı şikayət "
        "vermə qaydası və şikayətin baxılma müddəti izah edilib.",
    ),
    (
        "refusal-to-open-case",
        CallOutcome.INFORMATION,
        "Vətəndaş cinayət işinin başlanmasından imtina barədə qərardan necə şikayət verə biləcəyini "
        "soruşub; şikayət verilmə qaydası və müddəti izah edilib.",
    ),
)
APPEAL_STORIES: tuple[tuple[str, str, str], ...] = (
    (
        "complaint",
        "police-misconduct",
        "Polis şöbəsinin əməkdaşları oğlumu səbəbsiz saxlayıb və barəsində protokol tərtib ediblər; "
        "hüquqlarının pozulmasının araşdırılmasını xahiş edirəm.",
    ),
    (
        "application",
        "criminal-case-progress",
        "Zərərçəkmiş qismində tanındığım cinayət işi üzrə istintaqın gedişi barədə məlumat verilməsini "
        "xahiş edirəm; üç aydır heç bir məlumat almamışam.",
    ),
    (
        "complaint",
        "refusal-to-open-case",
        "Mənzil oğurluğu barədə ərizəmə əsasən cinayət işinin başlanmasından imtina edilib; qərarın "
        "əsassız olduğunu hesab edirəm.",
    ),
)
CRIME_STORIES: tuple[tuple[str, str], ...] = (
    (
        "Zəng edən bildirib ki, həyətdə park edilmiş avtomobilinin şüşəsi sındırılaraq içindən noutbuk "
        "oğurlanıb.",
        "baku-xetai",
    ),
    (
        "Zəng edən qonşu mənzildən səs-küy və kömək çağırışları eşitdiyini, qadının döyüldüyünü güman "
        "etdiyini bildirib.",
        "baku-xetai",
    ),
    (
        "Vətəndaş bank əməkdaşı kimi özünü təqdim edən şəxsin kart məlumatlarını öyrənərək hesabından pul "
        "çıxardığını bildirib.",
        "baku-xetai",
    ),
)
# What 161 callers report: (sector, type of corruption, text).
HOTLINE_STORIES: tuple[tuple[str, str, str], ...] = (
    (
        "health",
        "extortion",
        "Rayon mərkəzi xəstəxanasında cərrah planlı əməliyyat növbəsinə salmaq üçün xəstənin ailəsindən "
        "500 manat tələb edir.",
    ),
    (
        "education",
        "bribery",
        "Məktəbin direktoru birinci sinfə qəbul üçün valideynlərdən “könüllü ianə” adı ilə pul yığır.",
    ),
    ("police", "bribery", "Yol polisi əməkdaşı protokol tərtib etməmək üçün sürücüdən 100 manat alıb."),
    (
        "local-executive",
        "abuse_of_office",
        "İcra hakimiyyətinin nümayəndəsi torpaq sahəsinin ayrılması üçün sənədləri aylardır imzalamır və "
        "“razılaşma” təklif edir.",
    ),
    (
        "municipalities",
        "nepotism",
        "Bələdiyyə sədri bələdiyyədəki vakant vəzifələrə öz qohumlarını müsabiqəsiz təyin edib.",
    ),
    (
        "utilities",
        "extortion",
        "Qaz xidmətinin nəzarətçisi sayğacın yoxlanılmasını “sürətləndirmək” üçün pul istəyir.",
    ),
    (
        "social-protection",
        "embezzlement",
        "Sosial müdafiə mərkəzində ünvanlı sosial yardım təyinatında saxta sənədlərdən istifadə olunur.",
    ),
    (
        "tax",
        "bribery",
        "Vergi müfəttişi yoxlamanın nəticələrini “yumşaltmaq” üçün sahibkardan pul tələb edib.",
    ),
    (
        "customs",
        "abuse_of_office",
        "Gömrük postunda yüklərin rəsmiləşdirilməsi qəsdən ləngidilir və vasitəçilər vasitəsilə pul "
        "istənilir.",
    ),
    (
        "property-registry",
        "conflict_of_interest",
        "Daşınmaz əmlak reyestri xidmətinin əməkdaşı qardaşının şirkətinin sənədlərini növbədən kənar "
        "qeydiyyata alır.",
    ),
)
HOTLINE_CONSULTATIONS: tuple[tuple[str, str], ...] = (
    (
        CallOutcome.INFORMATION,
        "Zəng edən korrupsiya barədə anonim məlumat vermə qaydası ilə maraqlanıb; "
        "portal və 161 xətti vasitəsilə məlumat vermə imkanı izah edilib.",
    ),
    (
        CallOutcome.FORWARDED,
        "Zəng edilən məsələ korrupsiya ilə bağlı deyil (qonşular arasında mübahisə); "
        "yerli polis şöbəsinə müraciət etməsi tövsiyə olunub.",
    ),
    (
        CallOutcome.OTHER,
        "Zəng edən şəxs əvvəlki məlumatının baxılma vəziyyəti ilə maraqlanıb; məlumatın "
        "qeydə alındığı və araşdırıldığı bildirilib.",
    ),
)


@dataclass
class ContactReport:
    pbxs: int = 0
    calls: int = 0
    hotline_reports: int = 0
    callbacks: int = 0
    copy_requests: int = 0


def _grant(employee: Employee, role: str, unit: Unit) -> None:
    from eprok.org.services import role_assignment_grant

    forget_grants(employee)
    if not has_role(employee, role, unit):
        role_assignment_grant(
            actor=None,
            employee=employee,
            role=role,
            unit=unit,
            valid_from=timezone.localdate().replace(month=1, day=1),
        )
        forget_grants(employee)


def seed_pbxs(report: ContactReport | None = None) -> dict[str, Pbx]:
    """The demo exchanges, keyed with the secret of this environment, and the demo operators' extensions."""
    report = report or ContactReport()
    units = {u.code: u for u in Unit.objects.filter(code__in=[code for _p, _c, code, _n in PBXS])}
    pbxs: dict[str, Pbx] = {}
    for code, centre, unit_code, name in PBXS:
        unit = units.get(unit_code)
        secret = signing.configured_secret(code)
        if unit is None or not secret:
            continue
        existed = Pbx.objects.filter(code=code).exists()
        pbxs[code] = services.pbx_register(
            actor=None, code=code, name=name, centre=centre, unit=unit, secret=secret
        )
        report.pbxs += 0 if existed else 1
        for login, extension in EXTENSIONS[code]:
            employee = Employee.objects.filter(username=login).first()
            if employee is not None:
                PbxOperator.objects.get_or_create(
                    pbx=pbxs[code], extension=extension, defaults={"employee": employee}
                )
    return pbxs


def _operators(pbx: Pbx) -> list[Employee]:
    """The demo logins answering on `pbx`, and two more operators of its unit from the demo staff."""
    named = [row.employee for row in pbx.operators.select_related("employee").order_by("extension")]
    extra = list(
        Employee.objects.filter(unit=pbx.unit, is_active=True)
        .exclude(pk__in=[e.pk for e in named])
        .exclude(username__in=[login for pairs in EXTENSIONS.values() for login, _x in pairs])
        .order_by("username")[:2]
    )
    for employee in extra:
        _grant(employee, Role.OPERATE_CALLS, pbx.unit)
    return [e for e in [*named, *extra] if has_role(e, Role.OPERATE_CALLS, pbx.unit)]


def _number(rng: random.Random) -> str:
    return f"+994{rng.choice(MOBILE)}{rng.randrange(10**6, 10**7):07d}"


def _moment(rng: random.Random, now: dt.datetime, *, days: int) -> dt.datetime:
    """A working-hours moment within the last `days` days (none in the future)."""
    day = timezone.localtime(now).date() - dt.timedelta(days=rng.randint(1, days))
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))) + dt.timedelta(
        minutes=rng.randint(0, 530)
    )
    return min(at, now - dt.timedelta(hours=1))


def _event(pbx: Pbx, kind: str, call_id: str, at: dt.datetime, **fields: Any) -> Call:
    return services.pbx_event_receive(
        pbx=pbx, event=services.PbxEvent(type=kind, call_id=call_id, time=at, **fields)
    ).call


def _ring(
    pbx: Pbx, index: int, *, at: dt.datetime, number: str, operator: Employee | None, talk: int
) -> Call:
    """A call reported by the exchange: offered, then answered and ended (or ended unanswered)."""
    call_id = f"{MARKER}{pbx.code}-{index:04d}"
    _event(pbx, "call.offered", call_id, at, caller_number=number, called_number="")
    if operator is None:
        return _event(pbx, "call.ended", call_id, at + dt.timedelta(seconds=35))
    answered = at + dt.timedelta(seconds=8 + index % 30)
    _event(pbx, "call.answered", call_id, answered, operator=operator.username)
    return _event(
        pbx,
        "call.ended",
        call_id,
        answered + dt.timedelta(seconds=talk),
        recording_url=f"https://pbx-{pbx.code}.prokurorluq.demo/recordings/{call_id}.wav",
        caller_notified=index % 17 != 0,
    )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The appeals register sends no notices to the demo's invented applicants."""
    try:
        from eprok.appeals.services.base import quiet_notices
    except ImportError:  # pragma: no cover
        yield
        return
    with quiet_notices():
        yield


def _seed_961(pbx: Pbx, rng: random.Random, now: dt.datetime, report: ContactReport) -> None:
    operators = _operators(pbx)
    if not operators:
        return
    units = {u.code: u for u in Unit.objects.filter(code__in={unit for _s, unit in CRIME_STORIES})}
    regulars = [_number(rng) for _ in range(25)]
    # The journey's caller: two earlier calls, one of which registered an appeal still open.
    journey_number = "+994502223344"
    calls: list[Call] = []
    for index in range(CALLS_961):
        at = _moment(rng, now, days=42)
        number = (
            journey_number
            if index in (3, 40)
            else rng.choice(regulars)
            if rng.random() < 0.35
            else _number(rng)
        )
        missed = index % 10 == 7
        operator = None if missed else operators[index % len(operators)]
        call = _ring(pbx, index, at=at, number=number, operator=operator, talk=rng.randint(45, 540))
        report.calls += 1
        if missed:
            calls.append(call)
            continue
        if index % 50 == 49:  # a few calls the operator has not registered yet
            continue
        assert operator is not None and call.ended_at is not None
        registered_at = call.ended_at + dt.timedelta(minutes=rng.randint(1, 6))
        if index == 3 or index % 12 == 5:
            kind, topic, text = APPEAL_STORIES[index % len(APPEAL_STORIES)]
            call = services.call_register_appeal(
                actor=operator,
                call=call,
                kind=kind,
                text=text,
                topic=topic,
                applicant=services.ApplicantFields(
                    last_name=rng.choice(("Məmmədov", "Əliyeva", "Hüseynov", "Quliyeva", "Həsənov")),
                    first_name=rng.choice(("Elçin", "Nərmin", "Rauf", "Səbinə", "Tural")),
                ),
                caller_notified=True,
                registered_at=registered_at,
            )
        elif index % 25 == 11:
            summary, unit_code = CRIME_STORIES[index % len(CRIME_STORIES)]
            call = services.call_refer_crime_report(
                actor=operator,
                call=call,
                unit=units.get(unit_code, pbx.unit),
                summary=summary,
                caller_notified=True,
                registered_at=registered_at,
            )
        else:
            topic, outcome, summary = CALL_STORIES[index % len(CALL_STORIES)]
            forwarded = "Aidiyyəti dövlət orqanı" if outcome == CallOutcome.FORWARDED else ""
            call = services.call_register(
                actor=operator,
                call=call,
                outcome=outcome,
                summary=summary,
                topic=topic,
                forwarded_to=forwarded,
                caller=services.Caller(name=rng.choice(("", "", "Kərimov Anar", "Səfərova Ləman"))),
                registered_at=registered_at,
            )
        calls.append(call)
    _followups(pbx, calls, operators, rng, now, report)


def _followups(
    pbx: Pbx,
    calls: list[Call],
    operators: list[Employee],
    rng: random.Random,
    now: dt.datetime,
    report: ContactReport,
) -> None:
    """Callbacks (done, due, overdue) and requests for copies of recordings."""
    with_number = [c for c in calls if c.caller_number]
    for position, call in enumerate(with_number[:15]):
        assignee = call.operator or operators[position % len(operators)]
        scheduled_at = call.ended_at or call.offered_at
        if position < 8:
            due = scheduled_at + dt.timedelta(hours=20)
        elif position < 12:
            due = now + dt.timedelta(hours=2 + position * 5)
            scheduled_at = now - dt.timedelta(hours=1)
        else:
            due = now - dt.timedelta(hours=3 + position)  # overdue
            scheduled_at = due - dt.timedelta(days=1)
        callback = services.callback_schedule(
            actor=assignee,
            call=call,
            due_at=due,
            note="Müraciətin nəticəsi barədə məlumat vermək",
            scheduled_at=scheduled_at,
        )
        report.callbacks += 1
        if position < 8:
            services.callback_complete(
                actor=assignee, callback=callback, result="Zəng edildi, vətəndaşa məlumat verildi."
            )
    recorded = [c for c in calls if c.recording_url and c.operator]
    for position, call in enumerate(recorded[:5]):
        requested_at = min(call.offered_at + dt.timedelta(days=2), now - dt.timedelta(hours=2))
        copy = services.recording_copy_request(
            actor=call.operator,
            call=call,
            requester=rng.choice(("Məmmədov Elçin", "Əliyeva Nərmin", "Hüseynov Rauf", "Quliyeva Səbinə")),
            contact=call.caller_number,
            requested_at=requested_at,
        )
        report.copy_requests += 1
        if position == 2:
            copy = services.recording_copy_prepare(actor=call.operator, request=copy, note="Disk hazırlanıb.")
        if position == 3:
            copy = services.recording_copy_prepare(actor=call.operator, request=copy)
            services.recording_copy_hand_over(actor=call.operator, request=copy)
    # A call four months ago whose caller asks for a copy now: registered, and refused under the
    # three-month rule with its explanation.
    operator = operators[0]
    old = _ring(
        pbx, CALLS_961, at=now - dt.timedelta(days=125), number=_number(rng), operator=operator, talk=200
    )
    assert old.ended_at is not None
    old = services.call_register(
        actor=operator,
        call=old,
        outcome=CallOutcome.INFORMATION,
        summary=CALL_STORIES[0][2],
        topic=CALL_STORIES[0][0],
        registered_at=old.ended_at + dt.timedelta(minutes=3),
    )
    services.recording_copy_request(
        actor=operator, call=old, requester="Nəsirov Kamran", requested_at=now - dt.timedelta(days=1)
    )
    report.calls += 1
    report.copy_requests += 1


def _seed_161(pbx: Pbx, rng: random.Random, now: dt.datetime, report: ContactReport) -> None:
    operators = _operators(pbx)
    if not operators:
        return
    investigator = Employee.objects.filter(username="korrupsiya").first()
    made = 0
    for index in range(CALLS_161):
        at = _moment(rng, now, days=42)
        missed = index % 8 == 5
        operator = None if missed else operators[index % len(operators)]
        call = _ring(pbx, index, at=at, number="", operator=operator, talk=rng.randint(60, 700))
        report.calls += 1
        if missed or call.ended_at is None or operator is None:
            continue
        registered_at = call.ended_at + dt.timedelta(minutes=rng.randint(2, 10))
        if made < 25 and index % 3 != 2:
            sector, kind, text = HOTLINE_STORIES[made % len(HOTLINE_STORIES)]
            identity = (
                {
                    "name": "Rzayev Vüqar Əli oğlu",
                    "phone": "+994553214567",
                    "note": "Yalnız zərurət olduqda əlaqə saxlanılsın.",
                }
                if made == 4
                else None
            )
            hotline = services.hotline_report_from_call(
                actor=operator,
                call=call,
                text=text,
                sector=sector,
                corruption_type=kind,
                place=rng.choice(
                    ("Sumqayıt şəhəri", "Gəncə şəhəri", "Bakı, Xətai rayonu", "Lənkəran rayonu")
                ),
                identity=identity,
                assignee=investigator if investigator and made % 5 != 4 else None,
                caller_notified=True,
                registered_at=registered_at,
            )
            made += 1
            report.hotline_reports += 1
            _triage(hotline, made, investigator)
        else:
            outcome, summary = HOTLINE_CONSULTATIONS[index % len(HOTLINE_CONSULTATIONS)]
            services.call_register(
                actor=operator,
                call=call,
                outcome=outcome,
                summary=summary,
                forwarded_to="Daxili İşlər Nazirliyinin yerli polis şöbəsi"
                if outcome == CallOutcome.FORWARDED
                else "",
                registered_at=registered_at,
            )


def _triage(report: HotlineReport, made: int, investigator: Employee | None) -> None:
    if investigator is None or report.assignee_id != investigator.pk:
        return
    if made % 4 == 1:
        services.hotline_triage_material(actor=investigator, report=report)
    elif made % 4 == 2:
        services.hotline_triage_forward(
            actor=investigator,
            report=report,
            agency="Aidiyyəti nazirliyin daxili nəzarət şöbəsi",
            covering_note=(
                "Məlumat aidiyyəti üzrə araşdırılması və nəticəsi barədə məlumat verilməsi üçün göndərilir."
            ),
        )
    elif made % 4 == 3:
        services.hotline_triage_explain(
            actor=investigator,
            report=report,
            explanation=(
                "Zəng edənə məlumatın yoxlanılması üçün konkret faktlar (tarix, yer, şəxs) lazım olduğu "
                "izah edilib."
            ),
        )


def _seed_other_channels(unit: Unit, rng: random.Random, now: dt.datetime, report: ContactReport) -> None:
    """A letter, an e-mail and three portal reports, one of them in an ongoing conversation."""
    registrar = Employee.objects.filter(username="qaynarxett").first()
    investigator = Employee.objects.filter(username="korrupsiya").first()
    if registrar is None:
        return
    for channel, (sector, kind, text) in (
        (HotlineChannel.LETTER, HOTLINE_STORIES[1]),
        (HotlineChannel.EMAIL, HOTLINE_STORIES[7]),
    ):
        services.hotline_report_register(
            actor=registrar,
            unit=unit,
            channel=channel,
            received_at=_moment(rng, now, days=20),
            text=text,
            sector=sector,
            corruption_type=kind,
        )
        report.hotline_reports += 1
    for sector, _kind, text in (HOTLINE_STORIES[0], HOTLINE_STORIES[4]):
        services.hotline_report_submit_public(text=text, sector=sector, place="Bakı şəhəri")
        report.hotline_reports += 1
    conversation, _code = services.hotline_report_submit_public(
        text="Bakıdakı poliklinikada həkimlər əlillik arayışı vermək üçün 800 manat tələb edir. Pulu "
        "qeydiyyat şöbəsindəki işçi vasitəsilə alırlar.",
        sector="health",
        place="Bakı, Nəsimi rayonu",
    )
    report.hotline_reports += 1
    if investigator is not None:
        conversation = services.hotline_report_assign(
            actor=registrar, report=conversation, assignee=investigator
        )
        services.hotline_reply(
            actor=investigator,
            report=conversation,
            text=(
                "Məlumatınız üçün təşəkkür edirik. Poliklinikanın nömrəsini və hadisənin təxmini tarixini "
                "bildirə bilərsinizmi?"
            ),
        )
        services.hotline_message_post_by_reporter(
            report=conversation, text="12 nömrəli poliklinikadır. Keçən həftə, çərşənbə günü baş verib."
        )
        services.hotline_reply(
            actor=investigator,
            report=conversation,
            text="Aydındır. Pul tələb edən işçinin vəzifəsini və ya otaq nömrəsini xatırlayırsınızmı?",
        )
        services.hotline_message_post_by_reporter(
            report=conversation, text="Qeydiyyat şöbəsi, 3-cü otaq. Adını bilmirəm, orta yaşlı qadındır."
        )


def seed_contact() -> ContactReport:
    """Seed the call centre and the hotline (nothing is added when the demo calls exist already)."""
    report = ContactReport()
    pbxs = seed_pbxs(report)
    if Call.objects.filter(external_id__startswith=MARKER).exists():
        return report
    rng = random.Random(SEED)
    now = timezone.now()
    with _quiet(), transaction.atomic():
        if "961-main" in pbxs:
            _seed_961(pbxs["961-main"], rng, now, report)
        if "161-main" in pbxs:
            _seed_161(pbxs["161-main"], rng, now, report)
            _seed_other_channels(pbxs["161-main"].unit, rng, now, report)
    return report


def overdue_callbacks() -> int:
    """How many demo callbacks are overdue (shown by the demo's summary)."""
    return Callback.objects.filter(status="open", due_at__lt=timezone.now()).count()
