"""Seeding the statistical cards (issue 9) for the collegium report and the dashboard benchmarks.

Appended to `bench.seeding.SEEDERS`; it runs only when a statistics scenario is selected (or all are), and
the scenarios seed the cards themselves when a reused database lacks them.

At scale 1: the cards of 1,000,000 crime reports and 300,000 criminal cases over the last three years (so
"the same period last year" has data for a full calendar year), over the real unit tree (`seed
--structure-only`, the org fixture's 131 units): the unit, its tree path and its region
(`eprok.stats.facts.region_of`) on every card. The records themselves are not seeded: the cards are what
every report reads, and they name synthetic subjects (ids from SUBJECT_BASE, numbers "BS-M-…"/"BS-C-…").

Distribution (deterministic, fixed random seed, relative to the day of the run):

- every crime report a "registered" card (body: the prosecution service, which registers them); 55% refused,
  10% transferred by jurisdiction, the rest lead to cases or are still being checked;
- every case an "opened" card; bodies: prosecution 25%, police 60%, investigative 5%, security 4%,
  customs 3%, border 3% (cases of the other bodies are supervised cases); solved 70%; suspended 20% (60% of
  them on ground 53.1.1 — the accused not identified, the unsolved crimes — the rest on other grounds), a
  third of the suspensions resumed; terminated 15%; sent to court 45% (solved cases only), with a first-
  instance outcome for 85% of them: conviction 90%, acquittal 2%, return for additional investigation 5%,
  proceedings terminated 3%;
- main articles from the Criminal Code catalogue (eprok/criminal_code/fixtures), the common ones weighted
  (177 theft, 178 fraud, 186 damage to property, 221 hooliganism, 234 drugs, 126 grave harm...), with their
  chapter and gravity category;
- about 1% of the +1 cards corrected later (a -1 card naming it, recorded 10 to 200 days after, and a new
  revision with a moved date or a re-qualified article), so the "as of" filter has work to do.

Written with COPY on PostgreSQL, executemany on SQLite (`bench.seeding.insert_model_rows`, secondary
indexes rebuilt after the load). Two readers hold "View statistics": STATS_GPO_READER at the General
Prosecutor's Office with sub-units, STATS_DISTRICT_READER at a Baku district office without sub-units.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import itertools
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.seeding import SeedPlan, insert_model_rows, next_id

BASE_MATERIALS = 1_000_000
BASE_CASES = 300_000
YEARS = 3
SUBJECT_BASE = 9_000_000_000  # synthetic subject ids, far above any seeded record's
NUMBER_PREFIX = "BS-"
STATS_GPO_READER = "bench.stats.gpo"
STATS_DISTRICT_READER = "bench.stats.district"
DISTRICT_CODE = "baku-nesimi"  # the district reader's office (a Baku district office); falls back below
SEED = 2025
# The scenarios that read the cards (bench/scenarios/stats.py); they also seed them in their setup when a
# database reused with `--reuse` was seeded without them.
STATS_SCENARIOS = frozenset({"stats_collegium", "stats_dashboard"})

CARD_COLUMNS = (
    "id",
    "subject_type",
    "subject_id",
    "subject_number",
    "kind",
    "fact_key",
    "revision",
    "sign",
    "corrects_id",
    "occurred_on",
    "recorded_at",
    "body",
    "unit_id",
    "unit_path",
    "region",
    "article",
    "chapter",
    "category",
    "ground",
    "reason",
)

# The investigating body of a case and its share (the prosecution's own cases are "cases.case").
BODIES = (
    ("prosecution", 25),
    ("police", 60),
    ("investigative", 5),
    ("security", 4),
    ("customs", 3),
    ("border", 3),
)
# Common main articles and their weight over the rest of the catalogue (each of the others weighs 1).
COMMON_ARTICLES = {
    "177": 220,  # theft
    "178": 120,  # fraud
    "186": 60,  # deliberate destruction or damage of property
    "221": 60,  # hooliganism
    "234": 150,  # illegal handling of drugs (small amounts)
    "126": 40,  # deliberate infliction of grave harm to health
    "127": 40,
    "128": 30,
    "120": 20,  # murder
    "179": 40,  # embezzlement
    "180": 25,  # robbery
    "181": 15,
    "228": 35,  # illegal weapons
    "263": 30,  # road traffic
    "308": 20,  # abuse of office
    "311": 15,  # bribery
}
REFUSAL_GROUNDS = ("39.1.1", "39.1.2")
SUSPENSION_GROUNDS = ("53.1.2", "53.1.3", "53.1.4")
UNSOLVED_GROUND = "53.1.1"
TERMINATION_GROUNDS = ("39.1.3", "39.1.4", "40.2")
SENT_OF_SOLVED = 0.45 / 0.70  # 45% of all cases are sent to court, all of them solved
TERMINATED_OF_REST = 0.15 / 0.55  # 15% of all cases terminated, among those not sent to court
COURT_OUTCOMES = (("convicted", 90), ("acquitted", 2), ("returned", 5), ("court_terminated", 3))

CSV_PATH = Path(__file__).resolve().parent.parent / "eprok" / "criminal_code" / "fixtures"
CSV_PATH = CSV_PATH / "criminal_code_articles.csv"


@dataclass(frozen=True)
class UnitRow:
    pk: int
    path: str
    region: str


class Weighted:
    """Draws from weighted choices with one random number (bisect over the cumulative weights)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def catalogue() -> list[tuple[str, int | None, int | None]]:
    """(article, chapter, category) of the Special Part, one row per article (the first version)."""
    seen: dict[str, tuple[str, int | None, int | None]] = {}
    with CSV_PATH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            number = row["article"].strip()
            if number and number not in seen:
                seen[number] = (
                    number,
                    int(row["chapter"]) if row["chapter"] else None,
                    int(row["category"]) if row["category"] else None,
                )
    return list(seen.values())


def units() -> list[UnitRow]:
    """The units that record crimes: those with a district (their region known), in tree order."""
    from eprok.org.models import Unit
    from eprok.stats.facts import region_of

    found = [
        UnitRow(unit.pk, unit.path, region_of(unit))
        for unit in Unit.objects.exclude(district_code="").order_by("path")
    ]
    if not found:  # a tree without districts: every unit, without a region
        found = [UnitRow(unit.pk, unit.path, region_of(unit)) for unit in Unit.objects.order_by("path")]
    if not found:
        raise RuntimeError("no units for the statistical cards: seed the structure first")
    return found


def seeded_cards() -> int:
    from eprok.stats.models import Card

    return Card.objects.filter(subject_number__startswith=NUMBER_PREFIX).count()


class CardWriter:
    """Builds the card tuples of one subject after another, ids assigned in order, with corrections."""

    def __init__(self, rng: random.Random, first_id: int, now: dt.datetime, articles: Weighted) -> None:
        self.rng = rng
        self.next_id = first_id
        self.now = now
        self.today = now.date()
        self.articles = articles
        self.counts: dict[str, int] = {}
        self.corrections = 0

    def _moment(self, day: dt.date, delay_days: int = 0) -> dt.datetime:
        """When a fact of `day` was recorded: that day or a few days later, during working hours."""
        moment = dt.datetime.combine(day + dt.timedelta(days=delay_days), dt.time(9), tzinfo=self.now.tzinfo)
        moment += dt.timedelta(seconds=self.rng.randrange(9 * 3600))
        return min(moment, self.now - dt.timedelta(minutes=1))

    def cards(
        self,
        subject: tuple[str, int, str],
        kind: str,
        key: str,
        day: dt.date,
        where: tuple[str, UnitRow],
        qualification: tuple[str, int | None, int | None],
        ground: str = "",
    ) -> Iterator[tuple[Any, ...]]:
        subject_type, subject_id, number = subject
        body, unit = where
        article, chapter, category = qualification
        card_id = self.next_id
        self.next_id += 1
        recorded = self._moment(day, self.rng.choice((0, 0, 0, 1, 2, 3)))
        original = (
            card_id, subject_type, subject_id, number, kind, key, 1, 1, None, day, recorded,
            body, unit.pk, unit.path, unit.region, article, chapter, category, ground, "",
        )  # fmt: skip
        self.counts[kind] = self.counts.get(kind, 0) + 1
        yield original
        if self.rng.random() >= 0.01:
            return
        corrected_at = recorded + dt.timedelta(days=self.rng.randrange(10, 200))
        if corrected_at >= self.now:
            return
        # The correction: -1 on the original's values, then revision 2 with the fact as it now stands.
        cancel_id = self.next_id
        self.next_id += 2
        yield (
            cancel_id, subject_type, subject_id, number, kind, key, 1, -1, card_id, day, corrected_at,
            body, unit.pk, unit.path, unit.region, article, chapter, category, ground, "corrected",
        )  # fmt: skip
        if self.rng.random() < 0.5:
            new_day = min(self.today, day + dt.timedelta(days=self.rng.randrange(-40, 41)))
        else:
            new_day = day
            article, chapter, category = self.articles.draw(self.rng)
        yield (
            cancel_id + 1, subject_type, subject_id, number, kind, key, 2, 1, None, new_day, corrected_at,
            body, unit.pk, unit.path, unit.region, article, chapter, category, ground, "",
        )  # fmt: skip
        self.corrections += 1


def _day(rng: random.Random, first: dt.date, days: int) -> dt.date:
    # A little more crime in the warm months: draw twice in summer's favour now and then.
    day = first + dt.timedelta(days=rng.randrange(days))
    if day.month in (1, 2, 12) and rng.random() < 0.15:
        day = first + dt.timedelta(days=rng.randrange(days))
    return day


def generate(
    *, materials: int, cases: int, unit_rows: Sequence[UnitRow], first_id: int, now: dt.datetime
) -> tuple[Iterator[tuple[Any, ...]], CardWriter]:
    """The card rows (a generator: it must not query the database) and the writer that counts them."""
    rng = random.Random(SEED)  # benchmark data, not secrets
    articles_list = catalogue()
    articles = Weighted(articles_list, [COMMON_ARTICLES.get(a[0], 1) for a in articles_list])
    # Units of different sizes; Baku's districts busier.
    unit_weights = [rng.uniform(0.5, 2.0) * (2.0 if u.region == "AZ-BA" else 1.0) for u in unit_rows]
    unit_pick = Weighted(unit_rows, unit_weights)
    body_pick = Weighted([b for b, _w in BODIES], [w for _b, w in BODIES])
    outcome_pick = Weighted([k for k, _w in COURT_OUTCOMES], [w for _k, w in COURT_OUTCOMES])
    writer = CardWriter(rng, first_id, now, articles)
    today = now.date()
    days = YEARS * 365 + 1
    first = today - dt.timedelta(days=days - 1)

    def later(day: dt.date, low: int, high: int) -> dt.date | None:
        moved = day + dt.timedelta(days=rng.randrange(low, high))
        return moved if moved <= today else None

    def rows() -> Iterator[tuple[Any, ...]]:
        for n in range(materials):
            subject = ("materials.material", SUBJECT_BASE + n, f"{NUMBER_PREFIX}M-{n:07d}")
            where = ("prosecution", unit_pick.draw(rng))
            qualification = articles.draw(rng)
            registered = _day(rng, first, days)
            yield from writer.cards(subject, "registered", "registered", registered, where, qualification)
            r = rng.random()
            if r < 0.55:
                decided = later(registered, 3, 31)
                if decided:
                    ground = rng.choice(REFUSAL_GROUNDS)
                    yield from writer.cards(
                        subject, "refused", "refused", decided, where, qualification, ground
                    )
            elif r < 0.65:
                decided = later(registered, 1, 11)
                if decided:
                    yield from writer.cards(
                        subject, "transferred", "transferred", decided, where, qualification
                    )
        for n in range(cases):
            body = body_pick.draw(rng)
            subject_type = "cases.case" if body == "prosecution" else "supervision.supervisedcase"
            subject = (subject_type, SUBJECT_BASE + n, f"{NUMBER_PREFIX}C-{n:07d}")
            where = (body, unit_pick.draw(rng))
            qualification = articles.draw(rng)
            opened = _day(rng, first, days)
            yield from writer.cards(subject, "opened", "opened", opened, where, qualification)
            solved = later(opened, 5, 121) if rng.random() < 0.70 else None
            if solved:
                yield from writer.cards(subject, "solved", "solved", solved, where, qualification)
            if rng.random() < 0.20:
                ground = (
                    UNSOLVED_GROUND if not solved and rng.random() < 0.85 else rng.choice(SUSPENSION_GROUNDS)
                )
                suspended = later(opened, 60, 180)
                if suspended:
                    key = f"suspended:{n}"
                    yield from writer.cards(
                        subject, "suspended", key, suspended, where, qualification, ground
                    )
                    if rng.random() < 0.33:
                        resumed = later(suspended, 30, 240)
                        if resumed:
                            key = f"resumed:{n}"
                            yield from writer.cards(
                                subject, "resumed", key, resumed, where, qualification, ground
                            )
            if solved and rng.random() < SENT_OF_SOLVED:
                sent = later(solved, 10, 91)
                if sent:
                    key = f"sent_to_court:{sent.isoformat()}"
                    yield from writer.cards(subject, "sent_to_court", key, sent, where, qualification)
                    if rng.random() < 0.85:
                        decided = later(sent, 30, 181)
                        if decided:
                            kind = outcome_pick.draw(rng)
                            yield from writer.cards(
                                subject, kind, f"court:{n}", decided, where, qualification
                            )
            elif rng.random() < TERMINATED_OF_REST:
                closed = later(opened, 30, 300)
                if closed:
                    ground = rng.choice(TERMINATION_GROUNDS)
                    yield from writer.cards(
                        subject, "terminated", "terminated", closed, where, qualification, ground
                    )

    return rows(), writer


def stats_readers(*, create: bool = False) -> tuple[Any, Any]:
    """(the GPO reader, the district reader), created with their "View statistics" grants if asked."""
    from eprok.org.models import Employee, RoleAssignment, Unit
    from eprok.org.roles import Role

    found = {
        e.username: e for e in Employee.objects.filter(username__in=[STATS_GPO_READER, STATS_DISTRICT_READER])
    }
    if create:
        since = dt.date.today() - dt.timedelta(days=365)
        root = Unit.objects.order_by("depth", "path").first()
        district = (
            Unit.objects.filter(code=DISTRICT_CODE).first()
            or Unit.objects.filter(kind="district_office").order_by("path").first()
            or Unit.objects.order_by("-depth", "path").first()
        )
        if root is None or district is None:
            raise RuntimeError("no units for the statistics readers: seed the structure first")
        for username, unit, subunits, names in (
            (STATS_GPO_READER, root, True, ("Kamran", "Əlizadə", "Vüqar oğlu")),
            (STATS_DISTRICT_READER, district, False, ("Nərmin", "Babayeva", "Elşən qızı")),
        ):
            if username in found:
                continue
            user = Employee.objects.create_user(
                username, None, first_name=names[0], last_name=names[1], patronymic=names[2], unit=unit
            )
            RoleAssignment.objects.create(
                employee=user,
                role=Role.VIEW_STATISTICS,
                unit=unit,
                include_subunits=subunits,
                valid_from=since,
            )
            found[username] = user
    return found.get(STATS_GPO_READER), found.get(STATS_DISTRICT_READER)


def selected(scenarios: Sequence[str] | None) -> bool:
    """Whether the run selects a statistics scenario (None: every scenario)."""
    return scenarios is None or bool(STATS_SCENARIOS & set(scenarios))


def seed_stats_cards(plan: SeedPlan) -> None:
    """The statistical cards at the plan's scale (only when a statistics scenario is selected)."""
    if not selected(plan.state.get("scenarios")):
        return
    plan.report["stats_cards"] = seed_cards(plan.scale, progress=plan.progress)


def seed_cards(scale: float, *, progress: Any = None) -> dict[str, Any]:
    """Seed the cards and the two readers (once: an existing card set is reported, not doubled)."""
    from django.utils import timezone

    from eprok.stats.models import Card

    say = progress or (lambda message: None)
    stats_readers(create=True)
    existing = seeded_cards()
    if existing:
        say(f"stats cards: {existing:,} already present")
        return {"cards": existing, "reused": True}
    materials = max(1, round(BASE_MATERIALS * scale))
    cases = max(1, round(BASE_CASES * scale))
    started = time.perf_counter()
    unit_rows = units()
    now = timezone.localtime(timezone.now())
    rows, writer = generate(
        materials=materials, cases=cases, unit_rows=unit_rows, first_id=next_id(Card), now=now
    )
    say(f"stats cards: {materials:,} crime reports and {cases:,} cases over {len(unit_rows)} units")
    figures = insert_model_rows(Card, CARD_COLUMNS, rows, progress=say, total=round(2.6 * materials))
    seconds = round(time.perf_counter() - started, 2)
    report = {
        "crime_reports": materials,
        "cases": cases,
        "units": len(unit_rows),
        "cards": figures["rows"],
        "corrected": writer.corrections,
        "by_kind": dict(sorted(writer.counts.items())),
        "seconds": seconds,
        "rows_per_second": figures["rows_per_second"],
        "method": figures["method"],
    }
    say(
        f"stats cards: {figures['rows']:,} cards ({writer.corrections:,} corrected) in {seconds} s "
        f"({figures['rows_per_second']:,} rows/s, {figures['method']})"
    )
    return report
