"""Demo appeals for `eprok seed` / `eprok demo`: registered and taken through their course by the services.

Most appeals go to the Department for Work with Documents and Appeals of the General Prosecutor's Office
(`katib` registers, `muraciet` resolves and answers, `zengmerkezi` — the department's other head of
division — approves the answers) and
to the Xətai district office (`qeydiyyat` registers, `prokuror` answers — Rəşad's "My work" shows the
appeals due this week). Appeals are registered in the past so that every state appears: fresh, in work,
near the term, overdue, extended, needing verification, forwarded, answered and delivered with each
outcome, awaiting approval, repeats with a three-answers chain closed under art. 8.1.4, escalated ones,
and anonymous letters left unconsidered (art. 6.4); plus about twenty visitors in the reception log.

Deterministic (a seeded random generator) and idempotent: once the demo registrar's appeals exist, a
second run adds nothing. The demo staff's appeals roles are granted here (idempotently).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from eprok.appeals import services, terms
from eprok.appeals.classifiers import load_classifiers
from eprok.appeals.models import (
    Answer,
    AnswerRule,
    Appeal,
    AppealKind,
    AppealStatus,
    AppealTopic,
    Channel,
    Outcome,
    Sector,
)
from eprok.appeals.services import ApplicantData
from eprok.core.calendar.deadlines import compute_deadline
from eprok.org.grants import forget_grants, has_role
from eprok.org.models import Employee, Unit
from eprok.org.roles import Role

SEED = 2015  # the year of the Law on citizens' appeals
MARKER_LOGIN = "katib"


@dataclass(frozen=True)
class Story:
    """A kind of appeal the demo tells: topic, sector, kind and a text with blanks."""

    topic: str
    sector: str
    kind: str
    text: str
    complained: str = ""  # "police": names a police station; "unit": the district office itself


STORIES: tuple[Story, ...] = (
    Story(
        "investigation-actions",
        "police",
        AppealKind.COMPLAINT,
        "Hörmətli prokuror! {day} tarixində {place} ünvanında baş vermiş oğurluq barədə polis şöbəsinə "
        "ərizə vermişəm, lakin bu günədək heç bir istintaq hərəkəti aparılmayıb. Xahiş edirəm, "
        "araşdırma aparılmasını təmin edəsiniz.",
        complained="police",
    ),
    Story(
        "criminal-case-progress",
        "prosecution",
        AppealKind.APPLICATION,
        "Oğlum {relative} barəsində başlanmış cinayət işinin hansı mərhələdə olduğunu bilmək istəyirəm. "
        "Xahiş edirəm, işin gedişi barədə mənə məlumat verəsiniz.",
    ),
    Story(
        "refusal-to-open-case",
        "police",
        AppealKind.COMPLAINT,
        "{day} tarixində polis orqanı ərizəm üzrə cinayət işinin başlanmasından imtina barədə qərar "
        "çıxarıb. Qərarla razı deyiləm, çünki şahidlər dindirilməyib. Qərarın ləğv edilməsini xahiş edirəm.",
        complained="police",
    ),
    Story(
        "unlawful-detention",
        "police",
        AppealKind.COMPLAINT,
        "Qardaşım {relative} {day} tarixində heç bir əsas olmadan polis şöbəsinə aparılıb və saxlanılıb. "
        "Saxlanmanın qanuniliyinin yoxlanılmasını xahiş edirəm.",
        complained="police",
    ),
    Story(
        "torture",
        "police",
        AppealKind.COMPLAINT,
        "{day} tarixində polis şöbəsində saxlanılarkən oğlum {relative} döyülüb, bədənində xəsarətlər var. "
        "İşgəncə faktının araşdırılmasını və təqsirkarların məsuliyyətə cəlb edilməsini tələb edirəm.",
        complained="police",
    ),
    Story(
        "corruption",
        "health",
        AppealKind.COMPLAINT,
        "{place} ünvanında yerləşən xəstəxananın həkimi əməliyyat üçün {amount} manat pul tələb edir. "
        "Bu korrupsiya halının araşdırılmasını xahiş edirəm.",
    ),
    Story(
        "corruption",
        "local-executive",
        AppealKind.COMPLAINT,
        "Rayon icra hakimiyyətinin əməkdaşı torpaq sahəsinə dair sənədin verilməsi üçün məndən {amount} "
        "manat istəyib. Müvafiq tədbir görülməsini xahiş edirəm.",
    ),
    Story(
        "prosecutor-misconduct",
        "prosecution",
        AppealKind.COMPLAINT,
        "Rayon prokurorluğunun əməkdaşı şikayətimi qəbul etməkdən imtina edib və mənimlə kobud rəftar "
        "edib. Onun hərəkətlərinin qiymətləndirilməsini xahiş edirəm.",
        complained="unit",
    ),
    Story(
        "police-misconduct",
        "police",
        AppealKind.COMPLAINT,
        "Yol polisi əməkdaşı {day} tarixində əsassız olaraq avtomobilimi saxlayıb və cərimə protokolu "
        "tərtib edib. Onun hərəkətlərinin araşdırılmasını xahiş edirəm.",
        complained="police",
    ),
    Story(
        "housing",
        "local-executive",
        AppealKind.APPLICATION,
        "{place} ünvanındakı yaşayış binasının təmiri ilə bağlı mənzil-istismar sahəsinə dəfələrlə "
        "müraciət etmişəm, nəticə yoxdur. Qanun pozuntusunun aradan qaldırılmasını xahiş edirəm.",
    ),
    Story(
        "labour",
        "social-protection",
        AppealKind.COMPLAINT,
        "İşlədiyim müəssisə üç aydır əmək haqqımı ödəmir və əmək müqaviləmi əsassız ləğv edib. "
        "Hüquqlarımın bərpasına kömək etməyinizi xahiş edirəm.",
    ),
    Story(
        "social-benefits",
        "social-protection",
        AppealKind.APPLICATION,
        "Əlilliyə görə müavinətin təyin edilməsi üçün sənədlərim altı aydır baxılmır. Xahiş edirəm, "
        "məsələyə nəzarət edəsiniz.",
    ),
    Story(
        "domestic-violence",
        "police",
        AppealKind.COMPLAINT,
        "Qızım {relative} ərindən məişət zorakılığına məruz qalır, polis şöbəsinə etdiyimiz müraciətlərə "
        "baxılmır. Qızımın müdafiəsi üçün tədbir görməyinizi xahiş edirəm.",
    ),
    Story(
        "fraud",
        "banking",
        AppealKind.APPLICATION,
        "{day} tarixində internetdə elan vasitəsilə tanış olduğum şəxs məndən {amount} manat alaraq "
        "öhdəliyini yerinə yetirməyib. Dələduzluq faktı üzrə tədbir görülməsini xahiş edirəm.",
    ),
    Story(
        "land",
        "property-registry",
        AppealKind.COMPLAINT,
        "{place} ərazisindəki torpaq sahəmə qonşu tərəfindən qanunsuz tikinti aparılır, bələdiyyə "
        "tədbir görmür. Araşdırma aparılmasını xahiş edirəm.",
    ),
    Story(
        "enforcement",
        "enforcement-officers",
        AppealKind.COMPLAINT,
        "Alimentin tutulmasına dair məhkəmə qərarı bir ildir icra olunmur. İcra məmurunun "
        "fəaliyyətsizliyinin yoxlanılmasını xahiş edirəm.",
    ),
    Story(
        "legislation-proposal",
        "prosecution",
        AppealKind.PROPOSAL,
        "Vətəndaşların müraciətlərinin elektron qaydada izlənilməsi üçün hər müraciət barədə SMS "
        "bildirişlərinin tətbiq edilməsini təklif edirəm.",
    ),
    Story(
        "information-request",
        "prosecution",
        AppealKind.APPLICATION,
        "Məhkum olunmuş atam {relative} barəsində cəzaçəkmə müəssisəsindən arayış almaq üçün hara müraciət "
        "etməli olduğumu izah etməyinizi xahiş edirəm.",
    ),
    Story(
        "penitentiary",
        "justice-penitentiary",
        AppealKind.COMPLAINT,
        "Cəzaçəkmə müəssisəsində saxlanılan qardaşım {relative} lazımi tibbi yardım almır. Xahiş edirəm, "
        "onun saxlanma şəraitinin yoxlanılmasını təmin edəsiniz.",
    ),
    Story(
        "consumer-rights",
        "utilities",
        AppealKind.COMPLAINT,
        "Qaz təchizatı idarəsi sayğac göstəricisinə uyğun olmayan hesab təqdim edir və qazı kəsməklə "
        "hədələyir. Haqsızlığın aradan qaldırılmasını xahiş edirəm.",
    ),
)

PLACES = (
    "Xətai rayonu, Babək prospekti",
    "Xətai rayonu, Nobel prospekti",
    "Nəsimi rayonu, Füzuli küçəsi",
    "Sabunçu rayonu, Bakıxanov qəsəbəsi",
    "Sumqayıt şəhəri, 9-cu mikrorayon",
    "Gəncə şəhəri, Atatürk prospekti",
    "Binəqədi rayonu, 9-cu mikrorayon",
)
POLICE_STATIONS = (
    "Xətai rayon Polis İdarəsinin 21-ci polis şöbəsi",
    "Nəsimi rayon Polis İdarəsinin 22-ci polis şöbəsi",
    "Bakı şəhər Baş Polis İdarəsinin Yol Polisi İdarəsi",
    "Sabunçu rayon Polis İdarəsinin 11-ci polis şöbəsi",
)
FORWARD_BODIES = (
    "Azərbaycan Respublikası Səhiyyə Nazirliyi",
    "Azərbaycan Respublikası Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
    "Bakı şəhər İcra Hakimiyyəti",
    "Azərbaycan Respublikası Ədliyyə Nazirliyi",
    "Azərbaycan Respublikasının Dövlət Vergi Xidməti",
)
ANSWERS = {
    Outcome.SATISFIED: "Müraciətiniz araşdırılmış, göstərilən qanun pozuntusu təsdiq olunmuş və aradan "
    "qaldırılması üçün müvafiq tədbirlər görülmüşdür. Müraciətiniz təmin edilmişdir.",
    Outcome.PARTLY_SATISFIED: "Müraciətinizdə göstərilən hallar qismən təsdiq olunmuş, aşkar edilmiş "
    "nöqsanların aradan qaldırılması tələb edilmişdir. Digər dəlillər təsdiqini tapmamışdır.",
    Outcome.REFUSED: "Müraciətiniz araşdırılmış, göstərilən hallar təsdiqini tapmamışdır. Qərardan "
    "qanunla müəyyən edilmiş qaydada yuxarı orqana və ya məhkəməyə şikayət verə bilərsiniz.",
    Outcome.EXPLAINED: "Müraciətinizlə bağlı qanunvericiliyin tələbləri və hüquqlarınızın müdafiəsi "
    "qaydası sizə izah edilir.",
}

# (fate, weight) per unit: the course each demo appeal takes.
FATES: tuple[tuple[str, int], ...] = (
    ("fresh", 10),
    ("in_work", 16),
    ("near_due", 7),
    ("overdue", 6),
    ("extended", 4),
    ("verification", 3),
    ("forwarded", 8),
    ("drafted", 4),
    ("approved", 2),
    ("answered", 24),
    ("delivered", 12),
    ("anonymous", 4),
)
CHANNELS: tuple[tuple[str, int], ...] = (
    (Channel.LETTER, 30),
    (Channel.EMAIL, 14),
    (Channel.RECEPTION, 10),
    (Channel.PORTAL, 15),
    (Channel.EGOV, 10),
    (Channel.FAX, 3),
    (Channel.CALL_961, 10),
    (Channel.HOTLINE_161, 2),
    (Channel.MEDIA, 6),
)
OUTCOMES = (
    Outcome.SATISFIED,
    Outcome.PARTLY_SATISFIED,
    Outcome.REFUSED,
    Outcome.EXPLAINED,
    Outcome.EXPLAINED,
)
FIN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass
class Desk:
    """Who works the appeals of one unit in the demo."""

    unit: Unit
    registrar: Employee
    head: Employee  # writes the resolutions
    executors: list[Employee]
    approver: Employee  # approves the executors' answers (four eyes)
    count: int


@dataclass
class AppealsReport:
    created: int = 0
    by_fate: dict[str, int] = field(default_factory=dict)
    receptions: int = 0


def _grant(employee: Employee, role: str, unit: Unit, *, subunits: bool = False) -> None:
    from eprok.org.services import role_assignment_grant

    forget_grants(employee)
    if not has_role(employee, role, unit):
        role_assignment_grant(
            actor=None,
            employee=employee,
            role=role,
            unit=unit,
            include_subunits=subunits,
            valid_from=timezone.localdate().replace(month=1, day=1),
        )
        forget_grants(employee)


def _desks() -> list[Desk]:
    logins = {
        e.username: e
        for e in Employee.objects.filter(
            username__in=["katib", "muraciet", "zengmerkezi", "qeydiyyat", "prokuror", "nezaretci"]
        )
    }
    units = {u.code: u for u in Unit.objects.filter(code__in=["gpo-documents", "baku-xetai", "baku"])}
    desks = []
    gpo = units.get("gpo-documents")
    if gpo and {"katib", "muraciet", "zengmerkezi"} <= set(logins):
        # The department's other head of division approves the answers `muraciet` writes.
        _grant(logins["zengmerkezi"], Role.ANSWER_APPEALS, gpo)
        muraciet = logins["muraciet"]
        desks.append(Desk(gpo, logins["katib"], muraciet, [muraciet], logins["zengmerkezi"], 220))
    xetai, baku = units.get("baku-xetai"), units.get("baku")
    if xetai and baku and {"qeydiyyat", "prokuror", "nezaretci"} <= set(logins):
        _grant(logins["qeydiyyat"], Role.REGISTER_APPEALS, xetai)
        _grant(logins["prokuror"], Role.ANSWER_APPEALS, xetai)
        # The Baku city office's deputy prosecutor resolves and approves the district offices' answers.
        _grant(logins["nezaretci"], Role.ANSWER_APPEALS, baku, subunits=True)
        head = logins["nezaretci"]
        desks.append(Desk(xetai, logins["qeydiyyat"], head, [logins["prokuror"]], head, 80))
    return desks


def _weighted(rng: random.Random, table: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([value for value, _w in table], weights=[w for _v, w in table], k=1)[0]


def _fin(rng: random.Random) -> str:
    return "".join(rng.choice(FIN_ALPHABET) for _ in range(7))


def _applicant(rng: random.Random, faker: Any) -> tuple[ApplicantData, str, str]:
    """An applicant with a FIN, an address and a phone; the notice e-mail and SMS they may leave."""
    female = rng.random() < 0.45
    last = faker.last_name_female() if female else faker.last_name_male()
    first = faker.first_name_female() if female else faker.first_name_male()
    father = faker.first_name_male()
    phone = f"+99450{rng.randint(1_000_000, 9_999_999)}"
    applicant = ApplicantData(
        last_name=last,
        first_name=first,
        patronymic=f"{father} {'qızı' if female else 'oğlu'}",
        fin=_fin(rng),
        address=f"{rng.choice(PLACES)}, ev {rng.randint(1, 120)}, mənzil {rng.randint(1, 80)}",
        phone=phone,
    )
    email = f"vetendas{rng.randint(100, 99_999)}@example.az" if rng.random() < 0.4 else ""
    sms = phone if rng.random() < 0.3 else ""
    return applicant, email, sms


def _text(story: Story, rng: random.Random, faker: Any, day: dt.date) -> str:
    return story.text.format(
        day=day.strftime("%d.%m.%Y"),
        place=rng.choice(PLACES),
        amount=rng.randint(2, 60) * 50,
        relative=f"{faker.last_name_male()} {faker.first_name_male()}",
    )


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    return at + dt.timedelta(minutes=rng.randint(0, 7 * 60))


def _registered_on(fate: str, rng: random.Random, today: dt.date, near: list[dt.date]) -> dt.date:
    if fate == "fresh":
        return today
    if fate == "near_due":
        return rng.choice(near) if near else today - dt.timedelta(days=19)
    days = {
        "in_work": (2, 12),
        "overdue": (26, 50),
        "extended": (18, 30),
        "verification": (10, 30),
        "forwarded": (4, 60),
        "drafted": (5, 15),
        "approved": (6, 16),
        "answered": (20, 200),
        "delivered": (25, 330),
        "anonymous": (1, 90),
    }[fate]
    return today - dt.timedelta(days=rng.randint(*days))


def _near_due_days(today: dt.date) -> list[dt.date]:
    """Registration days whose 15-working-day answer term ends today or within the next four days."""
    rule = terms.rule(AnswerRule.STANDARD)
    found = []
    for back in range(10, 40):
        day = today - dt.timedelta(days=back)
        due = compute_deadline(rule, day).due
        if today <= due <= today + dt.timedelta(days=4):
            found.append(day)
    return found


def _fresh(appeal: Appeal) -> Appeal:
    return Appeal.objects.get(pk=appeal.pk)


def _backdate_answer(appeal: Appeal, rng: random.Random, *, delivered: bool) -> None:
    """Answers sent at the demo's "now" are moved to a plausible day within the term (demo history only)."""
    registered = appeal.registered_at
    due = appeal.answer_due or (timezone.localtime(registered).date() + dt.timedelta(days=21))
    span = max(1, (due - timezone.localtime(registered).date()).days)
    sent = registered + dt.timedelta(days=rng.randint(3, span), hours=rng.randint(1, 6))
    sent = min(sent, timezone.now())
    drafted = sent - dt.timedelta(days=rng.randint(1, 2))
    fields: dict[str, Any] = {
        "drafted_at": max(drafted, registered),
        "approved_at": max(sent - dt.timedelta(hours=3), registered),
        "sent_at": sent,
    }
    if delivered:
        fields["delivered_at"] = min(sent + dt.timedelta(days=rng.randint(1, 5)), timezone.now())
    Answer.objects.filter(appeal=appeal).update(**fields)
    Appeal.objects.filter(pk=appeal.pk).update(closed_at=sent)


def _answer(desk: Desk, appeal: Appeal, executor: Employee, rng: random.Random, *, upto: str) -> None:
    outcome = rng.choice(OUTCOMES)
    approver = desk.approver
    services.appeal_answer_draft(
        actor=executor, appeal=_fresh(appeal), text=ANSWERS[outcome], outcome=outcome
    )
    if upto == "drafted":
        return
    services.appeal_answer_approve(actor=approver, appeal=_fresh(appeal))
    if upto == "approved":
        return
    services.appeal_answer_send(actor=executor, appeal=_fresh(appeal))
    if upto == "delivered":
        services.appeal_answer_deliver(actor=desk.registrar, appeal=_fresh(appeal))


def _executor(desk: Desk, index: int, fate: str) -> Employee:
    if desk.unit.code == "baku-xetai":
        return desk.executors[0]
    return desk.executors[index % len(desk.executors)]


def _course(desk: Desk, appeal: Appeal, fate: str, index: int, rng: random.Random) -> None:
    if fate in ("fresh", "anonymous"):
        return
    if fate == "forwarded":
        services.appeal_forward(
            actor=desk.head,
            appeal=_fresh(appeal),
            to_body=rng.choice(FORWARD_BODIES),
            covering_letter="Müraciət aidiyyəti üzrə baxılması üçün göndərilir; nəticəsi barədə müraciət "
            "edənə məlumat verilməsi xahiş olunur.",
        )
        return
    executor = _executor(desk, index, fate)
    services.appeal_route(
        actor=desk.head,
        appeal=_fresh(appeal),
        executor_unit=desk.unit,
        executor=executor,
        instruction="Araşdırılsın, qanunvericiliyə uyğun cavab layihəsi hazırlansın.",
        needs_verification=fate == "verification" or None,
    )
    if fate == "extended":
        services.appeal_extend(
            actor=executor,
            appeal=_fresh(appeal),
            reason="Aidiyyəti qurumdan əlavə sənədlər sorğu edilib.",
        )
    elif fate in ("drafted", "approved"):
        _answer(desk, appeal, executor, rng, upto=fate)
    elif fate in ("answered", "delivered"):
        _answer(desk, appeal, executor, rng, upto=fate)
        _backdate_answer(_fresh(appeal), rng, delivered=fate == "delivered")


def _register(
    desk: Desk,
    story: Story,
    rng: random.Random,
    faker: Any,
    *,
    day: dt.date,
    topics: dict[str, AppealTopic],
    sectors: dict[str, Sector],
    anonymous: bool = False,
    applicant: ApplicantData | None = None,
    channel: str | None = None,
) -> Appeal:
    registered_at = min(_moment(day, rng), timezone.now())
    channel = channel or _weighted(rng, CHANNELS)
    if anonymous:
        channel, person, email, sms = Channel.LETTER, ApplicantData(), "", ""
    elif applicant is not None:
        person, email, sms = applicant, "", ""
    else:
        person, email, sms = _applicant(rng, faker)
    complained_text = ""
    complained_unit = None
    if story.complained == "police":
        complained_text = rng.choice(POLICE_STATIONS)
    elif story.complained == "unit" and desk.unit.code == "gpo-documents":
        complained_unit = Unit.objects.filter(code="baku-nesimi").first()
    collective = rng.random() < 0.06
    automatic = channel in (Channel.PORTAL, Channel.EGOV)
    return services.appeal_register(
        actor=None if automatic else desk.registrar,
        unit=desk.unit,
        channel=channel,
        kind=story.kind,
        text=_text(story, rng, faker, day - dt.timedelta(days=rng.randint(1, 20))),
        applicant=person,
        is_collective=collective,
        signatories=rng.randint(3, 40) if collective else 1,
        topic=topics.get(story.topic),
        concerned_body=sectors.get(story.sector),
        complained_unit=complained_unit,
        complained_text=complained_text,
        received_at=registered_at - dt.timedelta(hours=rng.randint(0, 20)),
        registered_at=registered_at,
        external_id=f"demo-{channel}-{rng.randint(10**8, 10**9 - 1)}" if automatic else "",
        notify_email=email,
        notify_sms=sms,
    )


def _repeat_chain(
    desk: Desk, rng: random.Random, faker: Any, topics: Any, sectors: Any, report: AppealsReport
) -> None:
    """One applicant writes about the same matter five times in a year: three answers on the merits, the
    fourth is closed under art. 8.1.4 (nothing new), the fifth waits for the same decision."""
    story = next(s for s in STORIES if s.topic == "enforcement")
    applicant, _email, _sms = _applicant(rng, faker)
    today = timezone.localdate()
    executor = desk.executors[0]
    for step, back in enumerate((300, 200, 100, 2, 0)):
        appeal = _register(
            desk,
            story,
            rng,
            faker,
            day=today - dt.timedelta(days=back),
            topics=topics,
            sectors=sectors,
            applicant=applicant,
            channel=Channel.LETTER,
        )
        report.created += 1
        if step < 3:
            services.appeal_route(
                actor=desk.head,
                appeal=_fresh(appeal),
                executor_unit=desk.unit,
                executor=executor,
                instruction="Təkrar müraciətdir; əvvəlki cavablar nəzərə alınmaqla baxılsın.",
            )
            services.appeal_answer_draft(
                actor=executor,
                appeal=_fresh(appeal),
                text=ANSWERS[Outcome.EXPLAINED],
                outcome=Outcome.EXPLAINED,
            )
            services.appeal_answer_approve(actor=desk.approver, appeal=_fresh(appeal))
            services.appeal_answer_send(actor=executor, appeal=_fresh(appeal))
            _backdate_answer(_fresh(appeal), rng, delivered=True)
            report.by_fate["repeat_answered"] = report.by_fate.get("repeat_answered", 0) + 1
        elif step == 3:
            services.appeal_close_as_repeat(
                actor=desk.head,
                appeal=_fresh(appeal),
                reason="Müraciətdə yeni hal və ya dəlil göstərilməyib.",
            )
            report.by_fate["closed_as_repeat"] = 1
        else:
            report.by_fate["repeat_waiting"] = 1


def _receptions(desks: list[Desk], rng: random.Random, faker: Any, report: AppealsReport) -> None:
    subjects = (
        ("Oğlunun cinayət işi üzrə istintaqın gedişi", "İzahat verildi, yazılı müraciət qəbul edildi."),
        ("Polis əməkdaşlarının hərəkətlərindən şikayət", "Şikayət qeydə alındı, araşdırılması tapşırıldı."),
        ("Məhkəmə qərarının icra edilməməsi", "Aidiyyəti üzrə icra məmuruna müraciət etmək izah edildi."),
        ("Əmək haqqının ödənilməməsi", "Əmək müfəttişliyinə müraciət qaydası izah edildi."),
        ("Torpaq sahəsi ilə bağlı mübahisə", "Məhkəməyə müraciət hüququ izah edildi."),
    )
    now = timezone.now()
    for index in range(20):
        desk = desks[index % len(desks)]
        subject, result = rng.choice(subjects)
        appeal = None
        if index % 3 == 0:
            received = list(
                Appeal.objects.filter(unit=desk.unit, channel=Channel.RECEPTION).order_by("pk")[:10]
            )
            appeal = received[index % len(received)] if received else None
        services.reception_entry_create(
            actor=desk.registrar,
            unit=desk.unit,
            received_at=now - dt.timedelta(days=rng.randint(1, 90), hours=rng.randint(0, 6)),
            official=desk.head,
            visitor_name=f"{faker.last_name_male()} {faker.first_name_male()}",
            visitor_fin=_fin(rng),
            subject=subject,
            result=result,
            appeal_number=appeal.number if appeal else "",
        )
        report.receptions += 1


def seed_appeals() -> AppealsReport:
    """Register about 300 demo appeals and 20 reception visits (nothing when they exist already).

    The invented applicants are not sent notices (their contacts are kept, the messages are not written).
    """
    from eprok.appeals.services.base import quiet_notices

    with quiet_notices():
        return _seed()


def _seed() -> AppealsReport:
    from faker import Faker

    report = AppealsReport()
    load_classifiers()  # fills the topics' escalation departments now that the units exist
    if Appeal.objects.filter(registered_by__username=MARKER_LOGIN).exists():
        return report
    desks = _desks()
    if not desks:
        return report
    rng = random.Random(SEED)
    faker = Faker("az_AZ")
    faker.seed_instance(SEED)
    topics = {t.code: t for t in AppealTopic.objects.select_related("escalate_to")}
    sectors = {s.code: s for s in Sector.objects.all()}
    today = timezone.localdate()
    near = _near_due_days(today)
    fates = [name for name, weight in FATES for _ in range(weight)]
    for desk in desks:
        for index in range(desk.count):
            fate = fates[index % len(fates)]
            story = rng.choice(STORIES)
            day = _registered_on(fate, rng, today, near)
            appeal = _register(
                desk,
                story,
                rng,
                faker,
                day=day,
                topics=topics,
                sectors=sectors,
                anonymous=fate == "anonymous",
            )
            report.created += 1
            report.by_fate[fate] = report.by_fate.get(fate, 0) + 1
            if appeal.status == AppealStatus.REGISTERED or fate == "anonymous":
                _course(desk, appeal, fate, index, rng)
        if desk.unit.code == "gpo-documents":
            _repeat_chain(desk, rng, faker, topics, sectors, report)
    _receptions(desks, rng, faker, report)
    return report
