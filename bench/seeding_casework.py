"""Casework at scale for the benchmark: persons, crime reports (materials) and criminal cases.

At scale 1: 150,000 natural persons, 100,000 crime reports registered over two years in the district
offices (about 15% still under check, some of those overdue) and 30,000 criminal cases (70% opened on
a seeded report whose status is `case_opened`), with everything a card or a list shows: parties, check
steps and extensions; qualifications by real articles in force, teams, case parties, 3-8 procedural
acts per case, preventive measures, instructions, investigation-term extensions and suspensions; the
register sequences moved to the last number issued; and the running terms in core's TrackedDeadline
index ("check" for open reports; "investigation", "measure-<id>", "instruction-<id>" and "indictment" for
open cases, the keys eprok.cases.terms uses).

Rows are generated in Python and written with `bench.seeding.insert_model_rows` (COPY on PostgreSQL,
executemany on SQLite), primary keys assigned here so children can point at their parents. Due dates
are computed by the deadline engine itself (`compute_deadline` with the rule rows), memoised by start
day, extensions and suspensions, so each stored due date is what the services would store for the same
rows; the derived columns of a case (next_due_at, in_custody) follow eprok.cases.terms.refresh.

The benchmark employee (`bench.seeding.BENCH_USERNAME`) gets INVESTIGATE and REGISTER_MATERIALS in one
Baku district office and SUPERVISE over the Baku city office with its sub-units; it leads a fair share
of that district's cases and checks, so its lists and cards are the ones of a busy investigator.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, NamedTuple

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from bench.seeding import SeedPlan, bench_employee, insert_model_rows, next_id

# What scale 1 means; `--scale` multiplies these.
BASE_PERSONS = 150_000
BASE_MATERIALS = 100_000
BASE_CASES = 30_000

CASES_FROM_MATERIALS = 0.7  # share of cases opened on a seeded crime report
OPEN_MATERIAL_SHARE = 0.15  # reports still under check
OPEN_CHECK_DAYS = 30  # open reports were registered within this many days
HISTORY_DAYS = 730  # everything else over the last two years
BENCH_UNIT_WEIGHT = 3  # the benchmark employee's district gets this many times an average share
BENCH_LEAD_SHARE = 0.4  # ... and the employee leads this share of the district's cases and checks
# Whatever the scale, the district gets at least this many reports and cases, and the employee leads
# at least this many of its cases under investigation (the card and lists need rows at a tiny scale).
BENCH_MIN_MATERIALS = 40
BENCH_MIN_CASES = 30
BENCH_MIN_LED = 3
SEED = 2025

# FIN: 7 characters of digits and Latin capitals without I and O (eprok.org.validators.FIN_RE).
FIN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_FIN_SPACE = len(FIN_ALPHABET) ** 7
_FIN_STEP = 6_700_417  # coprime with 34**7 (= 2**7 * 17**7): n -> FIN is one-to-one
_FIN_OFFSET = 1_234_567_891


def fin_for(n: int) -> str:
    """A syntactically valid FIN, distinct for every n below 34**7, that does not look sequential."""
    value = (n * _FIN_STEP + _FIN_OFFSET) % _FIN_SPACE
    chars = []
    for _ in range(7):
        value, digit = divmod(value, len(FIN_ALPHABET))
        chars.append(FIN_ALPHABET[digit])
    return "".join(reversed(chars))


_FOLD = str.maketrans("əçşğıöüİIxq", "acsgiouiikg")


def fallback_name_key(text: str, **_ignored: Any) -> str:
    """FALLBACK, not the persons app's folding: lower-cased, Azerbaijani letters folded to ASCII,
    patronymic words dropped. Used only when eprok.persons.names is not importable."""
    words = text.translate(_FOLD).lower().split()
    return " ".join(w for w in words if w not in {"oglu", "gizi"})


def name_key_function() -> tuple[Callable[[str], str], str]:
    """The persons app's name folding (what its services store), or the marked fallback above."""
    try:
        from eprok.persons.names import name_key
    except ImportError:  # only while the persons app has no name folding
        return fallback_name_key, "FALLBACK bench.seeding_casework.fallback_name_key"
    return name_key, "eprok.persons.names.name_key"


# --- texts ----------------------------------------------------------------------------------------

# (summary, preliminary articles, has a victim)
TOPICS: tuple[tuple[str, str, bool], ...] = (
    ("{place} ərazisində vətəndaşa məxsus mobil telefonun oğurlanması barədə ərizə.", "177.2.4", True),
    ("Mənzildən qiymətli əşyaların və pul vəsaitinin oğurlanması barədə ərizə.", "177.2.3", True),
    ("Bank kartından icazəsiz olaraq pul vəsaitinin çıxarılması barədə ərizə.", "178.2.4", True),
    (
        "Avtomobil satışı adı ilə dələduzluq yolu ilə pul vəsaitinin ələ keçirilməsi barədə ərizə.",
        "178.2",
        True,
    ),
    ("{place} ərazisində dava zamanı vətəndaşa az ağır xəsarət yetirilməsi barədə məlumat.", "127.1", True),
    ("Qəsdən ağır xəsarət yetirilməsi faktı üzrə xəstəxanadan daxil olmuş məlumat.", "126.1", True),
    ("Narkotik vasitənin qanunsuz saxlanılması faktı barədə polis əməkdaşının raportu.", "234.1", False),
    ("{place} ərazisində ictimai qaydanın kobud pozulması (xuliqanlıq) barədə raport.", "221.1", False),
    ("Yol-nəqliyyat hadisəsi nəticəsində piyadanın ağır xəsarət alması barədə məlumat.", "263.1", True),
    ("Vəzifəli şəxs tərəfindən rüşvət tələb edilməsi barədə məlumat.", "311.1", False),
    ("Dövlət əmlakının mənimsənilməsi barədə audit aktı.", "179.3.2", False),
    ("Saxta sənədin hazırlanması və istifadəsi barədə material.", "320.2", False),
)
PLACES = (
    "Bakı şəhəri, Nəsimi rayonu, Azadlıq prospekti",
    "Bakı şəhəri, Xətai rayonu, Babək prospekti",
    "Bakı şəhəri, Yasamal rayonu, Şərifzadə küçəsi",
    "Bakı şəhəri, Binəqədi rayonu, 9-cu mikrorayon",
    "Bakı şəhəri, Səbail rayonu, Neftçilər prospekti",
    "Bakı şəhəri, Nərimanov rayonu, Təbriz küçəsi",
    "Sumqayıt şəhəri, 9-cu mikrorayon",
    "Gəncə şəhəri, Nizami küçəsi",
    "Lənkəran şəhəri, Heydər Əliyev prospekti",
    "Şəki şəhəri, M. F. Axundzadə prospekti",
)
TRANSFER_BODIES = (
    "Daxili İşlər Nazirliyinin rayon polis idarəsi",
    "Dövlət Təhlükəsizliyi Xidməti",
    "Dövlət Gömrük Komitəsi",
    "Vergilər Nazirliyinin İstintaq İdarəsi",
)
CHECK_TEXTS = {
    "scene_examination": "Hadisə yerinə baxış keçirilmiş, protokol tərtib edilmişdir.",
    "expert_examination": "Məhkəmə-tibbi ekspertiza təyin edilmişdir.",
    "audit": "Maliyyə-təsərrüfat fəaliyyətinin yoxlanılması tapşırılmışdır.",
    "explanation": "Ərizəçidən və şahidlərdən izahat alınmışdır.",
    "request": "Bankdan hesab üzrə çıxarış sorğulanmışdır.",
    "detention": "Şəxs cinayət işi başlanmadan tutulmuşdur.",
    "other": "Videomüşahidə kameralarının yazıları götürülmüşdür.",
}
CHECK_KINDS = ("explanation", "request", "scene_examination", "expert_examination", "audit", "other")
CHECK_KIND_WEIGHTS = (45, 20, 15, 10, 4, 6)
INDEPENDENT_KINDS = ("scene_examination", "expert_examination", "audit", "explanation")
EXTENSION_REASONS = (
    "Ekspert rəyinin alınması üçün əlavə vaxt tələb olunur.",
    "Sənədli yoxlamanın (təftişin) nəticələri gözlənilir.",
    "Bankdan sorğulanan məlumatlar daxil olmamışdır.",
)
DECISION_GROUNDS = {
    "case_opened": (
        "Cinayət əlamətləri müəyyən edildiyindən CPM-in 203 və 204-cü maddələrinə əsasən "
        "cinayət işi başlanılmışdır."
    ),
    "refused": (
        "Cinayət hadisəsi və ya tərkibi müəyyən edilmədiyindən cinayət işinin başlanması rədd edilmişdir."
    ),
    "transferred": "Material aidiyyəti üzrə göndərilmişdir.",
    "joined": "Material eyni fakt üzrə əvvəl qeydə alınmış materialla birləşdirilmişdir.",
}
OPENING_GROUNDS = (
    "Cinayət haqqında məlumat və toplanmış ilkin sübutlar cinayət əlamətlərini kifayət qədər göstərir."
)
ACT_TITLES: dict[str, tuple[str, ...]] = {
    "decision": (
        "Şəxsin zərərçəkmiş şəxs qismində tanınması haqqında qərar",
        "Məhkəmə-tibbi ekspertizanın təyin edilməsi haqqında qərar",
        "Maddi sübut kimi tanınma haqqında qərar",
    ),
    "protocol": (
        "Zərərçəkmiş şəxsin dindirilməsi protokolu",
        "Şahidin dindirilməsi protokolu",
        "Hadisə yerinə baxış protokolu",
        "Şübhəli şəxsin dindirilməsi protokolu",
        "Üzləşdirmə protokolu",
        "Axtarış protokolu",
    ),
    "motion": (
        "Axtarış aparılması barədə məhkəməyə vəsatət",
        "İstintaq müddətinin uzadılması haqqında vəsatət",
    ),
    "other": ("Mobil operatora sorğu", "Banka sorğu"),
}
INSTRUCTIONS = (
    "Zərərçəkmiş şəxsin əlavə dindirilməsini təmin edin.",
    "Məhkəmə-tibbi ekspertizanın nəticələrini işə əlavə edin.",
    "Hadisə yerindəki videomüşahidə kameralarının yazılarını götürün.",
    "Şübhəli şəxsin telefon danışıqları barədə məlumatı sorğulayın.",
    "İstintaq müddətinin uzadılması barədə vəsatəti vaxtında təqdim edin.",
)
SUSPENSION_REASON = "Təqsirləndirilən şəxs qismində cəlb olunmalı şəxs müəyyən edilməmişdir."
COMPLETION_GROUNDS = {
    "sent_to_court": "İttiham aktı ilə birlikdə iş məhkəməyə göndərilmişdir.",
    "indictment": "İttiham aktı nəzarət edən prokurora təqdim edilmişdir.",
    "terminated": "Cinayət təqibinə xitam verilmişdir.",
    "referred": "İş aidiyyəti üzrə göndərilmişdir.",
    "joined": "İş digər cinayət işi ilə bir icraatda birləşdirilmişdir.",
}
# Articles a district office sees most (theft, fraud, embezzlement, injuries, hooliganism, drugs, traffic).
COMMON_ARTICLES = ("177", "178", "179", "126", "127", "128", "221", "234", "263", "311", "320", "206", "228")


# --- the world the seeders share ------------------------------------------------------------------


@dataclass(slots=True)
class UnitInfo:
    id: int
    code: str
    path: str
    weight: float


@dataclass
class Staff:
    investigators: dict[int, list[int]]
    supervisors: dict[int, list[int]]
    registrars: dict[int, list[int]]
    any_investigator: list[int]
    any_supervisor: list[int]
    any_registrar: list[int]
    bench: int

    def pick(
        self, rng: random.Random, pool: dict[int, list[int]], fallback: list[int], unit: UnitInfo
    ) -> int:
        choices = pool.get(unit.id) or fallback or [self.bench]
        return choices[rng.randrange(len(choices))]


class Terms:
    """The deadline engine over the rule rows, memoised: seeded dates are the engine's own."""

    def __init__(self) -> None:
        from eprok.core.models import DeadlineRule

        self.rules = {rule.code: rule for rule in DeadlineRule.objects.all()}
        self._memo: dict[tuple[Any, ...], Any] = {}

    def steps(self, code: str) -> list[tuple[str, int]]:
        return [(str(s["key"]), int(s["length"])) for s in self.rules[code].extension_steps or []]

    def deadline(
        self,
        code: str,
        start: dt.date,
        extensions: tuple[tuple[str, int], ...] = (),
        suspensions: tuple[tuple[dt.date, dt.date], ...] = (),
    ) -> Any:
        from eprok.core.calendar.deadlines import Extension, compute_deadline

        key = (code, start, extensions, suspensions)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = compute_deadline(
                self.rules[code],
                start,
                extensions=[Extension(length, step) for step, length in extensions],
                suspensions=list(suspensions),
            )
        return found


@dataclass
class World:
    rng: random.Random
    now: dt.datetime
    today: dt.date
    units: list[UnitInfo]
    bench_unit: UnitInfo
    city_unit_id: int
    staff: Staff
    terms: Terms
    persons: tuple[int, int] = (0, 0)  # first id, count
    warning_days: int = 3

    def person(self) -> int:
        first, count = self.persons
        return first + self.rng.randrange(count)

    def pick_unit(self, k: int, bench_minimum: int = 0) -> list[UnitInfo]:
        """`k` units drawn by weight; at least `bench_minimum` of them the benchmark employee's district
        (so that a small seed still gives its lists and cards rows to show)."""
        picks = self.rng.choices(self.units, weights=[u.weight for u in self.units], k=k)
        missing = min(bench_minimum, k) - sum(1 for u in picks if u is self.bench_unit)
        for i, unit in enumerate(picks):
            if missing <= 0:
                break
            if unit is not self.bench_unit:
                picks[i] = self.bench_unit
                missing -= 1
        return picks


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def office_hours(moment: dt.datetime, rng: random.Random, latest: dt.datetime) -> dt.datetime:
    """The same local day at a working hour (never after `latest`)."""
    local = timezone.localtime(moment)
    placed = local.replace(hour=rng.randrange(8, 19), minute=rng.randrange(60), second=rng.randrange(60))
    return min(placed, latest)


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def register_number(register: str, unit_code: str, year: int, seq: int) -> str:
    from eprok.core.numbering import DEFAULT_PREFIXES, format_number, pattern_for

    prefix = {**DEFAULT_PREFIXES, **getattr(settings, "EPROK_REGISTER_PREFIXES", {})}.get(register, "")
    return format_number(pattern_for(register), prefix=prefix, unit=unit_code, year=year, seq=seq)


def url_for(name: str, number: str, fallback: str) -> str:
    try:
        return reverse(name, kwargs={"number": number})
    except NoReverseMatch:
        return fallback


def _label(module: str, attr: str, fallback: str, key: str | None = None) -> str:
    """A tracked-deadline label from the owning app when it has one, in the service's language."""
    try:
        value: Any = getattr(import_module(module), attr)
        if key is not None:
            value = value[key]
    except (ImportError, AttributeError, KeyError):
        value = fallback
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def alert_level(ends_at: dt.datetime, now: dt.datetime, warning_days: int) -> int:
    """What the alert job would already have sent for a term: 2 overdue, 1 approaching, 0 none."""
    if ends_at <= now:
        return 2
    return 1 if ends_at <= now + dt.timedelta(days=warning_days) else 0


def world(plan: SeedPlan) -> World:
    """The units, staff and engine the casework seeders share (built once per plan)."""
    found: World | None = plan.state.get("casework_world")
    if found is not None:
        return found
    from eprok.org.models import RoleAssignment, Unit, UnitKind
    from eprok.org.roles import Role

    rng = random.Random(SEED)  # benchmark data, not secrets
    now = timezone.now()
    units = list(Unit.objects.filter(kind=UnitKind.DISTRICT_OFFICE, is_active=True).order_by("path"))
    if not units:
        units = [u for u in Unit.objects.filter(is_active=True).order_by("path") if not u.children.exists()]
    if not units:
        raise RuntimeError("no units to register crime reports in: seed the structure first")
    by_id = {u.pk: u for u in Unit.objects.all()}
    bench_district = next(
        (u for u in units if u.parent_id and by_id[u.parent_id].kind == UnitKind.CITY_OFFICE), units[0]
    )
    city_id = bench_district.parent_id or bench_district.pk
    infos = [
        UnitInfo(u.pk, u.code, u.path, BENCH_UNIT_WEIGHT if u.pk == bench_district.pk else 1.0) for u in units
    ]
    bench_info = next(u for u in infos if u.id == bench_district.pk)

    user = bench_employee(create=True)
    _grant_bench(user, bench_district, by_id[city_id])

    pools: dict[str, dict[int, list[int]]] = {r: defaultdict(list) for r in ("inv", "sup", "reg")}
    anyone: dict[str, list[int]] = {"inv": [], "sup": [], "reg": []}
    short: dict[str, str] = {Role.INVESTIGATE: "inv", Role.SUPERVISE: "sup", Role.REGISTER_MATERIALS: "reg"}
    rows = RoleAssignment.objects.filter(role__in=list(short), ended_at__isnull=True).exclude(employee=user)
    paths = sorted((u.path, u.id) for u in infos)
    for role, employee_id, unit_path, subunits in rows.values_list(
        "role", "employee_id", "unit__path", "include_subunits"
    ):
        kind = short[role]
        anyone[kind].append(employee_id)
        # The units the grant covers among the seeded ones: its own, or its subtree with sub-units.
        start = bisect.bisect_left(paths, (unit_path, 0))
        for path, unit_id in paths[start:]:
            if not path.startswith(unit_path):
                break
            if path == unit_path or subunits:
                pools[kind][unit_id].append(employee_id)
    staff = Staff(
        investigators=pools["inv"],
        supervisors=pools["sup"],
        registrars=pools["reg"],
        any_investigator=anyone["inv"],
        any_supervisor=anyone["sup"],
        any_registrar=anyone["reg"],
        bench=user.pk,
    )
    found = World(
        rng=rng,
        now=now,
        today=timezone.localdate(now),
        units=infos,
        bench_unit=bench_info,
        city_unit_id=city_id,
        staff=staff,
        terms=Terms(),
        warning_days=int(getattr(settings, "EPROK_DEADLINE_WARNING_DAYS", 3)),
    )
    plan.state["casework_world"] = found
    return found


def _grant_bench(user: Any, district: Any, city: Any) -> None:
    from eprok.org.models import RoleAssignment
    from eprok.org.roles import Role

    since = dt.date.today() - dt.timedelta(days=3 * 365)
    for role, unit, subunits in (
        (Role.INVESTIGATE, district, False),
        (Role.REGISTER_MATERIALS, district, False),
        (Role.SUPERVISE, city, True),
    ):
        RoleAssignment.objects.get_or_create(
            employee=user,
            role=role,
            unit=unit,
            defaults={"include_subunits": subunits, "valid_from": since},
        )


def write(model: Any, row_type: Any, rows: Sequence[tuple[Any, ...]], progress: Any = None) -> dict[str, Any]:
    """Insert rows of a named row type into the model's table; its field names are the columns."""
    return insert_model_rows(model, row_type._fields, rows, progress=progress, total=len(rows))


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 2)


# --- persons --------------------------------------------------------------------------------------

FOREIGN_CITIZENSHIPS = ("RU", "GE", "TR", "IR", "UA", "UZ", "KZ")


class PersonRow(NamedTuple):
    id: int
    public_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    kind: str
    fin: str | None
    last_name: str
    first_name: str
    patronymic: str
    birth_date: dt.date
    sex: str
    citizenship: str
    name_key: str
    version: int = 1


def _name_pools(size: int = 250) -> dict[str, list[str]]:
    from faker import Faker

    fake = Faker("az_AZ")
    fake.seed_instance(SEED)
    return {
        "male": sorted({fake.first_name_male() for _ in range(size)}),
        "female": sorted({fake.first_name_female() for _ in range(size)}),
        "last_male": sorted({fake.last_name_male() for _ in range(size)}),
        "last_female": sorted({fake.last_name_female() for _ in range(size)}),
    }


def seed_persons(plan: SeedPlan) -> None:
    """`BASE_PERSONS × scale` natural persons with Azerbaijani names; 95% citizens with a unique FIN."""
    from eprok.persons.models import Person, PersonKind, Sex

    started = time.perf_counter()
    w = world(plan)
    count = plan.count(BASE_PERSONS, minimum=50)
    first = next_id(Person)
    rng = random.Random(SEED + 1)
    pools = _name_pools()
    name_key, name_key_source = name_key_function()
    born_from = dt.date(1945, 1, 1).toordinal()
    born_span = dt.date(2007, 12, 31).toordinal() - born_from
    rows = []
    for n in range(count):
        male = rng.random() < 0.62  # parties to criminal matters are more often men
        first_name = rng.choice(pools["male"] if male else pools["female"])
        last_name = rng.choice(pools["last_male"] if male else pools["last_female"])
        patronymic = f"{rng.choice(pools['male'])} {'oğlu' if male else 'qızı'}"
        citizen = rng.random() < 0.95
        # Entered before the reports and cases they appear in (an earlier register, a migration).
        created = w.now - dt.timedelta(days=HISTORY_DAYS + rng.uniform(1, 365))
        rows.append(
            PersonRow(
                id=first + n,
                public_id=new_uuid(rng),
                created_at=created,
                updated_at=created,
                kind=PersonKind.NATURAL.value,
                fin=fin_for(first + n) if citizen else None,
                last_name=last_name,
                first_name=first_name,
                patronymic=patronymic,
                birth_date=dt.date.fromordinal(born_from + rng.randrange(born_span)),
                sex=(Sex.MALE if male else Sex.FEMALE).value,
                citizenship="AZ" if citizen else rng.choice(FOREIGN_CITIZENSHIPS),
                name_key=name_key(f"{last_name} {first_name} {patronymic}"),
            )
        )
    figures = write(Person, PersonRow, rows, progress=plan.progress)
    w.persons = (first, count)
    plan.report["persons"] = {**figures, "name_key": name_key_source, "seconds": _since(started)}
    plan.progress(
        f"persons: {count:,} in {_since(started)} s ({figures['method']}; name keys: {name_key_source})"
    )


# --- crime reports --------------------------------------------------------------------------------

SOURCES = (
    ("applicant_statement", 55),
    ("official_report", 20),
    ("transfer", 8),
    ("hotline", 6),
    ("appeal", 5),
    ("media", 3),
    ("self_detection", 2),
    ("surrender", 1),
)
APPLICANT_SOURCES = frozenset({"applicant_statement", "hotline", "appeal"})
REFUSAL_GROUNDS = (("39.1.2", 60), ("39.1.1", 25), ("39.1.4", 5), ("39.1.7", 5), ("other", 5))
DECIDED_STATUSES = (("refused", 62), ("transferred", 25), ("joined", 13))
CHECK_RULE = "cpc.207.check"


class MaterialRow(NamedTuple):
    id: int
    public_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    number: str
    unit_id: int
    source: str
    received_at: dt.datetime
    registered_at: dt.datetime
    registered_by_id: int
    is_anonymous: bool
    source_reference: str
    summary: str
    incident_date: dt.date
    incident_place: str
    articles: str
    assignee_id: int | None
    status: str
    check_due: dt.date
    check_round: int
    check_started_at: dt.datetime | None
    decided_at: dt.datetime | None
    decided_by_id: int | None
    decision_grounds: str
    case_number: str
    refusal_ground: str
    transferred_to_body: str
    joined_to_id: int | None
    version: int


class MaterialPartyRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    material_id: int
    person_id: int
    role: str


class CheckActionRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    material_id: int
    kind: str
    performed_on: dt.date
    description: str
    recorded_by_id: int


class CheckExtensionRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    material_id: int
    step: str
    check_round: int
    length: int
    reason: str
    granted_by_id: int


class TrackedRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    owner_type: str
    owner_id: int
    key: str
    rule_code: str
    ends_at: dt.datetime
    due_is_moment: bool
    unit_id: int
    responsible_id: int | None
    title: str
    label: str
    url: str
    alerted: int
    state: str = "open"


@dataclass(slots=True)
class MaterialPlan:
    unit: UnitInfo
    registered_at: dt.datetime
    open: bool
    status: str = ""
    source: str = ""
    anonymous: bool = False
    topic: int = 0
    id: int = 0
    number: str = ""
    decided_at: dt.datetime | None = None
    extensions: tuple[tuple[str, int], ...] = ()
    assignee: int | None = None
    case_number: str = ""
    victim: int | None = None
    suspect: int | None = None


@dataclass(slots=True)
class CasePlan:
    unit: UnitInfo
    opened_at: dt.datetime
    material: MaterialPlan | None
    id: int = 0
    number: str = ""


class Numbering:
    """Register numbers issued in time order per (unit, year), continuing the existing sequences."""

    def __init__(self, register: str) -> None:
        from eprok.core.models import RegisterSequence

        self.register = register
        rows = RegisterSequence.objects.filter(register=register).values_list("scope", "year", "last_value")
        self.last: dict[tuple[str, int], int] = {(scope, year): value for scope, year, value in rows}

    def issue(self, unit_code: str, moment: dt.datetime) -> str:
        year = timezone.localtime(moment).year
        seq = self.last.get((unit_code, year), 0) + 1
        self.last[(unit_code, year)] = seq
        return register_number(self.register, unit_code, year, seq)

    def save(self) -> int:
        """Set every sequence to the last number issued, so that registrations continue after it."""
        from eprok.core.models import RegisterSequence

        RegisterSequence.objects.bulk_create(
            [
                RegisterSequence(register=self.register, scope=scope, year=year, last_value=value)
                for (scope, year), value in self.last.items()
            ],
            update_conflicts=True,
            unique_fields=["register", "scope", "year"],
            update_fields=["last_value"],
            batch_size=1_000,
        )
        return len(self.last)


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def check_extensions(terms: Terms) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """The extensions that take the check to its first and to its longest term (CPC 207.1.2: to 10
    days, or to 30). The rule's steps are read from its row: alternatives when the longest step alone
    reaches the maximum, otherwise cumulative."""
    rule = terms.rules[CHECK_RULE]
    steps = tuple(terms.steps(CHECK_RULE))
    if not steps:
        return (), ()
    longest = max(steps, key=lambda step: step[1])
    cap = rule.max_total_length or rule.length + sum(length for _key, length in steps)
    to_thirty = (longest,) if rule.length + longest[1] >= cap else steps
    return steps[:1], to_thirty


def plan_materials(w: World, count: int, case_count: int) -> tuple[list[MaterialPlan], list[CasePlan]]:
    """Who registered what and when, what was decided, and which cases were opened (on reports or not)."""
    rng = random.Random(SEED + 2)
    now, staff = w.now, w.staff
    to_ten, to_thirty = check_extensions(w.terms)
    plans: list[MaterialPlan] = []
    for unit in w.pick_unit(count, BENCH_MIN_MATERIALS):
        if rng.random() < OPEN_MATERIAL_SHARE:
            age = OPEN_CHECK_DAYS * rng.random() ** 2  # most open reports are young
            moment = office_hours(now - dt.timedelta(days=age), rng, now - dt.timedelta(minutes=5))
            plan = MaterialPlan(unit, moment, True)
        else:
            moment = office_hours(now - dt.timedelta(days=rng.uniform(4, HISTORY_DAYS)), rng, now)
            plan = MaterialPlan(unit, moment, False)
        plan.source = _weighted(rng, SOURCES)
        plan.anonymous = plan.source in {"hotline", "appeal"} and rng.random() < 0.35
        plan.topic = rng.randrange(len(TOPICS))
        plans.append(plan)

    decided = [p for p in plans if not p.open]
    opened = {id(p) for p in rng.sample(decided, min(round(case_count * CASES_FROM_MATERIALS), len(decided)))}
    for p in plans:
        if p.unit.id == w.bench_unit.id and rng.random() < BENCH_LEAD_SHARE:
            assignee = staff.bench
        else:
            assignee = staff.pick(rng, staff.investigators, staff.any_investigator, p.unit)
        if p.open:
            age = (now - p.registered_at).total_seconds() / 86_400
            p.status = "registered" if age < 1 else "in_check"
            if age > 3 and rng.random() < 0.85:
                p.extensions = to_thirty if age > 10 and rng.random() < 0.8 else to_ten
            # Half of the reports registered today are not assigned yet.
            p.assignee = None if p.status == "registered" and rng.random() < 0.5 else assignee
            continue
        r = rng.random()
        if r < 0.7:
            days, p.extensions = rng.uniform(0.2, 3), ()
        elif r < 0.95:
            days, p.extensions = rng.uniform(3, 10), to_ten
        else:
            days, p.extensions = rng.uniform(10, 30), to_thirty
        p.decided_at = min(p.registered_at + dt.timedelta(days=days), now - dt.timedelta(hours=1))
        p.assignee = assignee
        p.status = "case_opened" if id(p) in opened else _weighted(rng, DECIDED_STATUSES)

    plans.sort(key=lambda p: p.registered_at)
    cases = [CasePlan(p.unit, p.decided_at, p) for p in plans if p.status == "case_opened" and p.decided_at]
    have = sum(1 for c in cases if c.unit is w.bench_unit)
    for unit in w.pick_unit(max(case_count - len(cases), 0), BENCH_MIN_CASES - have):
        moment = now - dt.timedelta(days=rng.uniform(0.1, HISTORY_DAYS))
        cases.append(CasePlan(unit, office_hours(moment, rng, now - dt.timedelta(minutes=5)), None))
    cases.sort(key=lambda c: c.opened_at)
    return plans, cases


def number_plans(materials: list[MaterialPlan], cases: list[CasePlan]) -> tuple[Numbering, Numbering]:
    """Ids and register numbers in time order; each report that opened a case gets the case's number."""
    from eprok.cases.models import Case
    from eprok.materials.models import Material

    materials_register, cases_register = Numbering("materials"), Numbering("cases")
    first = next_id(Material)
    for n, p in enumerate(materials):
        p.id = first + n
        p.number = materials_register.issue(p.unit.code, p.registered_at)
    first = next_id(Case)
    for n, c in enumerate(cases):
        c.id = first + n
        c.number = cases_register.issue(c.unit.code, c.opened_at)
        if c.material is not None:
            c.material.case_number = c.number
    return materials_register, cases_register


class MaterialRows:
    """Every row a crime report fills, collected in memory, then written table by table."""

    def __init__(self, w: World) -> None:
        self.w = w
        self.rng = random.Random(SEED + 3)
        self.label = _label(
            "eprok.materials.terms", "TRACK_LABEL", "Cinayət haqqında məlumatın ilkin yoxlanılması"
        )
        self.previous_in_unit: dict[int, int] = {}
        self.materials: list[MaterialRow] = []
        self.parties: list[MaterialPartyRow] = []
        self.actions: list[CheckActionRow] = []
        self.extensions: list[CheckExtensionRow] = []
        self.tracked: list[TrackedRow] = []

    def add(self, p: MaterialPlan) -> None:
        rng, w, staff = self.rng, self.w, self.w.staff
        text, articles, has_victim = TOPICS[p.topic]
        place = PLACES[rng.randrange(len(PLACES))]
        registered = p.registered_at
        end = p.decided_at or w.now
        deadline = w.terms.deadline(CHECK_RULE, local_day(registered), p.extensions)
        registrar = staff.pick(rng, staff.registrars, staff.any_registrar, p.unit)
        supervisor = staff.pick(rng, staff.supervisors, staff.any_supervisor, p.unit)
        joined_to = self.previous_in_unit.get(p.unit.id) if p.status == "joined" else None
        if p.status == "joined" and joined_to is None:
            p.status = "refused"  # nothing earlier in the unit to join
        self.previous_in_unit[p.unit.id] = p.id
        with_reference = p.source in {"official_report", "transfer"}
        self.materials.append(
            MaterialRow(
                id=p.id,
                public_id=new_uuid(rng),
                created_at=registered,
                updated_at=end if p.decided_at else registered,
                number=p.number,
                unit_id=p.unit.id,
                source=p.source,
                received_at=registered - dt.timedelta(minutes=rng.randrange(5, 240)),
                registered_at=registered,
                registered_by_id=registrar,
                is_anonymous=p.anonymous,
                source_reference=f"№ {rng.randrange(100, 9999)}/{registered.year}" if with_reference else "",
                summary=text.format(place=place),
                incident_date=local_day(registered) - dt.timedelta(days=rng.randrange(3)),
                incident_place=place,
                articles=articles,
                assignee_id=p.assignee,
                status=p.status,
                check_due=deadline.due,
                check_round=1,
                check_started_at=registered,  # the first round runs from registration, as the service sets
                decided_at=p.decided_at,
                decided_by_id=(p.assignee or supervisor) if p.decided_at else None,
                decision_grounds=DECISION_GROUNDS.get(p.status, "") if p.decided_at else "",
                case_number=p.case_number,
                refusal_ground=_weighted(rng, REFUSAL_GROUNDS) if p.status == "refused" else "",
                transferred_to_body=rng.choice(TRANSFER_BODIES) if p.status == "transferred" else "",
                joined_to_id=joined_to,
                version=1 + len(p.extensions) + (1 if p.decided_at else 0),
            )
        )
        # Parties: the applicant (not of an anonymous report), often also the victim; a suspect sometimes.
        applicant = w.person() if p.source in APPLICANT_SOURCES and not p.anonymous else None
        if applicant is not None:
            self.parties.append(MaterialPartyRow(registered, registered, p.id, applicant, "applicant"))
        if has_victim:
            p.victim = applicant if applicant is not None and rng.random() < 0.7 else w.person()
            self.parties.append(MaterialPartyRow(registered, registered, p.id, p.victim, "victim"))
        if p.source == "surrender" or rng.random() < 0.4:
            suspect = w.person()
            if suspect not in (applicant, p.victim):
                p.suspect = suspect
                when = min(registered + dt.timedelta(hours=rng.uniform(1, 48)), end)
                self.parties.append(MaterialPartyRow(when, when, p.id, suspect, "suspect"))
        # Steps of the check; an anonymous report that opened a case has an independent one.
        count = 0 if p.status == "registered" else rng.randint(*((1, 3) if p.decided_at else (0, 2)))
        kinds = rng.choices(CHECK_KINDS, weights=CHECK_KIND_WEIGHTS, k=count)
        if p.anonymous and p.status == "case_opened":
            kinds.insert(0, rng.choice(INDEPENDENT_KINDS))
        for kind in kinds:
            moment = registered + (end - registered) * rng.random()
            self.actions.append(
                CheckActionRow(
                    moment, moment, p.id, kind, local_day(moment), CHECK_TEXTS[kind], p.assignee or registrar
                )
            )
        for step, length in p.extensions:
            moment = min(registered + dt.timedelta(days=2.5 if length < 10 else 9), end)
            reason = rng.choice(EXTENSION_REASONS)
            self.extensions.append(
                CheckExtensionRow(moment, moment, p.id, step, 1, length, reason, supervisor)
            )
        if p.open:
            ends_at = deadline.ends_at()
            self.tracked.append(
                TrackedRow(
                    created_at=registered,
                    updated_at=registered,
                    owner_type="materials.material",
                    owner_id=p.id,
                    key="check",
                    rule_code=CHECK_RULE,
                    ends_at=ends_at,
                    due_is_moment=deadline.due_is_moment,
                    unit_id=p.unit.id,
                    responsible_id=p.assignee,
                    title=p.number,
                    label=self.label,
                    url=url_for("materials:detail", p.number, f"/materials/{p.number}/"),
                    alerted=alert_level(ends_at, w.now, w.warning_days),
                )
            )


def seed_materials(plan: SeedPlan) -> None:
    """`BASE_MATERIALS × scale` crime reports with parties, check steps, extensions and running terms;
    also plans the cases (numbers included) that seed_cases writes."""
    from eprok.core.models import TrackedDeadline
    from eprok.materials.models import CheckAction, CheckExtension, Material, MaterialParty

    started = time.perf_counter()
    w = world(plan)
    if not w.persons[1]:
        raise RuntimeError("no persons to be parties: run seed_persons first")
    count = plan.count(BASE_MATERIALS, minimum=20)
    case_count = plan.count(BASE_CASES, minimum=6)
    materials, cases = plan_materials(w, count, case_count)
    numbers, case_numbers = number_plans(materials, cases)
    out = MaterialRows(w)
    for p in materials:
        out.add(p)
    figures = {
        "materials": write(Material, MaterialRow, out.materials, progress=plan.progress),
        "parties": write(MaterialParty, MaterialPartyRow, out.parties),
        "check_actions": write(CheckAction, CheckActionRow, out.actions),
        "check_extensions": write(CheckExtension, CheckExtensionRow, out.extensions),
        "tracked_deadlines": write(TrackedDeadline, TrackedRow, out.tracked),
    }
    sequences = numbers.save()
    plan.state["casework_cases"] = (cases, case_numbers)
    open_count = len(out.tracked)
    overdue = sum(1 for row in out.tracked if row.ends_at <= w.now)
    plan.report["materials"] = {
        "materials": len(out.materials),
        "open": open_count,
        "open_overdue": overdue,
        "sequences": sequences,
        "rows": {name: f["rows"] for name, f in figures.items()},
        "method": figures["materials"]["method"],
        "seconds": _since(started),
    }
    plan.progress(
        f"materials: {len(out.materials):,} ({open_count:,} under check, {overdue:,} overdue), "
        f"{len(out.parties):,} parties, {len(out.actions):,} check steps in {_since(started)} s"
    )


# --- criminal cases -------------------------------------------------------------------------------

# Status by the case's age in days: young cases are under investigation, old ones mostly finished.
STATUS_BY_AGE: tuple[tuple[float, tuple[tuple[str, int], ...]], ...] = (
    (60, (("investigation", 88), ("suspended", 5), ("terminated", 4), ("sent_to_court", 3))),
    (
        180,
        (
            ("investigation", 45),
            ("suspended", 15),
            ("indictment", 2),
            ("sent_to_court", 23),
            ("terminated", 12),
            ("referred", 2),
            ("joined", 1),
        ),
    ),
    (
        float("inf"),
        (
            ("investigation", 6),
            ("suspended", 20),
            ("indictment", 1),
            ("sent_to_court", 44),
            ("terminated", 25),
            ("referred", 3),
            ("joined", 1),
        ),
    ),
)
FINISHED = frozenset({"sent_to_court", "terminated", "referred", "joined"})
# Statuses in which measures keep running and instructions are tracked (as eprok.cases.terms).
MEASURE_STATUSES = frozenset({"investigation", "suspended", "indictment", "sent_to_court"})
INSTRUCTION_STATUSES = frozenset({"investigation", "suspended"})
MEASURE_KINDS = (
    ("undertaking", 40),
    ("police_supervision", 15),
    ("arrest", 30),
    ("house_arrest", 8),
    ("bail", 4),
    ("personal_guarantee", 3),
)
TERMINATION_GROUNDS = (("39.1.2", 40), ("40.2", 25), ("39.1.4", 10), ("41.1", 15), ("39.1.1", 10))
DAYS_PER_MONTH = 30.4
DETENTION_RULE = "cpc.148.detention"
INDICTMENT_RULE = "cpc.290.prosecutor_decision"
LABEL_FALLBACKS = {
    "investigation": "İbtidai istintaq müddəti",
    "indictment": "İttiham aktı üzrə prokurorun qərarı",
    "measure": "Qətimkan tədbirinin müddəti",
    "instruction": "Göstəriş",
}


class CaseRow(NamedTuple):
    id: int
    public_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    number: str
    material_id: int | None
    unit_id: int
    investigator_id: int
    supervisor_id: int
    opened_at: dt.datetime
    opened_by_id: int
    opening_grounds: str
    summary: str
    category: int
    main_article: str
    status: str
    investigation_due: dt.date | None
    completed_at: dt.datetime | None
    completion_grounds: str
    termination_ground: str
    referred_to: str
    joined_into_id: int | None
    version: int
    articles: str
    in_custody: bool
    indictment_submitted_at: dt.datetime | None
    next_due_at: dt.datetime | None
    next_due_key: str


class QualificationRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    case_id: int
    article_id: int
    reference: str
    is_main: bool
    valid_from: dt.date
    ended_on: dt.date | None
    reason: str
    recorded_by_id: int


class TeamRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    case_id: int
    employee_id: int
    role: str
    removed_at: dt.datetime | None


class CasePartyRow(NamedTuple):
    id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    case_id: int
    person_id: int
    role: str
    since: dt.date
    until: dt.date | None


class MeasureRow(NamedTuple):
    id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    case_id: int
    party_id: int
    kind: str
    started_at: dt.datetime
    rule_code: str
    due_at: dt.datetime | None
    court_decision: str
    ended_at: dt.datetime | None
    end_reason: str
    recorded_by_id: int
    term_started_at: dt.datetime | None


class ActRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    case_id: int
    kind: str
    title: str
    act_date: dt.date
    party_id: int | None
    author_id: int
    event: str


class TermExtensionRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    case_id: int
    step: str
    length: int
    reason: str
    decision_reference: str
    granted_by_id: int


class SuspensionRow(NamedTuple):
    created_at: dt.datetime
    updated_at: dt.datetime
    case_id: int
    ground: str
    started_on: dt.date
    ended_on: dt.date | None
    reason: str


class InstructionRow(NamedTuple):
    id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    case_id: int
    author_id: int
    text: str
    due_date: dt.date
    acknowledged_at: dt.datetime | None
    acknowledged_by_id: int | None
    completed_at: dt.datetime | None
    report: str


@dataclass
class Articles:
    """Articles of the Criminal Code in force today, the ones a district sees most weighted up."""

    rows: list[tuple[int, str, int]]
    weights: list[float]

    @classmethod
    def in_force(cls, today: dt.date) -> Articles:
        from django.db.models import Q

        from eprok.criminal_code.models import Article

        rows = [
            (pk, number, int(category or 0))
            for pk, number, category in Article.objects.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=today),
                valid_from__lte=today,
                category__isnull=False,
            )
            .order_by("sort_key")
            .values_list("pk", "number", "category")
        ]
        if not rows:
            raise RuntimeError(
                "no articles of the Criminal Code in force (the criminal_code migration loads them)"
            )
        return cls(rows, [12.0 if number in COMMON_ARTICLES else 1.0 for _pk, number, _cat in rows])

    def pick(self, rng: random.Random) -> tuple[int, str, int]:
        return rng.choices(self.rows, weights=self.weights)[0]


def _reference(rng: random.Random, number: str) -> str:
    return f"{number}.{rng.randint(1, 2)}" if rng.random() < 0.7 else number


def _not_counted(periods: list[tuple[dt.date, dt.date | None]]) -> tuple[tuple[dt.date, dt.date], ...]:
    """Days not counted into the term: strictly between suspension and resumption (eprok.cases.terms)."""
    out = []
    for started, ended in periods:
        if ended is None:
            continue
        first, last = started + dt.timedelta(days=1), ended - dt.timedelta(days=1)
        if first <= last:
            out.append((first, last))
    return tuple(out)


def _midnight_after(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass(frozen=True)
class InstructionDue:
    """An instruction's due date as a deadline-like value (set by its author, not by a rule)."""

    due: dt.date
    rule_code: str = "instruction"
    due_is_moment: bool = False

    def ends_at(self) -> dt.datetime:
        return _midnight_after(self.due)


@dataclass
class _Ids:
    party: int
    measure: int
    instruction: int

    def take(self, name: str) -> int:
        value: int = getattr(self, name)
        setattr(self, name, value + 1)
        return value


@dataclass
class _Case:
    """One case while it is being built: what its later tables need from the earlier ones."""

    plan: CasePlan
    status: str
    age: float
    end: dt.datetime
    completed: dt.datetime | None
    submitted: dt.datetime | None
    category: int
    investigator: int
    supervisor: int
    party: dict[str, int] = field(default_factory=dict)
    charged_on: dt.date | None = None
    running: dict[str, tuple[Any, str]] = field(default_factory=dict)  # key -> (deadline, label)
    in_custody: bool = False
    investigation_due: dt.date | None = None
    granted: int = 0
    suspended: int = 0
    measure_acts: int = 0


class CaseRows:
    """Every row a case fills, collected in memory, then written table by table."""

    def __init__(self, w: World, articles: Articles, statuses: set[str], ids: _Ids) -> None:
        from eprok.cases.models import MeasureKind

        self.w = w
        self.articles = articles
        self.statuses = statuses
        self.ids = ids
        self.rng = random.Random(SEED + 4)
        self.previous_in_unit: dict[int, int] = {}
        self.bench_led = 0  # cases under investigation the benchmark employee leads
        self.labels = {
            key: _label("eprok.cases.terms", "LABELS", text, key) for key, text in LABEL_FALLBACKS.items()
        }
        with translation.override(settings.LANGUAGE_CODE):
            self.measure_names = {kind.value: str(kind.label) for kind in MeasureKind}
        self.cases: list[CaseRow] = []
        self.qualifications: list[QualificationRow] = []
        self.team: list[TeamRow] = []
        self.parties: list[CasePartyRow] = []
        self.acts: list[ActRow] = []
        self.measures: list[MeasureRow] = []
        self.extensions: list[TermExtensionRow] = []
        self.suspensions: list[SuspensionRow] = []
        self.instructions: list[InstructionRow] = []
        self.tracked: list[TrackedRow] = []

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        return start + (end - start) * self.rng.random()

    def status(self, age: float) -> str:
        options = next(options for limit, options in STATUS_BY_AGE if age < limit)
        return _weighted(self.rng, [o for o in options if o[0] in self.statuses])

    def add(self, plan: CasePlan) -> None:
        rng, w, staff = self.rng, self.w, self.w.staff
        opened = plan.opened_at
        age = (w.now - opened).total_seconds() / 86_400
        status = self.status(age)
        completed = submitted = None
        if status in FINISHED:
            # Most investigations end within a few months (the term with its first extension).
            days = min(age * rng.uniform(0.5, 1.0), 5 + rng.expovariate(1 / 70))
            completed = min(opened + dt.timedelta(days=days), w.now - dt.timedelta(minutes=30))
        if status == "indictment":
            submitted = max(opened, w.now - dt.timedelta(days=rng.uniform(0, 4)))
        in_bench_unit = plan.unit.id == w.bench_unit.id
        if in_bench_unit and (
            rng.random() < BENCH_LEAD_SHARE or (status == "investigation" and self.bench_led < BENCH_MIN_LED)
        ):
            investigator = staff.bench
            self.bench_led += status == "investigation"
        else:
            investigator = staff.pick(rng, staff.investigators, staff.any_investigator, plan.unit)
        _pk, _number, category = main = self.articles.pick(rng)
        case = _Case(
            plan=plan,
            status=status,
            age=age,
            end=completed or submitted or w.now,
            completed=completed,
            submitted=submitted,
            category=category,
            investigator=investigator,
            supervisor=staff.pick(rng, staff.supervisors, staff.any_supervisor, plan.unit),
        )
        references = self.qualify(case, main)
        self.staff_team(case)
        self.add_parties(case)
        self.investigation_term(case)
        self.add_measures(case)
        self.add_acts(case)
        self.add_instructions(case)
        self.track(case)
        self.add_case(case, references)

    def qualify(self, case: _Case, main: tuple[int, str, int]) -> list[str]:
        """The main article in force, sometimes a second one; rarely an earlier, re-qualified one."""
        rng, c = self.rng, case.plan
        opened, day = c.opened_at, local_day(c.opened_at)
        pk, number, _category = main
        reference = _reference(rng, number)
        since = day
        if rng.random() < 0.05:
            old_pk, old_number, _cat = self.articles.pick(rng)
            since = local_day(self.between(opened, case.end))
            self.qualifications.append(
                QualificationRow(
                    opened, opened, c.id, old_pk, _reference(rng, old_number), True, day, since, "",
                    case.investigator,
                )
            )  # fmt: skip
        reason = "Əməl yenidən tövsif edilmişdir." if since != day else ""
        self.qualifications.append(
            QualificationRow(
                opened, opened, c.id, pk, reference, True, since, None, reason, case.investigator
            )
        )
        references = [reference]
        extra_pk, extra_number, _cat = self.articles.pick(rng)
        if rng.random() < 0.25 and extra_pk != pk:
            references.append(_reference(rng, extra_number))
            self.qualifications.append(
                QualificationRow(
                    opened, opened, c.id, extra_pk, references[-1], False, day, None, "", case.investigator
                )
            )
        return references

    def staff_team(self, case: _Case) -> None:
        """The lead, sometimes a member (the benchmark employee on some of its district's cases)."""
        rng, w, c = self.rng, self.w, self.plan_of(case)
        self.team.append(TeamRow(c.opened_at, c.opened_at, c.id, case.investigator, "lead", None))
        in_bench_unit = c.unit.id == w.bench_unit.id
        if rng.random() < 0.3 or (
            in_bench_unit and case.investigator != w.staff.bench and rng.random() < 0.15
        ):
            if in_bench_unit:
                member = w.staff.bench
            else:
                member = w.staff.pick(rng, w.staff.investigators, w.staff.any_investigator, c.unit)
            if member != case.investigator:
                joined = self.between(c.opened_at, case.end)
                removed = self.between(joined, case.end) if rng.random() < 0.1 else None
                self.team.append(TeamRow(joined, joined, c.id, member, "member", removed))

    @staticmethod
    def plan_of(case: _Case) -> CasePlan:
        return case.plan

    def add_party(
        self, case: _Case, person: int, role: str, since: dt.date, until: dt.date | None = None
    ) -> int:
        pid = self.ids.take("party")
        moment = _at(since, 12)
        self.parties.append(CasePartyRow(pid, moment, moment, case.plan.id, person, role, since, until))
        return pid

    def add_parties(self, case: _Case) -> None:
        """From the report (victim, suspect) or new; witnesses; a charged suspect becomes the accused."""
        rng, w, c = self.rng, self.w, case.plan
        day = local_day(c.opened_at)
        material = c.material
        victim = material.victim if material else (w.person() if rng.random() < 0.7 else None)
        suspect = material.suspect if material else (w.person() if rng.random() < 0.55 else None)
        if victim is not None:
            case.party["victim"] = self.add_party(case, victim, "victim", day)
        if suspect is not None and suspect != victim:
            charge = case.status in {"sent_to_court", "indictment"} or (
                case.status in {"investigation", "suspended"} and case.age > 30 and rng.random() < 0.35
            )
            if charge:
                latest = min(case.end, c.opened_at + dt.timedelta(days=max(case.age * 0.8, 0.1)))
                case.charged_on = local_day(self.between(c.opened_at, latest))
                self.add_party(case, suspect, "suspect", day, case.charged_on)
                case.party["accused"] = self.add_party(case, suspect, "accused", case.charged_on)
            else:
                case.party["suspect"] = self.add_party(case, suspect, "suspect", day)
        for person in sorted({w.person() for _ in range(rng.randint(0, 2))} - {victim, suspect}):
            self.add_party(case, person, "witness", local_day(self.between(c.opened_at, case.end)))

    def investigation_term(self, case: _Case) -> None:
        """Extensions while the investigation outlasted its term; suspensions; the running term."""
        rng, w, c = self.rng, self.w, case.plan
        opened_day = local_day(c.opened_at)
        rule_code = f"cpc.218.investigation.cat{case.category}"
        periods: list[tuple[dt.date, dt.date | None]] = []
        if case.status == "suspended":
            since = local_day(self.between(c.opened_at + (w.now - c.opened_at) * 0.3, w.now))
            periods.append((since, None))
            used_until = since
        else:
            used_until = local_day(case.end)
            if case.age > 120 and rng.random() < 0.08:
                since = opened_day + dt.timedelta(days=rng.randint(20, 60))
                until = since + dt.timedelta(days=rng.randint(15, 60))
                if until < used_until:
                    periods.append((since, until))
        paused = sum(((until or used_until) - since).days for since, until in periods)
        used_days = (used_until - opened_day).days - paused
        months = w.terms.rules[rule_code].length
        granted: list[tuple[str, int]] = []
        for step, length in w.terms.steps(rule_code):
            if used_days <= months * DAYS_PER_MONTH - 7 or rng.random() >= 0.9:
                break  # not needed yet, or not asked for in time: the term runs out
            moment = c.opened_at + dt.timedelta(days=months * DAYS_PER_MONTH - 7 + paused)
            self.extensions.append(
                TermExtensionRow(
                    moment, moment, c.id, step, length, "İstintaq hərəkətlərinin başa çatdırılması üçün.",
                    f"№ {rng.randrange(1, 999)}", case.supervisor,
                )
            )  # fmt: skip
            granted.append((step, length))
            months += length
        for began, ended in periods:
            moment = _at(began, 11)
            self.suspensions.append(
                SuspensionRow(moment, moment, c.id, "53.1.1", began, ended, SUSPENSION_REASON)
            )
        case.granted, case.suspended = len(granted), len(periods)
        if case.status == "investigation":
            deadline = w.terms.deadline(rule_code, opened_day, tuple(granted), _not_counted(periods))
            case.investigation_due = deadline.due
            case.running["investigation"] = (deadline, self.labels["investigation"])
        if case.status == "indictment" and case.submitted is not None and INDICTMENT_RULE in w.terms.rules:
            deadline = w.terms.deadline(INDICTMENT_RULE, local_day(case.submitted))
            case.running["indictment"] = (deadline, self.labels["indictment"])

    def add_measures(self, case: _Case) -> None:
        """On the accused or the suspect: custody (detention, then the court's arrest) or a milder one."""
        rng, w, c = self.rng, self.w, case.plan
        party = case.party.get("accused") or case.party.get("suspect")
        if party is None or rng.random() >= 0.35:
            return
        kind = _weighted(rng, MEASURE_KINDS)
        running_case = case.status in MEASURE_STATUSES
        if kind not in {"arrest", "house_arrest"}:
            start = min(c.opened_at + dt.timedelta(days=rng.uniform(1, 10)), case.end)
            ended = None if running_case else case.completed
            self.measures.append(
                MeasureRow(
                    self.ids.take("measure"), start, ended or start, c.id, party, kind, start, "", None, "",
                    ended, "" if ended is None else "İşin icraatı başa çatmışdır.", case.investigator, None,
                )
            )  # fmt: skip
            title = "Qətimkan tədbiri seçilməsi haqqında qərar"
            self.acts.append(
                ActRow(start, start, c.id, "measure", title, local_day(start), party, case.investigator, "")
            )
            case.measure_acts += 1
            return
        arrest_rule = f"cpc.158.arrest.cat{case.category}"
        base_days = w.terms.rules[arrest_rule].length * DAYS_PER_MONTH
        running = running_case and rng.random() < 0.6
        if running:  # taken into custody within the court's first term, so it still runs
            ago = dt.timedelta(days=rng.uniform(1, base_days - 5))
            start = max(c.opened_at + dt.timedelta(hours=30), w.now - ago)
        else:
            start = c.opened_at + dt.timedelta(days=rng.uniform(0.5, 3))
        detained = start - dt.timedelta(hours=rng.uniform(24, 47))
        if DETENTION_RULE in w.terms.rules:
            detention_due = w.terms.deadline(DETENTION_RULE, detained).ends_at()
            self.measures.append(
                MeasureRow(
                    self.ids.take("measure"), detained, start, c.id, party, "detention", detained,
                    DETENTION_RULE, detention_due, "", start, "Məhkəmə həbs qətimkan tədbiri seçmişdir.",
                    case.investigator, detained,
                )
            )  # fmt: skip
        # Time spent in detention counts into the arrest (CPC 158.2): its term runs from the detention.
        arrest = w.terms.deadline(arrest_rule, local_day(detained))
        ended = (
            None if running else min(start + dt.timedelta(days=rng.uniform(20, base_days)), case.end, w.now)
        )
        measure_id = self.ids.take("measure")
        decision = f"Rayon məhkəməsinin qərarı № 4-{rng.randrange(1, 999)}/{local_day(start).year}"
        self.measures.append(
            MeasureRow(
                measure_id, start, ended or start, c.id, party, kind, start, arrest_rule, arrest.ends_at(),
                decision, ended, "" if ended is None else "Qətimkan tədbiri ləğv edilmişdir.",
                case.investigator, detained,
            )
        )  # fmt: skip
        title = "Həbs qətimkan tədbirinin seçilməsi haqqında məhkəmə qərarı"
        self.acts.append(
            ActRow(start, start, c.id, "measure", title, local_day(start), party, case.investigator, "")
        )
        case.measure_acts += 1
        if ended is None:
            label = f"{self.labels['measure']}: {self.measure_names.get(kind, kind)}"
            case.running[f"measure-{measure_id}"] = (arrest, label)
            case.in_custody = case.in_custody or kind == "arrest"

    def add_acts(self, case: _Case) -> None:
        """The opening decision, the charge, the indictment, and the investigation's acts between them."""
        rng, c = self.rng, case.plan
        acts: list[tuple[str, str, dt.datetime, int | None, str]] = [
            ("decision", "Cinayət işinin başlanması haqqında qərar", c.opened_at, None, "opened")
        ]
        if case.charged_on is not None:
            title = "Şəxsin təqsirləndirilən şəxs qismində cəlb edilməsi haqqında qərar"
            acts.append(("charge", title, _at(case.charged_on, 15), case.party.get("accused"), ""))
        if case.status in {"sent_to_court", "indictment"}:
            acts.append(("indictment", "İttiham aktı", case.end, case.party.get("accused"), ""))
        kinds = ("protocol", "protocol", "protocol", "decision", "motion", "other")
        for _ in range(max(rng.randint(3, 8) - len(acts) - case.measure_acts, 0)):
            kind = rng.choice(kinds)
            acts.append((kind, rng.choice(ACT_TITLES[kind]), self.between(c.opened_at, case.end), None, ""))
        for kind, title, when, party, event in acts:
            self.acts.append(
                ActRow(when, when, c.id, kind, title, local_day(when), party, case.investigator, event)
            )

    def add_instructions(self, case: _Case) -> None:
        """Instructions of the supervising prosecutor on a fifth of the cases."""
        rng, w, c = self.rng, self.w, case.plan
        if rng.random() >= 0.2:
            return
        for _ in range(rng.randint(1, 2)):
            created = self.between(c.opened_at, case.end)
            due = local_day(created) + dt.timedelta(days=rng.randint(7, 20))
            acknowledged = created + dt.timedelta(hours=rng.uniform(1, 48)) if rng.random() < 0.85 else None
            if acknowledged is not None and acknowledged > w.now:
                acknowledged = None
            done = None
            if case.status not in INSTRUCTION_STATUSES:
                done = min(_midnight_after(due) - dt.timedelta(hours=6), case.end)
            elif (due < w.today and rng.random() < 0.75) or rng.random() < 0.3:
                done = min(_midnight_after(due) - dt.timedelta(hours=rng.uniform(6, 120)), w.now)
            if done is not None and done <= created:
                done = None
            instruction_id = self.ids.take("instruction")
            self.instructions.append(
                InstructionRow(
                    instruction_id, created, done or created, c.id, case.supervisor, rng.choice(INSTRUCTIONS),
                    due, acknowledged, case.investigator if acknowledged else None, done,
                    "İcra edilmişdir." if done else "",
                )
            )  # fmt: skip
            if done is None and case.status in INSTRUCTION_STATUSES:
                case.running[f"instruction-{instruction_id}"] = (
                    InstructionDue(due),
                    self.labels["instruction"],
                )

    def track(self, case: _Case) -> None:
        """Index every running term, as eprok.cases.terms.refresh does."""
        w, c = self.w, case.plan
        if case.status in {"indictment", "sent_to_court"}:
            responsible = case.supervisor or case.investigator
        else:
            responsible = case.investigator
        url = url_for("cases:detail", c.number, f"/cases/{c.number}/")
        for key, (deadline, label) in sorted(case.running.items()):
            ends_at = deadline.ends_at()
            self.tracked.append(
                TrackedRow(
                    created_at=c.opened_at,
                    updated_at=c.opened_at,
                    owner_type="cases.case",
                    owner_id=c.id,
                    key=key,
                    rule_code=deadline.rule_code,
                    ends_at=ends_at,
                    due_is_moment=deadline.due_is_moment,
                    unit_id=c.unit.id,
                    responsible_id=responsible,
                    title=c.number,
                    label=label,
                    url=url,
                    alerted=alert_level(ends_at, w.now, w.warning_days),
                )
            )

    def add_case(self, case: _Case, references: list[str]) -> None:
        rng, c = self.rng, case.plan
        joined_into = self.previous_in_unit.get(c.unit.id) if case.status == "joined" else None
        self.previous_in_unit[c.unit.id] = c.id
        if case.status == "joined" and joined_into is None:
            case.status = "terminated"  # a case is joined into an earlier one of its unit; none here
        soonest = min(((d.ends_at(), key) for key, (d, _label) in case.running.items()), default=None)
        topic = c.material.topic if c.material else rng.randrange(len(TOPICS))
        self.cases.append(
            CaseRow(
                id=c.id,
                public_id=new_uuid(rng),
                created_at=c.opened_at,
                updated_at=case.end,
                number=c.number,
                material_id=c.material.id if c.material else None,
                unit_id=c.unit.id,
                investigator_id=case.investigator,
                supervisor_id=case.supervisor,
                opened_at=c.opened_at,
                opened_by_id=case.investigator,
                opening_grounds=OPENING_GROUNDS,
                summary=TOPICS[topic][0].format(place=rng.choice(PLACES)),
                category=case.category,
                main_article=references[0],
                status=case.status,
                investigation_due=case.investigation_due,
                completed_at=case.completed,
                completion_grounds=COMPLETION_GROUNDS.get(case.status, "") if case.end != self.w.now else "",
                termination_ground=_weighted(rng, TERMINATION_GROUNDS) if case.status == "terminated" else "",
                referred_to=rng.choice(TRANSFER_BODIES) if case.status == "referred" else "",
                joined_into_id=joined_into,
                version=1 + case.granted + case.suspended,
                articles=", ".join(references),
                in_custody=case.in_custody,
                indictment_submitted_at=case.submitted,
                next_due_at=soonest[0] if soonest else None,
                next_due_key=soonest[1] if soonest else "",
            )
        )


def seed_cases(plan: SeedPlan) -> None:
    """The cases seed_materials planned (`BASE_CASES × scale`) with every table their card shows."""
    from eprok.cases import models as cases
    from eprok.core.models import TrackedDeadline

    started = time.perf_counter()
    w = world(plan)
    planned = plan.state.get("casework_cases")
    if planned is None:
        raise RuntimeError("no cases planned: run seed_materials first")
    case_plans, numbers = planned
    ids = _Ids(
        party=next_id(cases.CaseParty),
        measure=next_id(cases.PreventiveMeasure),
        instruction=next_id(cases.Instruction),
    )
    out = CaseRows(w, Articles.in_force(w.today), set(cases.CaseStatus.values), ids)
    for case_plan in case_plans:
        out.add(case_plan)
    figures = {
        "cases": write(cases.Case, CaseRow, out.cases, progress=plan.progress),
        "qualifications": write(cases.Qualification, QualificationRow, out.qualifications),
        "team": write(cases.TeamMember, TeamRow, out.team),
        "parties": write(cases.CaseParty, CasePartyRow, out.parties),
        "measures": write(cases.PreventiveMeasure, MeasureRow, out.measures),
        "acts": write(cases.ProceduralAct, ActRow, out.acts),
        "extensions": write(cases.TermExtension, TermExtensionRow, out.extensions),
        "suspensions": write(cases.Suspension, SuspensionRow, out.suspensions),
        "instructions": write(cases.Instruction, InstructionRow, out.instructions),
        "tracked_deadlines": write(TrackedDeadline, TrackedRow, out.tracked),
    }
    sequences = numbers.save()
    by_status: dict[str, int] = defaultdict(int)
    for row in out.cases:
        by_status[row.status] += 1
    plan.report["cases"] = {
        "cases": len(out.cases),
        "by_status": dict(sorted(by_status.items())),
        "from_materials": sum(1 for c in case_plans if c.material is not None),
        "sequences": sequences,
        "rows": {name: f["rows"] for name, f in figures.items()},
        "method": figures["cases"]["method"],
        "seconds": _since(started),
    }
    plan.progress(
        f"cases: {len(out.cases):,} ({by_status.get('investigation', 0):,} under investigation), "
        f"{len(out.acts):,} acts, {len(out.parties):,} parties, {len(out.tracked):,} running terms "
        f"in {_since(started)} s"
    )


__all__ = ["fin_for", "seed_cases", "seed_materials", "seed_persons", "world"]
