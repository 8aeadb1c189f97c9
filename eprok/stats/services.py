"""Writing statistical cards.

`record(subject_type, pk)` is called by the services of crime reports, cases, supervised cases and court
work inside their own transaction, whenever a record changes: the cards are written with the milestone or
not at all. It locks nothing new (the caller holds the record's row lock), reads the record's facts and its
cards and appends only the difference, so calling it twice writes nothing the second time.
`record_all()` (the `stats_sync` command) runs the same comparison over every record: after an import, a
restore, or to catch a record a service missed. Cards are never updated or deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from .facts import STICKY, Fact, facts_of
from .models import Card, CardKind, SubjectType

logger = logging.getLogger(__name__)

# A crime is solved once: a later date (an indictment returned and received again) never moves it.
KEEP_FIRST_DATE = frozenset({CardKind.SOLVED})
REASON_CORRECTED = "corrected"
REASON_CANCELLED = "cancelled"


@dataclass
class Written:
    added: int = 0
    corrected: int = 0
    cancelled: int = 0

    def __iadd__(self, other: Written) -> Written:
        self.added += other.added
        self.corrected += other.corrected
        self.cancelled += other.cancelled
        return self

    @property
    def total(self) -> int:
        return self.added + self.corrected + self.cancelled


def subjects(subject_type: str) -> QuerySet[Any]:
    """The records of one type with everything their facts read, in a few queries per batch."""
    if subject_type == SubjectType.MATERIAL:
        from eprok.materials.models import Material

        return Material.objects.select_related("unit")
    if subject_type == SubjectType.CASE:
        from eprok.cases.models import Case, CaseParty

        return Case.objects.select_related("unit", "court_proceeding").prefetch_related(
            Prefetch("parties", queryset=CaseParty.objects.only("case_id", "role", "since")),
            "suspensions",
            "court_proceeding__decisions",
        )
    if subject_type == SubjectType.SUPERVISED:
        from eprok.supervision.models import SupervisedCase

        return SupervisedCase.objects.select_related("unit", "body", "court_proceeding").prefetch_related(
            "court_proceeding__decisions"
        )
    raise ValueError(f"no statistical facts for {subject_type!r}")


def _number(subject_type: str, obj: Any) -> str:
    return str(obj.number)[:40]


def _new_card(
    subject_type: str,
    obj: Any,
    fact: Fact,
    *,
    revision: int,
    now: dt.datetime,
    occurred_on: dt.date,
    place: Card | None = None,
) -> Card:
    """A +1 card of `fact`; a new revision of a corrected card keeps that card's unit, body and region
    (`place`): a correction changes what happened, never where it was counted."""
    card = Card(
        subject_type=subject_type,
        subject_id=obj.pk,
        subject_number=_number(subject_type, obj),
        kind=fact.kind,
        fact_key=fact.key,
        revision=revision,
        sign=1,
        occurred_on=occurred_on,
        recorded_at=now,
        body=fact.body,
        unit=fact.unit,
        unit_path=fact.unit.path,
        region=fact.region,
        article=fact.article,
        chapter=fact.chapter,
        category=fact.category,
        ground=fact.ground,
    )
    if place is not None:
        card.unit_id, card.unit_path, card.region, card.body = (
            place.unit_id,
            place.unit_path,
            place.region,
            place.body,
        )
    return card


def _cancelling(card: Card, *, now: dt.datetime, reason: str) -> Card:
    """The card that cancels `card`: the same dimensions, sign -1, on the same statistical date."""
    return Card(
        subject_type=card.subject_type,
        subject_id=card.subject_id,
        subject_number=card.subject_number,
        kind=card.kind,
        fact_key=card.fact_key,
        revision=card.revision,
        sign=-1,
        corrects=card,
        occurred_on=card.occurred_on,
        recorded_at=now,
        body=card.body,
        unit_id=card.unit_id,
        unit_path=card.unit_path,
        region=card.region,
        article=card.article,
        chapter=card.chapter,
        category=card.category,
        ground=card.ground,
        reason=reason,
    )


def _card_values(card: Card) -> tuple[Any, ...]:
    return (card.kind, card.occurred_on, card.article, card.chapter, card.category, card.ground)


def difference(
    subject_type: str, obj: Any, facts: Sequence[Fact], cards: Iterable[Card], *, now: dt.datetime
) -> tuple[list[Card], Written]:
    """The cards to append so that the record's active cards say exactly `facts` (see eprok.stats.facts)."""
    cards = list(cards)
    cancelled = {card.corrects_id for card in cards if card.sign == -1}
    active = {card.fact_key: card for card in cards if card.sign == 1 and card.pk not in cancelled}
    revisions: dict[str, int] = {}
    for card in cards:
        if card.sign == 1:
            revisions[card.fact_key] = max(revisions.get(card.fact_key, 0), card.revision)
    out: list[Card] = []
    written = Written()
    today = timezone.localdate(now)
    seen: set[str] = set()
    for fact in facts:
        if fact.key in seen:
            continue
        seen.add(fact.key)
        current = active.get(fact.key)
        if current is not None:
            occurred_on = fact.occurred_on or current.occurred_on
            if fact.kind in KEEP_FIRST_DATE:
                occurred_on = min(occurred_on, current.occurred_on)
            if (
                fact.kind,
                occurred_on,
                fact.article,
                fact.chapter,
                fact.category,
                fact.ground,
            ) == _card_values(current):
                continue
            out.append(_cancelling(current, now=now, reason=REASON_CORRECTED))
            written.corrected += 1
        else:
            occurred_on = fact.occurred_on or today
            written.added += 1
        revision = revisions.get(fact.key, 0) + 1
        revisions[fact.key] = revision
        out.append(
            _new_card(
                subject_type, obj, fact, revision=revision, now=now, occurred_on=occurred_on, place=current
            )
        )
    for key, card in active.items():
        if key not in seen and card.kind not in STICKY:
            out.append(_cancelling(card, now=now, reason=REASON_CANCELLED))
            written.cancelled += 1
    return out, written


def _cards_of(subject_type: str, pks: Sequence[int]) -> dict[int, list[Card]]:
    found: dict[int, list[Card]] = {}
    for card in Card.objects.filter(subject_type=subject_type, subject_id__in=pks).order_by("pk"):
        found.setdefault(card.subject_id, []).append(card)
    return found


def _write(out: list[Card]) -> None:
    # A cancelling card names the card it cancels: write the +1 cards first when both are new is not
    # needed (a cancelled card always exists already), so one bulk insert keeps the order of `out`.
    if out:
        Card.objects.bulk_create(out)


def record(subject_type: str, pk: int | None) -> Written:
    """Bring the cards of one record up to date, inside the caller's transaction."""
    if pk is None:
        return Written()
    # No savepoint of its own: a failure here fails the caller's milestone with it (no card, no change).
    with transaction.atomic(savepoint=False):
        # The record's row lock (the caller usually holds it already) orders two writers of one record.
        obj = subjects(subject_type).select_for_update(of=("self",)).filter(pk=pk).first()
        if obj is None:
            return Written()
        now = timezone.now()
        out, written = difference(
            subject_type,
            obj,
            facts_of(subject_type, obj),
            _cards_of(subject_type, [obj.pk]).get(obj.pk, []),
            now=now,
        )
        _write(out)
    return written


def record_all(subject_types: Sequence[str] = tuple(SubjectType.values), *, batch: int = 500) -> Written:
    """Compare every record with its cards and append the difference (idempotent). Each batch is read
    and locked inside its transaction, so a service changing a record meanwhile waits or is seen whole."""
    total = Written()
    for subject_type in subject_types:
        ids = list(subjects(subject_type).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            now = timezone.now()
            with transaction.atomic():
                rows = list(
                    subjects(subject_type).select_for_update(of=("self",)).filter(pk__in=chunk).order_by("pk")
                )
                existing = _cards_of(subject_type, [row.pk for row in rows])
                out: list[Card] = []
                for obj in rows:
                    cards, written = difference(
                        subject_type, obj, facts_of(subject_type, obj), existing.get(obj.pk, []), now=now
                    )
                    out.extend(cards)
                    total += written
                _write(out)
    return total


def last_recorded() -> dt.datetime | None:
    return Card.objects.aggregate(last=Max("recorded_at"))["last"]
