"""Citizens' appeals at scale for the benchmark: the appeals register of the whole service.

At scale 1: 200,000 appeals registered over the last two years by the GPO's documents department (the
public portal's unit; about a third of all appeals) and the city and district offices, over every
channel (letter, e-mail, fax, personal reception, the public portal, the e-Government portal, the 961
call centre, the 161 hotline, the media), of the three kinds, classified by the topic and sector
classifiers the migration loads. The status follows the age: an appeal is open until its planned
answer, forwarding or closing moment has come; most are answered on time (resolution within a few
days, the answer within the term, a tenth extended once under art. 10.2, a tenth late), about 12%
forwarded to the competent body, anonymous written appeals left unconsidered at registration
(art. 6.4), a few repeat chains of the same applicant on the same topic (the fourth answered three
times on the merits is left unconsidered under art. 8.1.4), escalations of torture, corruption and
misconduct complaints to the topic's department. Every table the card shows is filled: resolutions
(dərkənar), extensions, forwardings, answers (drafted, approved, sent, delivered), attachments (rows
only: the files are not written), the personal reception log, and the running terms in core's
TrackedDeadline index ("answer" for every open appeal, "forward" while nobody has routed it, the keys
of eprok.appeals.terms).

Due dates are the deadline engine's (`compute_deadline` over the rule rows `appeals.10.answer`,
`appeals.10.answer.verification`, `appeals.7.10.forward`, memoised by start day and extension), so a
seeded `answer_due`/`forward_due` is the one the services store and the appeals recomputer keeps.
Register numbers follow the register's pattern (`eprok.core.numbering.format_number`), issued in time
order per unit and year; the RegisterSequence rows are moved to the last number issued.

The benchmark employee gets Register appeals and Answer appeals in the documents department; it
registers a share of the department's appeals and executes 30% of those the department answers
itself, so its list and card are those of a busy clerk and executor. For the open appeals it executes,
the chained audit events the services write (registered, routed, extended, answer drafted) are
appended to the audit log, so their cards show a history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.utils import translation

from bench.seeding import SeedPlan, bench_employee, bulk_insert, next_id
from bench.seeding_casework import (
    Numbering,
    TrackedRow,
    World,
    _name_pools,
    _since,
    _weighted,
    alert_level,
    fin_for,
    local_day,
    new_uuid,
    office_hours,
    url_for,
    world,
    write,
)

# What scale 1 means; `--scale` multiplies it.
BASE_APPEALS = 200_000
HISTORY_DAYS = 730
SEED = 2026

# The documents department receives every portal appeal and this share of the others.
DOCUMENTS_SHARE = 0.15
# The benchmark employee executes this share of the appeals the documents department answers itself,
# and registers this share of the ones a clerk of the department registers.
BENCH_EXECUTES = 0.3
BENCH_REGISTERS = 0.3
# Whatever the scale, the employee executes at least this many open appeals in work (the card and the
# list need rows at a tiny scale); the first of them continues a repeat chain of its applicant.
BENCH_MIN_OPEN = 6

CHANNELS = (
    ("letter", 22),
    ("email", 8),
    ("fax", 1),
    ("reception", 10),
    ("portal", 25),
    ("egov", 16),
    ("call_961", 14),
    ("hotline_161", 2),
    ("media", 2),
)
AUTOMATIC = frozenset({"portal", "egov"})
WRITTEN = frozenset({"letter", "email", "fax", "portal", "egov", "media"})
# Written channels an anonymous letter can come by (the portal and e-Gov identify their users).
ANONYMOUS_CHANNELS = frozenset({"letter", "email", "media"})
ANONYMOUS_SHARE = 0.04
KINDS = (("application", 55), ("complaint", 40), ("proposal", 5))
LANGUAGES = (("az", 90), ("ru", 8), ("en", 2))
OUTCOMES = (("explained", 45), ("refused", 25), ("partly_satisfied", 12), ("satisfied", 18))
FORWARDED_SHARE = 0.12
VERIFICATION_SHARE = 0.15
EXTENSION_SHARE = 0.1
LATE_SHARE = 0.12
STUCK_SHARE = 0.015  # left lying for weeks: the overdue open appeals of a real register
REPEAT_CHAINS = 0.04  # share of applicants who write again on the same subject
ANSWER_RULES = {"standard": "appeals.10.answer", "verification": "appeals.10.answer.verification"}
FORWARD_RULE = "appeals.7.10.forward"
EXTENSION_STEP = "10.2"
# Weights of the topics (by code); a topic not named weighs DEFAULT_TOPIC_WEIGHT.
TOPIC_WEIGHTS = {
    "criminal-proceedings": 2,
    "investigation-actions": 10,
    "criminal-case-progress": 9,
    "refusal-to-open-case": 6,
    "unlawful-detention": 2,
    "torture": 1,
    "corruption": 2,
    "prosecutor-misconduct": 1,
    "police-misconduct": 3,
    "court-decisions": 6,
    "enforcement": 5,
    "property-rights": 5,
    "housing": 6,
    "land": 5,
    "labour": 4,
    "social-benefits": 4,
    "domestic-violence": 3,
    "fraud": 6,
    "information-request": 6,
}
DEFAULT_TOPIC_WEIGHT = 2
# Departments of the GPO the documents department sends appeals to for an answer (those that exist).
COMPETENT_DEPARTMENTS = (
    "gpo-police-supervision",
    "gpo-investigation",
    "gpo-non-criminal",
    "gpo-juvenile",
    "gpo-prosecution-investigation-supervision",
    "gpo-other-bodies-supervision",
)

# --- texts -------------------------------------------------------------------------------------------

OPENINGS = (
    "Hörmətli Baş Prokuror!",
    "Hörmətli prokuror!",
    "Azərbaycan Respublikası Baş Prokurorluğuna",
    "",
)
MATTERS: dict[str, tuple[str, ...]] = {
    "criminal": (
        "{place} ərazisində baş vermiş hadisə ilə bağlı {months} ay əvvəl polisə müraciət etmişəm, lakin "
        "indiyədək heç bir cavab almamışam və cinayət işinin gedişi barədə mənə məlumat verilmir.",
        "Oğlum {months} aydır istintaq təcridxanasında saxlanılır, müstəntiq vəkilin işin materialları ilə "
        "tanış olmasına imkan vermir.",
        "Ərizəm üzrə cinayət işinin başlanmasından əsassız olaraq imtina edilmişdir; qərarın surəti mənə "
        "təqdim olunmayıb.",
    ),
    "misconduct": (
        "{place} ərazisində polis əməkdaşları mənə qarşı kobud rəftar etmiş, şikayətimi qəbul etməmişlər.",
        "Rayon prokurorluğunun əməkdaşı şikayətimə baxmaqdan imtina etmiş və məni təhdid etmişdir.",
        "Saxlanılma zamanı mənə fiziki güc tətbiq edilmiş, həkimə müraciət etməyimə icazə verilməmişdir.",
    ),
    "corruption": (
        "{place} ərazisində yerləşən idarənin vəzifəli şəxsi arayışın verilməsi üçün məndən pul tələb edir.",
        "Torpaq sahəsinin sənədləşdirilməsi üçün icra hakimiyyətinin əməkdaşı rüşvət tələb etmişdir.",
    ),
    "civil": (
        "Qonşum {place} ünvanındakı mənzilimə qanunsuz olaraq müdaxilə edir, məhkəmə qərarı icra olunmur.",
        "İşəgötürən {months} aydır əmək haqqımı ödəmir və əmək müqaviləmi əsassız olaraq ləğv etmişdir.",
        "Pensiyamın hesablanmasında səhvə yol verilmiş, sosial müdafiə orqanı müraciətimə cavab vermir.",
        "Onlayn satış adı ilə məndən pul alınmış, lakin əmtəə göndərilməmişdir; satıcı ilə əlaqə kəsilib.",
        "{place} ərazisində torpaq sahəsinin sərhədləri qonşu tərəfindən pozulmuş, yerli orqanlar tədbir "
        "görmür.",
    ),
    "other": (
        "Cinayət işi üzrə mənə məlumat verilməsini və müvafiq arayışın təqdim edilməsini xahiş edirəm.",
        "Qanunvericiliyin təkmilləşdirilməsi ilə bağlı təklifimi nəzərə almağınızı xahiş edirəm.",
        "{place} ərazisində ətraf mühitin çirklənməsi davam edir, aidiyyəti qurumlar tədbir görmür.",
    ),
}
TOPIC_MATTER = {
    "criminal-proceedings": "criminal",
    "investigation-actions": "criminal",
    "criminal-case-progress": "criminal",
    "refusal-to-open-case": "criminal",
    "unlawful-detention": "criminal",
    "torture": "misconduct",
    "prosecutor-misconduct": "misconduct",
    "police-misconduct": "misconduct",
    "corruption": "corruption",
    "information-request": "other",
    "legislation-proposal": "other",
    "environment": "other",
    "other": "other",
}
REQUESTS = (
    "Xahiş edirəm, məsələni araşdırıb qanuni tədbir görəsiniz.",
    "Müraciətimə baxılmasını və nəticəsi barədə mənə yazılı cavab verilməsini xahiş edirəm.",
    "Hüquqlarımın bərpa olunması üçün köməyinizi xahiş edirəm.",
)
PLACES = (
    "Bakı şəhəri, Nəsimi rayonu",
    "Bakı şəhəri, Xətai rayonu",
    "Bakı şəhəri, Yasamal rayonu",
    "Bakı şəhəri, Binəqədi rayonu",
    "Bakı şəhəri, Sabunçu rayonu",
    "Sumqayıt şəhəri",
    "Gəncə şəhəri",
    "Lənkəran şəhəri",
    "Şəki şəhəri",
    "Mingəçevir şəhəri",
)
STREETS = (
    "Azadlıq prospekti",
    "Babək prospekti",
    "Şərifzadə küçəsi",
    "Nizami küçəsi",
    "Heydər Əliyev prospekti",
    "Təbriz küçəsi",
)
COMPLAINED_TEXTS = (
    "Rayon polis idarəsinin sahə müvəkkili",
    "Rayon polis idarəsinin istintaq şöbəsi",
    "Rayon icra hakimiyyəti",
    "Məhkəmə icraçısı",
    "Daşınmaz Əmlakın Dövlət Reyestri Xidməti",
)
ORGANISATIONS = (
    '"Xəzər Tikinti" MMC',
    '"Abşeron Logistika" MMC',
    '"Gəncə Aqro" ASC',
    '"Vətən" İctimai Birliyi',
)
EXTERNAL_BODIES = (
    "Daxili İşlər Nazirliyi",
    "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
    "Ədliyyə Nazirliyinin Penitensiar Xidməti",
    "Dövlət Torpaq və Xəritəçəkmə Komitəsi",
    "Bakı Şəhər İcra Hakimiyyəti",
    "Məhkəmə-Hüquq Şurası",
)
INSTRUCTIONS = (
    "Müraciətə qanunvericiliklə müəyyən edilmiş müddətdə baxılsın, nəticəsi barədə ərizəçiyə cavab verilsin.",
    "Araşdırılsın, lazım gələrsə ərizəçi dinlənilsin; cavab layihəsi təqdim edilsin.",
    "Cinayət işinin materialları öyrənilsin, ərizəçiyə ətraflı izahat verilsin.",
)
ANSWER_TEXTS = {
    "explained": (
        "Müraciətinizə baxılmış, qaldırdığınız məsələ ilə bağlı qanunvericiliyin tələbləri izah edilmişdir."
    ),
    "refused": (
        "Müraciətinizdə göstərilən hallar araşdırma zamanı təsdiqini tapmadığından tələbiniz rədd edilmişdir."
    ),
    "partly_satisfied": (
        "Müraciətiniz araşdırılmış, qaldırdığınız məsələlərin bir qismi üzrə tədbirlər görülmüşdür."
    ),
    "satisfied": "Müraciətiniz təmin edilmiş, pozulmuş hüquqlarınızın bərpası üçün tədbirlər görülmüşdür.",
}
EXTENSION_REASONS = (
    "Aidiyyəti qurumdan əlavə məlumat sorğulanmışdır.",
    "Cinayət işinin materialları məhkəmədən tələb edilmişdir.",
    "Ərizəçinin əlavə izahatının alınması tələb olunur.",
)
COVERING_LETTER = (
    "Müraciət aidiyyəti üzrə baxılması üçün göndərilir; nəticəsi barədə ərizəçiyə məlumat verilsin."
)
ATTACHMENT_NAMES = (
    ("müraciət.pdf", "application/pdf"),
    ("ərizə-skan.pdf", "application/pdf"),
    ("qərarın-surəti.pdf", "application/pdf"),
    ("foto.jpg", "image/jpeg"),
)
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
)

# --- rows --------------------------------------------------------------------------------------------


class AppealRow(NamedTuple):
    id: int
    public_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    number: str
    unit_id: int
    channel: str
    kind: str
    is_collective: bool
    signatories: int
    applicant_last_name: str
    applicant_first_name: str
    applicant_patronymic: str
    applicant_fin: str
    applicant_address: str
    applicant_email: str
    applicant_phone: str
    applicant_name_key: str
    organisation: str
    person_id: int | None
    notify_email: str
    notify_sms: str
    language: str
    received_at: dt.datetime
    registered_at: dt.datetime
    registered_by_id: int | None
    text: str
    topic_id: int | None
    concerned_body_id: int | None
    complained_unit_id: int | None
    complained_official_id: int | None
    complained_text: str
    status: str
    executor_unit_id: int | None
    executor_id: int | None
    answer_rule: str
    answer_due: dt.date | None
    forward_due: dt.date | None
    outcome: str
    unconsidered_ground: str
    closed_at: dt.datetime | None
    repeat_of_id: int | None
    nothing_new: bool
    escalation: str
    escalated_to_id: int | None
    escalated_at: dt.datetime | None
    forwarded_to_unit_id: int | None
    is_anonymous: bool
    external_id: str
    access_code_hash: str
    version: int


class ResolutionRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    appeal_id: int
    author_id: int
    executor_unit_id: int
    executor_id: int | None
    instruction: str
    due_date: dt.date | None


class ExtensionRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    appeal_id: int
    step: str
    length: int
    reason: str
    granted_by_id: int
    applicant_informed: bool


class ForwardingRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    appeal_id: int
    to_body: str
    to_unit_id: int | None
    covering_letter: str
    sent_at: dt.datetime
    sent_by_id: int


class AnswerRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    appeal_id: int
    status: str
    text: str
    outcome: str
    drafted_by_id: int
    drafted_at: dt.datetime
    approved_by_id: int | None
    approved_at: dt.datetime | None
    sent_by_id: int | None
    sent_at: dt.datetime | None
    delivery_channel: str
    delivered_at: dt.datetime | None


class AttachmentRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    appeal_id: int
    storage_name: str
    original_name: str
    sha256: str
    size: int
    content_type: str
    uploaded_by_id: int | None


class ReceptionRow(NamedTuple):
    public_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    unit_id: int
    received_at: dt.datetime
    official_id: int
    visitor_name: str
    visitor_fin: str
    subject: str
    result: str
    appeal_number: str
    recorded_by_id: int


# --- the register's world ------------------------------------------------------------------------------


@dataclass(slots=True)
class Place:
    id: int
    code: str
    path: str
    kind: str


@dataclass
class Register:
    """The units, staff and classifiers the appeals seeder draws from."""

    documents: Place
    offices: list[Place]  # city and district offices (they receive and answer appeals too)
    office_weights: list[float]
    departments: list[Place]  # where the documents department sends appeals for an answer
    children: dict[int, list[Place]]  # a city office's district offices
    by_code: dict[str, Place]
    answerers: dict[int, list[int]]  # unit -> holders of "Answer appeals" over it (the unit's own grant)
    any_answerer: list[int]
    staff: dict[int, list[int]]  # unit -> its employees (who may register an appeal there)
    topics: list[tuple[int, str, str, int | None]]  # id, code, escalation, escalate_to
    topic_weights: list[float]
    sectors: list[tuple[int, str]]
    bench: int
    bench_name: str
    bench_unit_name: str
    bench_unit_id: int | None
    names: dict[int, tuple[str, str, int | None]] = field(default_factory=dict)  # employee -> name, unit
    codes: dict[int, str] = field(default_factory=dict)  # unit -> code

    def answerer(self, rng: random.Random, unit_id: int, *, exclude: int | None = None) -> int | None:
        pool = [e for e in self.answerers.get(unit_id, ()) if e != exclude]
        return pool[rng.randrange(len(pool))] if pool else None

    def someone(self, rng: random.Random, unit_id: int, *, exclude: int | None = None) -> int:
        """An answer holder of the unit, else of anywhere (an answer needs a drafter and an approver)."""
        found = self.answerer(rng, unit_id, exclude=exclude)
        if found is not None:
            return found
        pool = [e for e in self.any_answerer if e != exclude]
        if not pool:  # a tiny seed: anybody else
            pool = [e for e in self.names if e != exclude] or [self.bench]
        return pool[rng.randrange(len(pool))]

    def clerk(self, rng: random.Random, unit_id: int) -> int:
        pool = self.staff.get(unit_id) or self.any_answerer or [self.bench]
        return pool[rng.randrange(len(pool))]


def _place(unit: Any) -> Place:
    return Place(unit.pk, unit.code, unit.path, unit.kind)


def documents_unit() -> Any:
    """The unit whose register receives the portal's appeals (EPROK_PORTAL_APPEALS_UNIT), else the root."""
    from eprok.org.models import Unit

    code = getattr(settings, "EPROK_PORTAL_APPEALS_UNIT", "gpo-documents")
    return (
        Unit.objects.filter(code=code, is_active=True).first()
        or Unit.objects.filter(parent__isnull=True, is_active=True).order_by("path").first()
    )


def grant_bench_appeals(user: Any, unit: Any) -> None:
    """Register appeals and Answer appeals in the documents department (idempotent)."""
    from eprok.org.models import RoleAssignment
    from eprok.org.roles import Role

    since = dt.date.today() - dt.timedelta(days=3 * 365)
    for role in (Role.REGISTER_APPEALS, Role.ANSWER_APPEALS):
        RoleAssignment.objects.get_or_create(
            employee=user, role=role, unit=unit, defaults={"include_subunits": False, "valid_from": since}
        )


def register_world(plan: SeedPlan) -> Register:
    found: Register | None = plan.state.get("appeals_register")
    if found is not None:
        return found
    from eprok.appeals.classifiers import load_classifiers
    from eprok.appeals.models import AppealTopic, Sector
    from eprok.org.models import Employee, RoleAssignment, Unit, UnitKind
    from eprok.org.roles import Role

    # Rerunnable: links the topics' escalation departments now that the units exist (as `eprok seed`).
    load_classifiers()
    documents = documents_unit()
    if documents is None:
        raise RuntimeError("no units to register appeals in: seed the structure first")
    user = bench_employee(create=True)
    grant_bench_appeals(user, documents)
    units = list(Unit.objects.filter(is_active=True).order_by("path"))
    places = {u.pk: _place(u) for u in units}
    offices = [
        places[u.pk]
        for u in units
        if u.kind in (UnitKind.CITY_OFFICE, UnitKind.DISTRICT_OFFICE) and u.pk != documents.pk
    ]
    if not offices:  # a structure without offices: every other leaf receives appeals
        offices = [places[u.pk] for u in units if u.pk != documents.pk and not u.children.exists()]
    children: dict[int, list[Place]] = defaultdict(list)
    for u in units:
        if u.parent_id in places and u.kind == UnitKind.DISTRICT_OFFICE:
            children[u.parent_id].append(places[u.pk])
    by_code = {p.code: p for p in places.values()}
    departments = [by_code[code] for code in COMPETENT_DEPARTMENTS if code in by_code]
    answerers: dict[int, list[int]] = defaultdict(list)
    any_answerer: list[int] = []
    for employee_id, unit_id in (
        RoleAssignment.objects.filter(role=Role.ANSWER_APPEALS, ended_at__isnull=True)
        .order_by("pk")
        .values_list("employee_id", "unit_id")
    ):
        answerers[unit_id].append(employee_id)
        any_answerer.append(employee_id)
    staff: dict[int, list[int]] = defaultdict(list)
    names: dict[int, tuple[str, str, int | None]] = {}
    unit_names = {u.pk: u.name_az for u in units}
    for pk, unit_id, last, first, patronymic in Employee.objects.order_by("pk").values_list(
        "pk", "unit_id", "last_name", "first_name", "patronymic"
    ):
        if unit_id is not None and pk != user.pk:
            staff[unit_id].append(pk)
        full = " ".join(p for p in (last, first, patronymic) if p)
        names[pk] = (full, unit_names.get(unit_id, "") if unit_id else "", unit_id)
    topics: list[tuple[int, str, str, int | None]] = [
        (pk, code, escalation, escalate_to)
        for pk, code, escalation, escalate_to in AppealTopic.objects.filter(is_active=True)
        .order_by("sort_order", "code")
        .values_list("pk", "code", "escalation", "escalate_to_id")
    ]
    if not topics:
        raise RuntimeError("no appeal topics: the appeals migration loads them")
    sectors = list(
        Sector.objects.filter(is_active=True).order_by("sort_order", "code").values_list("pk", "code")
    )
    found = Register(
        documents=places[documents.pk],
        offices=offices,
        office_weights=[2.0 if p.kind == UnitKind.CITY_OFFICE else 1.0 for p in offices],
        departments=departments,
        children=dict(children),
        by_code=by_code,
        answerers=dict(answerers),
        any_answerer=any_answerer,
        staff=dict(staff),
        topics=topics,
        topic_weights=[float(TOPIC_WEIGHTS.get(code, DEFAULT_TOPIC_WEIGHT)) for _pk, code, _e, _u in topics],
        sectors=sectors,
        bench=user.pk,
        bench_name=names.get(user.pk, ("", "", None))[0],
        bench_unit_name=names.get(user.pk, ("", "", None))[1],
        bench_unit_id=user.unit_id,
        names=names,
        codes={u.pk: u.code for u in units},
    )
    plan.state["appeals_register"] = found
    return found


# --- planning ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Applicant:
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    fin: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    organisation: str = ""
    person_id: int | None = None
    name_key: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


@dataclass(slots=True)
class AppealPlan:
    unit: Place
    registered_at: dt.datetime
    channel: str
    kind: str
    topic: int  # index into Register.topics, or -1 when not classified
    applicant: Applicant | None  # None: anonymous
    previous: AppealPlan | None = None  # the same applicant's earlier appeal on the same topic
    position: int = 0  # place in the applicant's chain on this topic (0: first)
    forced: bool = False  # one of the benchmark employee's guaranteed open appeals
    id: int = 0
    number: str = ""
    status: str = ""
    outcome: str = ""
    closed_at: dt.datetime | None = None


def _fold_key(full_name: str) -> str:
    from eprok.persons import names

    return names.name_key(full_name, max_length=310) if full_name else ""


class Planner:
    """Who writes, when, to which unit, by which channel, on which topic; repeat chains included."""

    def __init__(self, w: World, reg: Register, rng: random.Random) -> None:
        self.w = w
        self.reg = reg
        self.rng = rng
        self.pools = _name_pools()
        self.applicants = 0
        self.persons: list[tuple[int, str, str, str, str | None]] = []
        first, count = w.persons
        if count:
            from eprok.persons.models import Person

            ids = sorted(rng.sample(range(first, first + count), min(count, 5_000)))
            self.persons = list(
                Person.objects.filter(pk__in=ids, fin__isnull=False).values_list(
                    "pk", "last_name", "first_name", "patronymic", "fin"
                )
            )
        self.channel_names = [c for c, _w in CHANNELS]
        self.channel_weights = [w for _c, w in CHANNELS]

    def channel(self) -> str:
        return self.rng.choices(self.channel_names, weights=self.channel_weights)[0]

    def unit_for(self, channel: str) -> Place:
        reg, rng = self.reg, self.rng
        if channel == "portal" or rng.random() < DOCUMENTS_SHARE or not reg.offices:
            return reg.documents
        return rng.choices(reg.offices, weights=reg.office_weights)[0]

    def topic(self) -> int:
        if self.rng.random() < 0.08:
            return -1
        return self.rng.choices(range(len(self.reg.topics)), weights=self.reg.topic_weights)[0]

    def applicant(self, channel: str) -> Applicant | None:
        rng = self.rng
        if channel in ANONYMOUS_CHANNELS and rng.random() < ANONYMOUS_SHARE:
            return None
        self.applicants += 1
        n = self.applicants
        place = PLACES[rng.randrange(len(PLACES))]
        street = STREETS[rng.randrange(len(STREETS))]
        address = f"{place}, {street} {rng.randint(1, 180)}, mənzil {rng.randint(1, 90)}"
        if self.persons and rng.random() < 0.05:
            pk, last, first, patronymic, fin = self.persons[rng.randrange(len(self.persons))]
            who = Applicant(last, first, patronymic, fin or "", address, person_id=pk)
        else:
            male = rng.random() < 0.55
            who = Applicant(
                last_name=rng.choice(self.pools["last_male" if male else "last_female"]),
                first_name=rng.choice(self.pools["male" if male else "female"]),
                patronymic=f"{rng.choice(self.pools['male'])} {'oğlu' if male else 'qızı'}",
                # Distinct applicants never share a FIN or a phone (only a repeat chain links them).
                fin=fin_for(2_000_000 + n) if rng.random() < 0.7 else "",
                address=address if (channel in WRITTEN or rng.random() < 0.6) else "",
            )
        if channel in {"portal", "egov", "email"} or rng.random() < 0.2:
            who.email = f"vetendas{n}@example.az"
        if rng.random() < 0.65 or not (who.address or who.email):
            operator = ("50", "51", "55", "70", "77", "99")[n % 6]
            who.phone = f"+994{operator}{n % 10_000_000:07d}"
        if rng.random() < 0.02:
            who.organisation = ORGANISATIONS[rng.randrange(len(ORGANISATIONS))]
        who.name_key = _fold_key(who.full_name)
        return who

    def kind(self) -> str:
        return _weighted(self.rng, KINDS)

    def plans(self, count: int) -> list[AppealPlan]:
        """`count` appeals in threads: most applicants write once; some again on the same subject."""
        rng, now = self.rng, self.w.now
        out: list[AppealPlan] = self.forced(now)
        while len(out) < count:
            channel = self.channel()
            start = office_hours(now - dt.timedelta(days=rng.uniform(0, HISTORY_DAYS)), rng, now)
            first = AppealPlan(
                self.unit_for(channel), start, channel, self.kind(), self.topic(), self.applicant(channel)
            )
            out.append(first)
            if first.applicant is None or first.topic < 0 or rng.random() >= REPEAT_CHAINS:
                continue
            previous, moment = first, start
            for position in range(1, rng.randint(2, 4)):
                moment = moment + dt.timedelta(days=rng.uniform(25, 90))
                if moment >= now - dt.timedelta(hours=1) or len(out) >= count:
                    break
                again = self.channel()
                same = again != "portal" and previous.channel != "portal" and rng.random() < 0.7
                step = AppealPlan(
                    previous.unit if same else self.unit_for(again),
                    office_hours(moment, rng, now),
                    again,
                    previous.kind,
                    previous.topic,
                    previous.applicant,
                    previous=previous,
                    position=position,
                )
                out.append(step)
                previous = step
        out.sort(key=lambda p: p.registered_at)
        return out

    def forced(self, now: dt.datetime) -> list[AppealPlan]:
        """The benchmark employee's guaranteed open appeals in the documents department; the first
        continues a chain of two earlier appeals of its applicant on the same subject."""
        rng, reg = self.rng, self.reg
        topic = next((i for i, t in enumerate(reg.topics) if t[1] == "criminal-case-progress"), 0)
        out: list[AppealPlan] = []
        for k in range(BENCH_MIN_OPEN):
            applicant = None
            while applicant is None:
                applicant = self.applicant("letter")
            moment = office_hours(
                now - dt.timedelta(days=rng.uniform(2, 9)), rng, now - dt.timedelta(hours=2)
            )
            plan = AppealPlan(reg.documents, moment, "letter", "complaint", topic, applicant, forced=True)
            if k == 0:
                earlier = [
                    AppealPlan(reg.documents, office_hours(now - dt.timedelta(days=d), rng, now), "letter",
                               "complaint", topic, applicant, position=i)
                    for i, d in enumerate((230, 140))
                ]  # fmt: skip
                earlier[1].previous = earlier[0]
                plan.previous, plan.position = earlier[1], 2
                out.extend(earlier)
            out.append(plan)
        return out


# --- what happened to each appeal ----------------------------------------------------------------------


class Event(NamedTuple):
    """One audited change of an appeal: when, who (None: the system), the verb, changes and data."""

    moment: dt.datetime
    actor: int | None
    verb: str
    changes: dict[str, Any]
    data: dict[str, Any]


@dataclass
class Fate:
    """What happened to one appeal by the time of the seed."""

    rule_code: str
    status: str = ""
    outcome: str = ""
    ground: str = ""
    closed_at: dt.datetime | None = None
    answer_due: dt.date | None = None
    forward_due: dt.date | None = None
    extension_steps: tuple[tuple[str, int], ...] = ()
    routes: list[tuple[dt.datetime, Place, int | None, int]] = field(default_factory=list)  # + author
    executor_unit: Place | None = None
    executor: int | None = None
    extension: tuple[dt.datetime, int, int] | None = None  # moment, length, granted by
    answer: AnswerRow | None = None
    forwarding: ForwardingRow | None = None


@dataclass
class Rows:
    appeals: list[AppealRow] = field(default_factory=list)
    resolutions: list[ResolutionRow] = field(default_factory=list)
    extensions: list[ExtensionRow] = field(default_factory=list)
    forwardings: list[ForwardingRow] = field(default_factory=list)
    answers: list[AnswerRow] = field(default_factory=list)
    attachments: list[AttachmentRow] = field(default_factory=list)
    receptions: list[ReceptionRow] = field(default_factory=list)
    tracked: list[TrackedRow] = field(default_factory=list)
    history: list[tuple[AppealRow, list[Event]]] = field(default_factory=list)


def _english(label: Any) -> str:
    """A tracked label as eprok.core.calendar.tracking stores it (the English source text)."""
    with translation.override("en"):
        return str(label)


class Fates:
    """Turns each planned appeal into its rows: status, terms, resolutions, answer, forwarding, ..."""

    def __init__(self, w: World, reg: Register) -> None:
        from eprok.appeals import terms

        self.w = w
        self.reg = reg
        self.rng = random.Random(SEED + 1)
        self.out = Rows()
        self.answer_label = _english(terms.ANSWER_LABEL)
        self.forward_label = _english(terms.FORWARD_LABEL)
        self.egov = 0

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        return start + (end - start) * self.rng.random()

    def text(self, p: AppealPlan) -> str:
        rng = self.rng
        code = self.reg.topics[p.topic][1] if p.topic >= 0 else "other"
        matters = MATTERS[TOPIC_MATTER.get(code, "civil")]
        body = matters[rng.randrange(len(matters))].format(
            place=PLACES[rng.randrange(len(PLACES))], months=rng.randint(2, 11)
        )
        opening = OPENINGS[rng.randrange(len(OPENINGS))]
        if p.position:
            body = f"Bu məsələ ilə bağlı əvvəl də müraciət etmişəm, lakin problem həll olunmayıb. {body}"
        parts = [opening, body, REQUESTS[rng.randrange(len(REQUESTS))]]
        return "\n\n".join(part for part in parts if part)

    def executor_unit(self, p: AppealPlan, escalated_to: int | None, complained: Place | None) -> Place:
        rng, reg = self.rng, self.reg
        if p.forced:
            return reg.documents
        if escalated_to is not None and rng.random() < 0.6:
            found = next((u for u in reg.by_code.values() if u.id == escalated_to), None)
            if found is not None:
                return found
        if p.unit.id == reg.documents.id:
            r = rng.random()
            if r < 0.5 or not (reg.departments or reg.offices):
                chosen = reg.documents
            elif r < 0.8 and reg.departments:
                chosen = reg.departments[rng.randrange(len(reg.departments))]
            else:
                chosen = rng.choices(reg.offices, weights=reg.office_weights)[0]
        else:
            kids = reg.children.get(p.unit.id)
            chosen = kids[rng.randrange(len(kids))] if kids and rng.random() < 0.3 else p.unit
        if complained is not None and chosen.path.startswith(complained.path):
            chosen = reg.documents  # never the unit complained about (art. 7.10)
        return chosen

    def executor(self, p: AppealPlan, unit: Place) -> int | None:
        rng, reg = self.rng, self.reg
        if unit.id == reg.documents.id and (p.forced or rng.random() < BENCH_EXECUTES):
            return reg.bench
        if rng.random() < 0.15:
            return None  # the resolution names only the unit
        return reg.answerer(rng, unit.id, exclude=reg.bench)

    def add(self, p: AppealPlan) -> None:
        rng, reg, out = self.rng, self.reg, self.out
        t0 = p.registered_at
        topic = reg.topics[p.topic] if p.topic >= 0 else None
        who = p.applicant
        if p.channel in AUTOMATIC:
            registered_by = None
        elif p.unit.id == reg.documents.id and rng.random() < BENCH_REGISTERS:
            registered_by = reg.bench
        else:
            registered_by = reg.clerk(rng, p.unit.id)
        escalation, escalated_to = (topic[2], topic[3]) if topic and topic[2] else ("", None)
        complained: Place | None = None
        complained_text = ""
        if topic and topic[1] == "prosecutor-misconduct" and reg.offices:
            candidates = [o for o in reg.offices if o.id != p.unit.id and not p.unit.path.startswith(o.path)]
            complained = candidates[rng.randrange(len(candidates))] if candidates else None
        elif p.kind == "complaint" and rng.random() < 0.4:
            complained_text = COMPLAINED_TEXTS[rng.randrange(len(COMPLAINED_TEXTS))]
        fate = self.fate(p, escalated_to, complained, registered_by)
        collective = who is not None and rng.random() < 0.02
        notify_email = ""
        if who is not None and who.email and rng.random() < (0.8 if p.channel in AUTOMATIC else 0.4):
            notify_email = who.email
        notify_sms = who.phone if who is not None and who.phone and rng.random() < 0.3 else ""
        external_id = ""
        if p.channel == "portal":
            external_id = f"portal-{rng.getrandbits(96):024x}"
        elif p.channel == "egov":
            self.egov += 1
            external_id = f"egov-{self.egov:09d}"
        changes = [t0, *(r[0] for r in fate.routes), *([fate.extension[0]] if fate.extension else [])]
        text = self.text(p)
        row = AppealRow(
            id=p.id,
            public_id=new_uuid(rng),
            created_at=t0,
            updated_at=max([*changes, *([fate.closed_at] if fate.closed_at else [])]),
            number=p.number,
            unit_id=p.unit.id,
            channel=p.channel,
            kind=p.kind,
            is_collective=collective,
            signatories=rng.randint(2, 150) if collective else 1,
            applicant_last_name=who.last_name if who else "",
            applicant_first_name=who.first_name if who else "",
            applicant_patronymic=who.patronymic if who else "",
            applicant_fin=who.fin if who else "",
            applicant_address=who.address if who else "",
            applicant_email=who.email if who else "",
            applicant_phone=who.phone if who else "",
            applicant_name_key=who.name_key if who else "",
            organisation=who.organisation if who else "",
            person_id=who.person_id if who else None,
            notify_email=notify_email,
            notify_sms=notify_sms,
            language=_weighted(rng, LANGUAGES),
            received_at=t0
            - dt.timedelta(
                hours=rng.uniform(2, 72) if p.channel in {"letter", "fax", "media"} else rng.uniform(0, 0.5)
            ),
            registered_at=t0,
            registered_by_id=registered_by,
            text=text,
            topic_id=topic[0] if topic else None,
            concerned_body_id=self.sector(topic),
            complained_unit_id=complained.id if complained else None,
            complained_official_id=None,
            complained_text=complained_text,
            status=fate.status,
            executor_unit_id=fate.executor_unit.id if fate.executor_unit else None,
            executor_id=fate.executor,
            answer_rule=fate.rule_code,
            answer_due=fate.answer_due,
            forward_due=fate.forward_due,
            outcome=fate.outcome,
            unconsidered_ground=fate.ground,
            closed_at=fate.closed_at,
            repeat_of_id=p.previous.id if p.previous is not None else None,
            nothing_new=fate.ground == "8.1.4",
            escalation=escalation,
            escalated_to_id=escalated_to if escalation else None,
            escalated_at=t0 if escalation else None,
            forwarded_to_unit_id=fate.forwarding.to_unit_id if fate.forwarding else None,
            is_anonymous=who is None,
            external_id=external_id,
            # The portal shows its applicant an access code at once (only its hash is kept).
            access_code_hash=hashlib.sha256(f"bench-code-{p.id}".encode()).hexdigest()
            if p.channel == "portal"
            else "",
            version=len(changes) + (1 if fate.closed_at and fate.closed_at != t0 else 0),
        )
        out.appeals.append(row)
        for moment, unit, executor_id, author in fate.routes:
            due = None
            if fate.answer_due and rng.random() < 0.5:
                due = min(local_day(moment) + dt.timedelta(days=10), fate.answer_due)
            instruction = INSTRUCTIONS[rng.randrange(len(INSTRUCTIONS))]
            out.resolutions.append(
                ResolutionRow(moment, moment, p.id, author, unit.id, executor_id, instruction, due)
            )
        if fate.extension is not None:
            moment, length, granted_by = fate.extension
            reason = EXTENSION_REASONS[rng.randrange(len(EXTENSION_REASONS))]
            informed = bool(notify_email or notify_sms)
            out.extensions.append(
                ExtensionRow(moment, moment, p.id, EXTENSION_STEP, length, reason, granted_by, informed)
            )
        if fate.forwarding is not None:
            out.forwardings.append(fate.forwarding._replace(appeal_id=p.id))
        if fate.answer is not None:
            out.answers.append(fate.answer._replace(appeal_id=p.id))
        self.attach(p, row, registered_by)
        if p.channel == "reception" and who is not None:
            official = fate.routes[0][3] if fate.routes else reg.someone(rng, p.unit.id)
            out.receptions.append(
                ReceptionRow(
                    new_uuid(rng), row.received_at, row.received_at, p.unit.id, row.received_at, official,
                    who.full_name or who.organisation, who.fin, text.split("\n\n")[-2][:500],
                    "Müraciət qəbul edilmiş və qeydə alınmışdır.", p.number, registered_by or official,
                )
            )  # fmt: skip
        if fate.status in {"registered", "in_work"}:
            self.track(row, fate)
            if fate.executor == reg.bench:
                self.history(row, fate)

    def sector(self, topic: tuple[int, str, str, int | None] | None) -> int | None:
        rng, reg = self.rng, self.reg
        if topic is None or not reg.sectors or rng.random() >= 0.6:
            return None
        police = next((pk for pk, code in reg.sectors if code == "police"), None)
        if topic[1] == "police-misconduct" and police is not None:
            return police
        return reg.sectors[rng.randrange(len(reg.sectors))][0]

    def fate(
        self, p: AppealPlan, escalated_to: int | None, complained: Place | None, registered_by: int | None
    ) -> Fate:
        """What happened to the appeal by now: its status, terms, resolutions, extension, answer."""
        rng, w, reg = self.rng, self.w, self.reg
        now, t0, day = w.now, p.registered_at, local_day(p.registered_at)
        fate = Fate(rule_code=ANSWER_RULES["standard"])
        if p.applicant is None:
            # Art. 6.4: an anonymous written appeal is registered and left unconsidered at once; no term runs.
            fate.status, fate.outcome, fate.ground, fate.closed_at = (
                "left_unconsidered", "left_unconsidered", "6.4", t0,
            )  # fmt: skip
            p.status, p.outcome, p.closed_at = fate.status, fate.outcome, fate.closed_at
            return fate
        if rng.random() < VERIFICATION_SHARE:
            fate.rule_code = ANSWER_RULES["verification"]
        fate.forward_due = w.terms.deadline(FORWARD_RULE, day).due
        if p.forced:
            routed_at = self.between(t0 + dt.timedelta(minutes=20), now - dt.timedelta(hours=2))
        else:
            routed_at = office_hours(
                t0 + dt.timedelta(days=rng.uniform(0.05, 2.5)), rng, t0 + dt.timedelta(days=5)
            )
            routed_at = max(routed_at, t0 + dt.timedelta(minutes=20))
        repeat_closing = merit_answers(p) >= 3
        forwarded = not p.forced and not repeat_closing and rng.random() < FORWARDED_SHARE
        extended = (p.forced and p.position > 0) or (not p.forced and rng.random() < EXTENSION_SHARE)
        ext_length = rng.choice((30, 30, 20, 10))
        if p.forced:
            ext_at = self.between(routed_at, now - dt.timedelta(hours=1))
        else:
            ext_at = routed_at + dt.timedelta(days=rng.uniform(3, 12))
        if forwarded:
            closing = office_hours(
                t0 + dt.timedelta(days=rng.uniform(0.1, 4)), rng, t0 + dt.timedelta(days=6)
            )
            if rng.random() >= 0.3:
                routed_at = dt.datetime.max.replace(tzinfo=dt.UTC)  # forwarded before any resolution
        elif repeat_closing:
            closing = routed_at + dt.timedelta(days=rng.uniform(1, 5))
        elif p.forced:
            # Still in work; the first one's answer is drafted, due within days.
            closing = now + dt.timedelta(days=2 if p.position else rng.uniform(4, 30))
        else:
            ext = ((EXTENSION_STEP, ext_length),) if extended else ()
            ends = w.terms.deadline(fate.rule_code, day, ext).ends_at()
            if rng.random() >= LATE_SHARE:
                closing = routed_at + (ends - routed_at) * rng.uniform(0.25, 0.97)
            else:
                closing = ends + dt.timedelta(days=rng.uniform(0.3, 15))
        if not p.forced and rng.random() < STUCK_SHARE:
            closing += dt.timedelta(days=rng.uniform(10, 90))
        closing = max(closing, t0 + dt.timedelta(minutes=30))
        is_open = closing > now - dt.timedelta(hours=1)
        horizon = now if is_open else closing
        if routed_at >= horizon or ext_at >= horizon:
            extended = False
        ext_tuple = ((EXTENSION_STEP, ext_length),) if extended else ()
        fate.answer_due = w.terms.deadline(fate.rule_code, day, ext_tuple).due
        fate.extension_steps = ext_tuple
        if routed_at < horizon:
            self.route(p, fate, routed_at, horizon, escalated_to, complained)
            if extended and fate.executor_unit is not None:
                granted_by = fate.executor or reg.someone(rng, fate.executor_unit.id)
                fate.extension = (ext_at, ext_length, granted_by)
        if is_open:
            fate.status = "in_work" if fate.routes else "registered"
            if fate.routes and closing - dt.timedelta(days=3) < now:
                fate.answer = self.draft(p, fate, closing)
        elif forwarded:
            fate.status, fate.closed_at = "forwarded", closing
            fate.forwarding = self.forward(p, fate, closing, complained, registered_by)
        elif repeat_closing:
            fate.status, fate.outcome, fate.ground, fate.closed_at = (
                "left_unconsidered", "left_unconsidered", "8.1.4", closing,
            )  # fmt: skip
        else:
            fate.status, fate.closed_at, fate.outcome = "answered", closing, _weighted(rng, OUTCOMES)
            if not fate.routes:  # answered at once: the resolution and the answer on the same days
                self.route(p, fate, self.between(t0, closing), closing, escalated_to, complained)
            fate.answer = self.sent_answer(p, fate, closing)
        p.status, p.outcome, p.closed_at = fate.status, fate.outcome, fate.closed_at
        return fate

    def route(
        self,
        p: AppealPlan,
        fate: Fate,
        routed_at: dt.datetime,
        horizon: dt.datetime,
        escalated_to: int | None,
        complained: Place | None,
    ) -> None:
        """One resolution, sometimes a second one re-routing the appeal to its final executor."""
        rng, reg = self.rng, self.reg
        fate.executor_unit = self.executor_unit(p, escalated_to, complained)
        fate.executor = self.executor(p, fate.executor_unit)
        author = reg.someone(rng, p.unit.id, exclude=reg.bench)
        second = routed_at + dt.timedelta(days=rng.uniform(0.5, 4))
        if not p.forced and rng.random() < 0.08 and second < horizon:
            first_unit = self.executor_unit(p, escalated_to, complained)
            fate.routes.append((routed_at, first_unit, self.executor(p, first_unit), author))
            fate.routes.append((second, fate.executor_unit, fate.executor, author))
        else:
            fate.routes.append((routed_at, fate.executor_unit, fate.executor, author))

    def _signers(self, p: AppealPlan, fate: Fate) -> tuple[int, int]:
        """The drafter (the executor, else an answer holder of the executor unit) and another approver."""
        unit_id = fate.executor_unit.id if fate.executor_unit else p.unit.id
        drafter = fate.executor or self.reg.someone(self.rng, unit_id)
        return drafter, self.reg.someone(self.rng, unit_id, exclude=drafter)

    def draft(self, p: AppealPlan, fate: Fate, closing: dt.datetime) -> AnswerRow:
        """The answer of an appeal still in work: drafted, sometimes approved already."""
        rng, now = self.rng, self.w.now
        drafter, approver = self._signers(p, fate)
        drafted = max(
            fate.routes[-1][0] + dt.timedelta(hours=2), closing - dt.timedelta(days=rng.uniform(0.5, 3))
        )
        drafted = min(drafted, now - dt.timedelta(hours=1))
        outcome = _weighted(rng, OUTCOMES)
        approved = drafted + dt.timedelta(hours=rng.uniform(2, 30))
        if approved < now and rng.random() < 0.5:
            return AnswerRow(
                drafted, approved, 0, "approved", ANSWER_TEXTS[outcome], outcome, drafter, drafted,
                approver, approved, None, None, "", None,
            )  # fmt: skip
        return AnswerRow(
            drafted, drafted, 0, "drafted", ANSWER_TEXTS[outcome], outcome, drafter, drafted,
            None, None, None, None, "", None,
        )  # fmt: skip

    def sent_answer(self, p: AppealPlan, fate: Fate, closing: dt.datetime) -> AnswerRow | None:
        """The answer sent when the appeal was answered (approved by another official), delivered or not."""
        rng = self.rng
        if not fate.routes:
            return None
        drafter, approver = self._signers(p, fate)
        drafted = max(
            fate.routes[-1][0] + dt.timedelta(hours=2), closing - dt.timedelta(days=rng.uniform(0.5, 3))
        )
        drafted = min(drafted, closing - dt.timedelta(hours=1))
        approved = self.between(drafted, closing)
        delivered = closing + dt.timedelta(days=rng.uniform(2, 10))
        delivered_at = delivered if delivered < self.w.now and rng.random() < 0.6 else None
        return AnswerRow(
            drafted, delivered_at or closing, 0, "delivered" if delivered_at else "sent",
            ANSWER_TEXTS[fate.outcome], fate.outcome, drafter, drafted, approver, approved, drafter, closing,
            _delivery(p.channel, p.applicant), delivered_at,
        )  # fmt: skip

    def forward(
        self,
        p: AppealPlan,
        fate: Fate,
        closing: dt.datetime,
        complained: Place | None,
        registered_by: int | None,
    ) -> ForwardingRow:
        """To another body (a ministry, a committee), or to another unit of the service, never the one
        complained about nor the receiving unit."""
        rng, reg = self.rng, self.reg
        to_unit = None
        if rng.random() < 0.4 and reg.offices:
            choice = rng.choices(reg.offices, weights=reg.office_weights)[0]
            if choice.id != p.unit.id and (complained is None or not choice.path.startswith(complained.path)):
                to_unit = choice
        to_body = _unit_name(to_unit) if to_unit else EXTERNAL_BODIES[rng.randrange(len(EXTERNAL_BODIES))]
        sent_by = fate.executor or registered_by or reg.someone(rng, p.unit.id)
        return ForwardingRow(
            closing, closing, 0, to_body, to_unit.id if to_unit else None, COVERING_LETTER, closing, sent_by
        )

    def attach(self, p: AppealPlan, row: AppealRow, uploaded_by: int | None) -> None:
        rng = self.rng
        share = {"letter": 0.5, "portal": 0.2, "email": 0.3, "egov": 0.15, "fax": 0.6}.get(p.channel, 0.0)
        count = rng.randint(1, 3) if p.forced else (rng.randint(1, 2) if rng.random() < share else 0)
        for k in range(count):
            name, content_type = ATTACHMENT_NAMES[rng.randrange(len(ATTACHMENT_NAMES))]
            storage = f"appeals/bench/{row.public_id.hex}-{k}{name[name.rfind('.') :]}"
            self.out.attachments.append(
                AttachmentRow(row.registered_at, row.registered_at, p.id, storage, name,
                              hashlib.sha256(storage.encode()).hexdigest(), rng.randint(40_000, 3_000_000),
                              content_type, uploaded_by)
            )  # fmt: skip

    def track(self, row: AppealRow, fate: Fate) -> None:
        """Index the running terms as eprok.appeals.terms does: the answer term (unit: the executor
        unit, else the receiving one; responsible: the executor), and the forwarding term while the
        appeal is registered and nobody has routed it."""
        w = self.w
        day = local_day(row.registered_at)
        url = url_for("appeals:detail", row.number, f"/appeals/{row.number}/")
        answer = w.terms.deadline(row.answer_rule, day, fate.extension_steps)
        answer_unit = fate.executor_unit.id if fate.executor_unit else row.unit_id
        running = [("answer", answer, answer_unit, row.executor_id, self.answer_label)]
        if row.status == "registered":
            forward = w.terms.deadline(FORWARD_RULE, day)
            running.append(("forward", forward, row.unit_id, None, self.forward_label))
        for key, deadline, unit_id, responsible, label in running:
            ends_at = deadline.ends_at()
            self.out.tracked.append(
                TrackedRow(
                    created_at=row.registered_at,
                    updated_at=row.updated_at,
                    owner_type="appeals.appeal",
                    owner_id=row.id,
                    key=key,
                    rule_code=deadline.rule_code,
                    ends_at=ends_at,
                    due_is_moment=deadline.due_is_moment,
                    unit_id=unit_id,
                    responsible_id=responsible,
                    title=row.number,
                    label=label,
                    url=url,
                    alerted=alert_level(ends_at, w.now, w.warning_days),
                )
            )

    def history(self, row: AppealRow, fate: Fate) -> None:
        """The events the services audit for this appeal (registered, routed, extended, answer drafted)."""
        events: list[Event] = []
        answer_due = row.answer_due.isoformat() if row.answer_due else None
        after = {"number": row.number, "unit": self.reg.codes.get(row.unit_id, ""), "channel": row.channel,
                 "kind": row.kind, "status": "registered", "answer_due": answer_due}  # fmt: skip
        events.append(Event(row.registered_at, row.registered_by_id, "registered", {"after": after}, {}))
        status, unit_before, executor_before = "registered", None, None
        for moment, unit, executor, author in fate.routes:
            before = {"status": status, "executor_unit": unit_before, "executor": executor_before}
            after = {"status": "in_work", "executor_unit": unit.code, "executor": _username(executor)}
            events.append(Event(moment, author, "routed", {"before": before, "after": after}, {}))
            status, unit_before, executor_before = "in_work", unit.code, _username(executor)
        if fate.extension is not None:
            moment, length, granted_by = fate.extension
            base = self.w.terms.deadline(row.answer_rule, local_day(row.registered_at)).due.isoformat()
            changes = {"before": {"answer_due": base}, "after": {"answer_due": answer_due}}
            data = {"step": EXTENSION_STEP, "length": length, "reason": EXTENSION_REASONS[0]}
            events.append(Event(moment, granted_by, "extended", changes, data))
        if fate.answer is not None:
            data = {"answer_status": "drafted", "outcome": fate.answer.outcome}
            events.append(
                Event(fate.answer.drafted_at, fate.answer.drafted_by_id, "answer_drafted", {}, data)
            )
        self.out.history.append((row, events))


def merit_answers(p: AppealPlan) -> int:
    """How many of the applicant's earlier appeals on the subject were answered on the merits within the
    year before `p` (art. 8.1.4; what eprok.appeals.services.registration.merit_answers counts)."""
    count, prior = 0, p.previous
    while prior is not None and p.registered_at - prior.registered_at <= dt.timedelta(days=365):
        sent = prior.closed_at
        if (
            prior.status == "answered"
            and prior.outcome in MERIT
            and sent is not None
            and p.registered_at - dt.timedelta(days=365) <= sent <= p.registered_at
        ):
            count += 1
        prior = prior.previous
    return count


MERIT = frozenset(outcome for outcome, _weight in OUTCOMES)
_USERNAMES: dict[int, str] = {}
_UNIT_NAMES: dict[int, str] = {}


def _username(pk: int | None) -> str | None:
    return _USERNAMES.get(pk) if pk is not None else None


def _unit_name(place: Place) -> str:
    return _UNIT_NAMES.get(place.id, place.code)


def _delivery(channel: str, who: Applicant | None) -> str:
    """What eprok.appeals.services.answers.default_delivery picks."""
    if channel in ("portal", "egov"):
        return channel
    if channel == "email" and who is not None and who.email:
        return "email"
    return "post"


# --- the history of the employee's open appeals in the audit chain --------------------------------------


def history_rows(
    history: Sequence[tuple[AppealRow, list[Event]]],
    *,
    prev_hash: str,
    names: dict[int, tuple[str, str, int | None]],
    seed: int = SEED,
) -> Iterator[tuple[Any, ...]]:
    """The events as tuples in bench.seeding._COLUMNS order, chained after `prev_hash` (their times are
    the appeals' own, earlier than the generic events before them in the chain)."""
    from eprok.audit.chain import canonical_json, event_hash

    rng = random.Random(seed)
    prev = prev_hash
    for row, events in history:
        for event in events:
            actor = event.actor
            name, unit_name, unit_id = (
                names.get(actor, ("", "", None)) if actor is not None else ("", "", None)
            )
            automatic = actor is None
            ip = (
                None if automatic else f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            )
            fields: dict[str, Any] = {
                "occurred_at": event.moment,
                "actor_id": actor,
                "actor_name": name[:255],
                "actor_unit": unit_name[:255],
                "action": f"appeals.appeal.{event.verb}",
                "target_type": "appeals.appeal",
                "target_id": str(row.public_id),
                "target_repr": row.number,
                "related_type": "",
                "related_id": "",
                "changes": canonical_json(event.changes or None),
                "data": canonical_json(event.data or None),
                "purpose": "",
                "source": "api" if automatic else "web",
                "request_id": f"{rng.getrandbits(128):032x}",
                "ip": ip,
                "user_agent": "" if automatic else USER_AGENTS[rng.randrange(len(USER_AGENTS))],
            }
            digest = event_hash(prev, **fields)
            values = list(fields.values())
            yield (*values[:4], unit_id, *values[4:], prev, digest)
            prev = digest


def append_history(rows: Rows, reg: Register) -> dict[str, Any]:
    """Append the history events after the current head of the chain (bench.seeding._COLUMNS)."""
    from bench.seeding import _COLUMNS
    from eprok.audit.chain import GENESIS_HASH
    from eprok.audit.models import AuditEvent

    head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    events = list(history_rows(rows.history, prev_hash=head, names=reg.names))
    return bulk_insert(AuditEvent._meta.db_table, _COLUMNS, events, label="appeal history events")


# --- the seeder ----------------------------------------------------------------------------------------


def seed_appeals(plan: SeedPlan) -> None:
    """`BASE_APPEALS × scale` appeals with every table their card shows, and their running terms."""
    from eprok.appeals import models as m
    from eprok.core.models import TrackedDeadline
    from eprok.org.models import Employee, Unit

    started = time.perf_counter()
    w = world(plan)
    reg = register_world(plan)
    _USERNAMES.update(Employee.objects.values_list("pk", "username"))
    _UNIT_NAMES.update(Unit.objects.values_list("pk", "name_az"))
    count = plan.count(BASE_APPEALS, minimum=60)
    planner = Planner(w, reg, random.Random(SEED))
    plans = planner.plans(count)
    numbers = Numbering("appeals")
    first = next_id(m.Appeal)
    for n, p in enumerate(plans):
        p.id = first + n
        p.number = numbers.issue(p.unit.code, p.registered_at)
    fates = Fates(w, reg)
    for p in plans:  # in time order: a repeat's earlier appeals are decided before it
        fates.add(p)
    out = fates.out
    figures = {
        "appeals": write(m.Appeal, AppealRow, out.appeals, progress=plan.progress),
        "resolutions": write(m.Resolution, ResolutionRow, out.resolutions),
        "extensions": write(m.AppealExtension, ExtensionRow, out.extensions),
        "forwardings": write(m.Forwarding, ForwardingRow, out.forwardings),
        "answers": write(m.Answer, AnswerRow, out.answers),
        "attachments": write(m.AppealAttachment, AttachmentRow, out.attachments),
        "reception_entries": write(m.ReceptionEntry, ReceptionRow, out.receptions),
        "tracked_deadlines": write(TrackedDeadline, TrackedRow, out.tracked),
        "history_events": append_history(out, reg),
    }
    sequences = numbers.save()
    by_status = Counter(row.status for row in out.appeals)
    by_channel = Counter(row.channel for row in out.appeals)
    open_rows = [row for row in out.appeals if row.status in {"registered", "in_work"}]
    overdue = sum(1 for row in open_rows if row.answer_due is not None and row.answer_due < w.today)
    in_documents = sum(1 for row in out.appeals if row.unit_id == reg.documents.id)
    bench_open = sum(1 for row in open_rows if row.executor_id == reg.bench)
    plan.report["appeals"] = {
        "appeals": len(out.appeals),
        "by_status": dict(sorted(by_status.items())),
        "by_channel": dict(sorted(by_channel.items())),
        "open": len(open_rows),
        "open_overdue": overdue,
        "documents_unit": reg.documents.code,
        "in_documents_unit": in_documents,
        "bench_executes_open": bench_open,
        "repeats": sum(1 for row in out.appeals if row.repeat_of_id is not None),
        "escalated": sum(1 for row in out.appeals if row.escalation),
        "sequences": sequences,
        "rows": {name: f["rows"] for name, f in figures.items()},
        "method": figures["appeals"]["method"],
        "seconds": _since(started),
    }
    plan.progress(
        f"appeals: {len(out.appeals):,} ({len(open_rows):,} open, {overdue:,} overdue; {in_documents:,} in "
        f"{reg.documents.code}, {bench_open:,} executed by the benchmark employee), "
        f"{len(out.resolutions):,} resolutions, {len(out.answers):,} answers, {len(out.tracked):,} running "
        f"terms in {_since(started)} s"
    )


def bench_appeals_unit() -> Any:
    """The unit whose register the benchmark employee keeps and answers for (the documents department)."""
    return documents_unit()


__all__ = ["BASE_APPEALS", "bench_appeals_unit", "documents_unit", "seed_appeals"]
