"""The data the dashboard, drill-down and map tests share (no tests here).

    General Prosecutor's Office (root)        admin: "View statistics" with sub-units (a GPO analyst)
      ├─ Baku city office (city, AZ-BA)        superior: "View statistics" with sub-units
      │    ├─ Xətai district office (unit)      investigator: "View statistics" on the unit only (its head)
      │    └─ Nəsimi district office            outsider: "View statistics" on that unit only
      └─ Gəncə city office (ganja, AZ-GA)
    colleague works in the Xətai office without the role.

Cards of 2024, fact "opened" (crime registered, i.e. a criminal case opened):
    Xətai 3 (one more opened and cancelled: net 0), Nəsimi 2, the Baku office itself 1, Gəncə 4;
    one opened in Xətai in December 2023 (outside the year).
Population: Baku 1,500,000 at the start of 2023 (no 2024 row: the fallback), Gəncə 250,000 in 2024.
So for 2024 a GPO analyst sees Baku 6 (6 × 10,000 / 1,500,000 = 0.04 per 10,000) and Gəncə 4
(4 × 10,000 / 250,000 = 0.16).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any, cast

from django.utils import timezone

from eprok.core.testing.personas import Personas, make_personas
from eprok.org.models import Unit
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory, UnitFactory
from eprok.stats.models import Card, CardKind, Population, SubjectType

_serial = itertools.count(1)


def card(
    unit: Unit,
    kind: str = CardKind.OPENED,
    occurred_on: dt.date = dt.date(2024, 5, 10),
    *,
    region: str = "AZ-BA",
    subject_type: str = SubjectType.CASE,
    subject_id: int | None = None,
    number: str = "",
    ground: str = "",
    article: str = "177",
    body: str = "prosecution",
) -> Card:
    """One +1 card written directly (the facts and services are tested elsewhere)."""
    n = next(_serial)
    return Card.objects.create(
        subject_type=subject_type,
        subject_id=subject_id if subject_id is not None else 100_000 + n,
        subject_number=number or f"T-{n:05d}",
        kind=kind,
        fact_key=f"{kind}:{n}",
        occurred_on=occurred_on,
        recorded_at=timezone.now(),
        body=body,
        unit=unit,
        unit_path=unit.path,
        region=region,
        article=article,
        ground=ground,
    )


def cancel(original: Card) -> Card:
    """The correcting card (-1) of `original`, as `stats.services` writes it."""
    return Card.objects.create(
        subject_type=original.subject_type,
        subject_id=original.subject_id,
        subject_number=original.subject_number,
        kind=original.kind,
        fact_key=original.fact_key,
        revision=original.revision,
        sign=-1,
        corrects=original,
        occurred_on=original.occurred_on,
        recorded_at=timezone.now(),
        body=original.body,
        unit=original.unit,
        unit_path=original.unit_path,
        region=original.region,
        article=original.article,
        reason="cancelled",
    )


@dataclass
class Stats:
    p: Personas
    ganja: Unit

    def by_name(self, name: str) -> Any:
        return self.p.by_name(name)


def make_people() -> Stats:
    p = make_personas()
    ganja = cast(
        Unit,
        UnitFactory(
            code="gence", parent=p.root, name_az="Gəncə şəhər prokurorluğu", district_code="gence-city"
        ),
    )
    RoleAssignmentFactory(employee=p.admin, role=Role.VIEW_STATISTICS, unit=p.root, include_subunits=True)
    RoleAssignmentFactory(employee=p.superior, role=Role.VIEW_STATISTICS, unit=p.city, include_subunits=True)
    RoleAssignmentFactory(employee=p.investigator, role=Role.VIEW_STATISTICS, unit=p.unit)
    RoleAssignmentFactory(employee=p.outsider, role=Role.VIEW_STATISTICS, unit=p.other_unit)
    Population.objects.all().delete()  # whatever a data migration loaded: the figures here are by hand
    Population.objects.create(region="AZ-BA", year=2023, residents=1_500_000)
    Population.objects.create(region="AZ-GA", year=2024, residents=250_000)
    return Stats(p, ganja)


def make_cards(s: Stats) -> None:
    p = s.p
    card(p.unit, occurred_on=dt.date(2024, 3, 4))
    card(p.unit, occurred_on=dt.date(2024, 5, 10))
    card(p.unit, occurred_on=dt.date(2024, 5, 20))
    cancel(card(p.unit, occurred_on=dt.date(2024, 5, 21)))
    card(p.unit, occurred_on=dt.date(2023, 12, 31))
    card(p.other_unit, occurred_on=dt.date(2024, 2, 1))
    card(p.other_unit, occurred_on=dt.date(2024, 7, 1))
    card(p.city, occurred_on=dt.date(2024, 1, 15))
    for day in (1, 2, 3, 4):
        card(s.ganja, occurred_on=dt.date(2024, 6, day), region="AZ-GA")


YEAR_2024 = {"start": "2024-01-01", "end": "2024-12-31"}
