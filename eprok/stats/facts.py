"""The statistical facts of one record, derived from its current state.

`facts_of(subject_type, obj)` answers what the record's statistical cards should say now: one `Fact` per
milestone the record has passed. `eprok.stats.services.record` compares that with the cards already
written and appends only the difference (new facts, correcting cards for changed or cancelled ones).

Kinds are *sticky* or not. A sticky fact stays counted when the record later moves on (a case sent to
court and returned for additional investigation was still sent to court; a crime once solved stays
solved); a non-sticky fact that the record no longer shows was cancelled (a refusal or a termination
quashed by the supervising prosecutor) and gets a correcting card. A fact whose date or qualification
changes (a corrected date, a re-qualified article) gets a correcting card and a new revision. The unit,
body and region of a fact are those of the moment it was first recorded: a case transferred to another
unit keeps its opening in the first unit, and its later facts fall to the new one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils import timezone

from eprok.core.geo.regions import region_for_district

from .models import PROSECUTION_BODY, CardKind, SubjectType

STICKY = frozenset(
    {
        CardKind.REGISTERED,
        CardKind.OPENED,
        CardKind.SOLVED,
        CardKind.SENT_TO_COURT,
        CardKind.SUSPENDED,
        CardKind.RESUMED,
        CardKind.CONVICTED,
        CardKind.ACQUITTED,
        CardKind.COURT_TERMINATED,
        CardKind.RETURNED,
    }
)
UNSOLVED_GROUND = "53.1.1"  # suspended because the person to be charged is not identified (CPC 53.1.1)

# First-instance court decisions and the card each one gives.
COURT_OUTCOMES = {
    "conviction": CardKind.CONVICTED,
    "medical": CardKind.CONVICTED,  # compulsory medical measures: the act is established
    "acquittal": CardKind.ACQUITTED,
    "termination": CardKind.COURT_TERMINATED,
    "return": CardKind.RETURNED,
}


@dataclass(frozen=True)
class Fact:
    """What one card says. `occurred_on` None: the record keeps no date for it (the day it is first seen
    is taken, and kept)."""

    key: str
    kind: str
    occurred_on: dt.date | None
    body: str
    unit: Any  # org.Unit
    article: str = ""
    chapter: int | None = None
    category: int | None = None
    ground: str = ""

    @property
    def region(self) -> str:
        return region_of(self.unit)

    def corrected_values(self) -> tuple[Any, ...]:
        """The values a correction changes (the unit, body and region stay those first recorded)."""
        return (self.kind, self.occurred_on, self.article, self.chapter, self.category, self.ground)


def region_of(unit: Any) -> str:
    return (region_for_district(unit.district_code) or "") if unit.district_code else ""


def local_day(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


@lru_cache(maxsize=2048)
def _article_facts(number: str) -> tuple[int | None, int | None]:
    """(chapter, category) of the newest version of the article; the catalogue is fixed data."""
    from eprok.criminal_code.models import Article

    row = (
        Article.objects.filter(number=number)
        .order_by("-valid_from")
        .values_list("chapter", "category")
        .first()
    )
    return (row[0], row[1]) if row else (None, None)


def article_number(reference: str) -> str:
    """ "177" for "177.2.3" (or for "177.2.3, 178.1": the first, main article); "" when there is none."""
    first = (reference or "").split(",")[0].strip()
    return first.split(".")[0].strip() if first else ""


def qualification(reference: str, category: int | None = None) -> dict[str, Any]:
    number = article_number(reference)
    chapter, article_category = _article_facts(number) if number else (None, None)
    return {"article": number, "chapter": chapter, "category": category or article_category}


def material_facts(material: Any) -> list[Fact]:
    from eprok.materials.models import MaterialStatus

    common = {"body": PROSECUTION_BODY, "unit": material.unit, **qualification(material.articles)}
    facts = []
    if not _received_from_own_office(material):
        facts.append(
            Fact(
                key="registered",
                kind=CardKind.REGISTERED,
                occurred_on=local_day(material.registered_at),
                **common,
            )
        )
    if material.status == MaterialStatus.REFUSED:
        facts.append(
            Fact(
                key="refused",
                kind=CardKind.REFUSED,
                occurred_on=local_day(material.decided_at),
                ground=material.refusal_ground or "",
                **common,
            )
        )
    elif material.status == MaterialStatus.TRANSFERRED:
        facts.append(
            Fact(
                key="transferred",
                kind=CardKind.TRANSFERRED,
                occurred_on=local_day(material.decided_at),
                **common,
            )
        )
    return facts


def _received_from_own_office(material: Any) -> bool:
    """A report another office of the service transferred here (registered again under the reference of
    the origin's number) was counted as registered by the origin: it is not registered twice."""
    from eprok.materials.models import Material, MaterialSource

    if material.source != MaterialSource.TRANSFER or not material.source_reference:
        return False
    return Material.objects.filter(number=material.source_reference.strip()).exclude(pk=material.pk).exists()


def case_facts(case: Any) -> list[Fact]:
    from eprok.cases.models import CaseStatus
    from eprok.persons.models import PartyRole

    common = {"body": PROSECUTION_BODY, "unit": case.unit, **qualification(case.main_article, case.category)}
    facts: list[Fact] = []
    # A case separated from another is the same crime: it was registered (and solved) with the first case.
    counts_crime = case.separated_from_id is None
    if counts_crime:
        facts.append(
            Fact(key="opened", kind=CardKind.OPENED, occurred_on=local_day(case.opened_at), **common)
        )
    charged = [party.since for party in case.parties.all() if party.role == PartyRole.ACCUSED]
    solved_on = min(charged) if charged else None
    if solved_on is None and case.status in (CaseStatus.INDICTMENT, CaseStatus.SENT_TO_COURT):
        solved_on = local_day(case.indictment_submitted_at or case.completed_at)
    if solved_on is not None and counts_crime:
        facts.append(Fact(key="solved", kind=CardKind.SOLVED, occurred_on=solved_on, **common))
    completed = local_day(case.completed_at)
    # A suspension that ended because the case was terminated or joined was not resumed.
    ended_by_completion = case.status in (CaseStatus.TERMINATED, CaseStatus.JOINED) and completed is not None
    for suspension in case.suspensions.all():
        facts.append(
            Fact(
                key=f"suspended:{suspension.pk}",
                kind=CardKind.SUSPENDED,
                occurred_on=suspension.started_on,
                ground=suspension.ground,
                **common,
            )
        )
        if suspension.ended_on is not None and not (ended_by_completion and suspension.ended_on >= completed):
            facts.append(
                Fact(
                    key=f"resumed:{suspension.pk}",
                    kind=CardKind.RESUMED,
                    occurred_on=suspension.ended_on,
                    ground=suspension.ground,
                    **common,
                )
            )
    if case.status == CaseStatus.SENT_TO_COURT and completed is not None:
        facts.append(
            Fact(
                key=f"sent_to_court:{completed.isoformat()}",
                kind=CardKind.SENT_TO_COURT,
                occurred_on=completed,
                **common,
            )
        )
    elif case.status == CaseStatus.TERMINATED and completed is not None:
        facts.append(
            Fact(
                key="terminated",
                kind=CardKind.TERMINATED,
                occurred_on=completed,
                ground=case.termination_ground or "",
                **common,
            )
        )
    elif case.status == CaseStatus.REFERRED and completed is not None:
        facts.append(Fact(key="referred", kind=CardKind.REFERRED, occurred_on=completed, **common))
    facts.extend(_court_facts(getattr(case, "court_proceeding", None), common))
    return facts


def supervised_facts(case: Any) -> list[Fact]:
    from eprok.supervision.models import SupervisedStatus

    common = {"body": case.body.kind, "unit": case.unit, **qualification(case.main_article, case.category)}
    facts = [Fact(key="opened", kind=CardKind.OPENED, occurred_on=case.opened_on, **common)]
    if case.indictment_received_at is not None:
        facts.append(
            Fact(
                key="solved",
                kind=CardKind.SOLVED,
                occurred_on=local_day(case.indictment_received_at),
                **common,
            )
        )
    if case.status == SupervisedStatus.SUSPENDED:
        # The register keeps the current suspension only, without its date: the day it is first seen.
        facts.append(Fact(key="suspended", kind=CardKind.SUSPENDED, occurred_on=None, **common))
    closed = local_day(case.closed_at)
    if case.status == SupervisedStatus.SENT_TO_COURT and closed is not None:
        facts.append(
            Fact(
                key=f"sent_to_court:{closed.isoformat()}",
                kind=CardKind.SENT_TO_COURT,
                occurred_on=closed,
                **common,
            )
        )
    elif case.status == SupervisedStatus.TERMINATED and closed is not None:
        facts.append(Fact(key="terminated", kind=CardKind.TERMINATED, occurred_on=closed, **common))
    facts.extend(_court_facts(getattr(case, "court_proceeding", None), common))
    return facts


def _court_facts(proceeding: Any, common: dict[str, Any]) -> list[Fact]:
    if proceeding is None:
        return []
    facts = []
    for decision in proceeding.decisions.all():
        kind = COURT_OUTCOMES.get(decision.kind)
        if kind is None or decision.instance != "first":
            continue
        facts.append(Fact(key=f"court:{decision.pk}", kind=kind, occurred_on=decision.decided_on, **common))
    return facts


def facts_of(subject_type: str, obj: Any) -> list[Fact]:
    if subject_type == SubjectType.MATERIAL:
        return material_facts(obj)
    if subject_type == SubjectType.CASE:
        return case_facts(obj)
    if subject_type == SubjectType.SUPERVISED:
        return supervised_facts(obj)
    raise ValueError(f"no statistical facts for {subject_type!r}")
