"""Related proceedings: crime reports and criminal cases linked to a record by what they share.

Two records are linked when their parties are the same person (a merged duplicate counts as its
survivor), the same company (a legal entity, or the same VÖEN), when parties of both have the same phone
number (E.164) or the same address (folded, whitespace collapsed), or when both texts name the same
vehicle (an Azerbaijani plate such as 10-AA-123, or a VIN). Supervised cases are not linked: they record
their accused as free text, with no person of the registry behind it.

Every query goes through an indexed column (party person ids, phone numbers, the search index's
full-text terms for addresses and plates) and is bounded; the related records are loaded from the owning
apps' `visible_to(user)`, so a record the user may not open is neither listed nor counted.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.cases.models import Case, CaseParty
from eprok.materials.models import Material, MaterialParty
from eprok.persons import access as persons_access
from eprok.persons.models import Person, PersonAddress, PersonKind, PersonPhone
from eprok.search import backends, folding
from eprok.search.models import SearchEntry

MATERIAL = "materials.material"
CASE = "cases.case"
LABELS = (MATERIAL, CASE)
LIMIT = 50
# Rows read per candidate query: a person in hundreds of records, a switchboard phone shared by
# thousands of people, must not make the panel slow.
CANDIDATES = 200
# Own addresses and vehicles looked up (a record naming more is unusual; the first ones are taken).
MAX_KEYS = 10
# An address folded to fewer characters than this ("Bakı") says nothing about who lives there.
MIN_ADDRESS = 10


class Kind:
    PERSON = "person"
    COMPANY = "company"
    PHONE = "phone"
    ADDRESS = "address"
    VEHICLE = "vehicle"


KIND_LABELS = {
    Kind.PERSON: _("Same person"),
    Kind.COMPANY: _("Same company"),
    Kind.PHONE: _("Same phone number"),
    Kind.ADDRESS: _("Same address"),
    Kind.VEHICLE: _("Same vehicle"),
}
# How much one shared thing says: the same person or vehicle more than a shared address.
WEIGHTS = {Kind.PERSON: 3, Kind.COMPANY: 3, Kind.VEHICLE: 3, Kind.PHONE: 2, Kind.ADDRESS: 1}
TYPE_LABELS = {MATERIAL: _("Crime report"), CASE: _("Criminal case")}

# An Azerbaijani plate: region code, two Latin letters, three digits (10-AA-123, 90 XX 999, 77AB123).
PLATE = re.compile(r"(?<![\w-])(\d{2})[ -]?([A-Z]{2})[ -]?(\d{3})(?![\w-])")
# A VIN: 17 characters without I, O and Q, with at least one letter and one digit.
VIN = re.compile(
    r"(?<![\w-])(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}(?![\w-])"
)


@dataclass(frozen=True)
class Shared:
    """One thing two records share; `value` is "" when the reader may not see it (the kind is shown)."""

    kind: str
    value: str = ""
    person_id: str = ""  # the person's public id, for a link to the registry card
    # What is shared, unmasked (a person's row, a number, an address key): counts each thing once in the
    # strength even when the reader sees two of them as one "Same person". Never shown.
    ref: str = field(default="", repr=False)

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class Link:
    """A related record, what it shares with the record the panel is about, and how strongly."""

    label: str
    key: str
    url: str
    title: str
    status: str
    unit: str
    shared: list[Shared] = field(default_factory=list)
    strength: int = 0

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS[self.label])

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(item.kind for item in self.shared))


# --- normalised keys ---------------------------------------------------------------------------------


def vehicles_in(*texts: str) -> list[str]:
    """The plates (without separators) and VINs written in the texts, in order, without repeats."""
    found: dict[str, None] = {}
    for text in texts:
        text = unicodedata.normalize("NFC", text or "")
        for match in PLATE.finditer(text):
            found.setdefault("".join(match.groups()), None)
        for match in VIN.finditer(text):
            found.setdefault(match.group(0), None)
    return list(found)


def address_words(text: str) -> list[str]:
    """An address as folded words (case, diacritics and transliteration folded; punctuation dropped)."""
    return [folding.plain(word) for word in folding.normalised_words(text)]


def address_key(text: str) -> str:
    """The comparable form of an address, or "" when it is too short to mean a place."""
    key = " ".join(address_words(text))
    return key if len(key) >= MIN_ADDRESS else ""


def mask_phone(number: str) -> str:
    """+994501234567 → +994•••••••67: the country code and the last two digits."""
    if len(number) <= 6:
        return "•" * len(number)
    return number[:4] + "•" * (len(number) - 6) + number[-2:]


def _plate_shown(value: str) -> str:
    if len(value) == 7 and value[:2].isdigit():
        return f"{value[:2]}-{value[2:4]}-{value[4:]}"
    return value


# --- the search ---------------------------------------------------------------------------------------


@dataclass
class _Identity:
    """A person of the record's parties, with every registry row that stands for the same person."""

    kind: str
    name: str
    public_id: str
    rows: set[int] = field(default_factory=set)


def _record_texts(label: str, obj: Any) -> list[str]:
    if label == MATERIAL:
        return [obj.summary, obj.incident_place, obj.source_reference, obj.decision_grounds]
    return [obj.summary, obj.opening_grounds, obj.completion_grounds]


_MATERIAL_TEXT = ("summary", "incident_place", "source_reference", "decision_grounds")
_CASE_TEXT = ("summary", "opening_grounds", "completion_grounds")


def _own_person_ids(label: str, obj: Any) -> list[int]:
    rows: Any
    if label == MATERIAL:
        rows = MaterialParty.objects.filter(material_id=obj.pk)
    else:
        rows = CaseParty.objects.filter(case_id=obj.pk)
    return list(rows.order_by().values_list("person_id", flat=True).distinct())


def _identities(own_ids: Sequence[int]) -> dict[int, _Identity]:
    """Registry row id → the identity of the record's party it stands for (two queries).

    A merged duplicate stands for its survivor; a legal entity also for every row with its VÖEN."""
    if not own_ids:
        return {}
    own = list(Person.objects.filter(pk__in=own_ids).values("pk", "merged_into_id", "voen"))
    canon = {row["merged_into_id"] or row["pk"] for row in own}
    voens = {row["voen"] for row in own if row["voen"]}
    rows = list(
        Person.objects.filter(Q(pk__in=canon) | Q(merged_into_id__in=canon) | Q(voen__in=voens))
        .order_by()
        .values(
            "pk",
            "public_id",
            "merged_into_id",
            "kind",
            "voen",
            "last_name",
            "first_name",
            "patronymic",
            "legal_name",
        )
    )
    identities: dict[int, _Identity] = {}
    for row in rows:
        if row["pk"] in canon:
            name = (
                row["legal_name"]
                if row["kind"] == PersonKind.LEGAL
                else " ".join(p for p in (row["last_name"], row["first_name"], row["patronymic"]) if p)
            )
            identities[row["pk"]] = _Identity(row["kind"], name, str(row["public_id"]), {row["pk"]})
    by_voen = {row["voen"]: row["merged_into_id"] or row["pk"] for row in own if row["voen"]}
    result: dict[int, _Identity] = {}
    for row in rows:
        target = row["merged_into_id"] or row["pk"]
        if target not in identities and row["voen"] in by_voen:
            target = by_voen[row["voen"]]
        identity = identities.get(target)
        if identity is not None:
            identity.rows.add(row["pk"])
            result[row["pk"]] = identity
    for pk in own_ids:  # a party whose survivor was not found still stands for itself
        result.setdefault(pk, _Identity(PersonKind.NATURAL, "", "", {pk}))
    return result


def _phone_links(own: set[int]) -> dict[int, set[str]]:
    """Other registry rows with a phone number of the record's parties: person id → numbers (one query)."""
    numbers = PersonPhone.objects.filter(person_id__in=own).values("number")
    rows = (
        PersonPhone.objects.filter(number__in=numbers)
        .exclude(person_id__in=own)
        .order_by()
        .values_list("person_id", "number")[:CANDIDATES]
    )
    links: dict[int, set[str]] = defaultdict(set)
    for person_id, number in rows:
        links[person_id].add(number)
    return links


def _match_any(variants: Iterable[Sequence[str]]) -> tuple[str, list[str]]:
    """One SQL condition on the search index: the entry has every term of at least one variant."""
    parts: list[str] = []
    params: list[str] = []
    for terms in variants:
        sql, args = backends.match_sql([((), [term]) for term in terms])
        parts.append(f"({sql})")
        params.extend(args)
    return " OR ".join(parts), params


def _address_links(own: set[int]) -> dict[int, set[str]]:
    """Other registry rows with an address of the record's parties: person id → addresses (two or three
    queries: the own addresses, candidates from the full-text index, their addresses compared exactly)."""
    own_rows = list(
        PersonAddress.objects.filter(person_id__in=own)
        .order_by("pk")
        .values_list("text", flat=True)[:MAX_KEYS]
    )
    keys: dict[str, str] = {}
    for text in own_rows:
        key = address_key(text)
        if key:
            keys.setdefault(key, text)
    if not keys:
        return {}
    where, params = _match_any([key.split() for key in keys])
    candidates = list(
        SearchEntry.objects.filter(label="persons.person")
        .extra(where=[where], params=params)  # noqa: S610 - the terms are parameters
        .order_by()
        .values_list("object_id", flat=True)[:CANDIDATES]
    )
    candidates = [pk for pk in candidates if pk not in own]
    if not candidates:
        return {}
    links: dict[int, set[str]] = defaultdict(set)
    for person_id, text in PersonAddress.objects.filter(person_id__in=candidates).values_list(
        "person_id", "text"
    ):
        key = address_key(text)
        if key in keys:
            links[person_id].add(keys[key])
    return links


def _vehicle_candidates(vehicles: Sequence[str]) -> dict[str, set[int]]:
    """Records whose indexed text may name one of the vehicles (checked against the texts later)."""
    if not vehicles:
        return {}
    variants: list[list[str]] = []
    for value in vehicles:
        low = value.lower()
        if len(value) == 7 and PLATE.fullmatch(value):
            region, letters, digits = low[:2], low[2:4], low[4:]
            variants += [
                [low],
                [region, letters, digits],
                [region + letters, digits],
                [region, letters + digits],
            ]
        else:
            variants.append([low])
    where, params = _match_any(variants)
    rows = (
        SearchEntry.objects.filter(label__in=LABELS)
        .extra(where=[where], params=params)  # noqa: S610 - the terms are parameters
        .order_by("-date", "-id")
        .values_list("label", "object_id")[:CANDIDATES]
    )
    found: dict[str, set[int]] = defaultdict(set)
    for label, pk in rows:
        found[label].add(pk)
    return found


def _party_records(
    label: str, person_ids: set[int], visible: Any, exclude: int | None
) -> list[tuple[int, int]]:
    """(record id, person id) of the visible records of `label` with these persons among their parties."""
    if not person_ids:
        return []
    if label == MATERIAL:
        parties: Any = MaterialParty.objects.filter(
            person_id__in=person_ids, material_id__in=visible.values("pk")
        )
        column = "material_id"
    else:
        parties = CaseParty.objects.filter(person_id__in=person_ids, case_id__in=visible.values("pk"))
        column = "case_id"
    if exclude is not None:
        parties = parties.exclude(**{column: exclude})
    return list(parties.order_by(f"-{column}").values_list(column, "person_id").distinct()[:CANDIDATES])


def _visible(label: str, user: Any) -> Any:
    if label == MATERIAL:
        from eprok.materials.access import visible_to as materials_visible

        return materials_visible(user)
    from eprok.cases.access import visible_to as cases_visible

    return cases_visible(user)


def _load(label: str, user: Any, pks: set[int]) -> list[Any]:
    if not pks:
        return []
    columns = _MATERIAL_TEXT if label == MATERIAL else _CASE_TEXT
    rows = (
        _visible(label, user)
        .filter(pk__in=pks)
        .select_related("unit")
        .only("pk", "number", "status", "unit__name_az", "unit__name_en", "unit__name_ru", *columns)
    )
    return list(rows)


def _person_shared(identity: _Identity, show: bool) -> Shared:
    kind = Kind.COMPANY if identity.kind == PersonKind.LEGAL else Kind.PERSON
    ref = str(min(identity.rows))
    if not show:
        return Shared(kind, ref=ref)
    return Shared(kind, identity.name, identity.public_id, ref=ref)


def related(user: Any, label: str, obj: Material | Case, *, limit: int = LIMIT) -> list[Link]:
    """The crime reports and cases `user` may open that share a person, company, phone, address or
    vehicle with `obj` (which the caller has already fetched through its app's access check), strongest
    first, at most `limit`."""
    if label not in LABELS:
        raise ValueError(label)
    show = persons_access.can_use_registry(user)
    own_ids = _own_person_ids(label, obj)
    identities = _identities(own_ids)
    own = set(identities)
    reasons: dict[int, set[Shared]] = defaultdict(set)
    for pk, identity in identities.items():
        reasons[pk].add(_person_shared(identity, show))
    if own:
        for pk, numbers in _phone_links(own).items():
            reasons[pk].update(Shared(Kind.PHONE, n if show else mask_phone(n), ref=n) for n in numbers)
        for pk, addresses in _address_links(own).items():
            reasons[pk].update(Shared(Kind.ADDRESS, a if show else "", ref=address_key(a)) for a in addresses)
    vehicles = vehicles_in(*_record_texts(label, obj))[:MAX_KEYS]
    candidates = _vehicle_candidates(vehicles)

    links: list[Link] = []
    for other in LABELS:
        exclude = obj.pk if other == label else None
        shared: dict[int, set[Shared]] = defaultdict(set)
        for record_id, person_id in _party_records(other, set(reasons), _visible(other, user), exclude):
            shared[record_id].update(reasons[person_id])
        vehicle_ids = {pk for pk in candidates.get(other, ()) if pk != exclude}
        for record in _load(other, user, set(shared) | vehicle_ids):
            things = set(shared.get(record.pk, ()))
            if record.pk in vehicle_ids:
                common = set(vehicles) & set(vehicles_in(*_record_texts(other, record)))
                things.update(Shared(Kind.VEHICLE, _plate_shown(v), ref=v) for v in common)
            if things:
                links.append(_link(other, record, things))
    links.sort(key=lambda link: (-link.strength, link.label, link.key))
    return links[:limit]


def _link(label: str, record: Any, things: set[Shared]) -> Link:
    order = list(WEIGHTS)
    strength = sum(WEIGHTS[kind] for kind, _ref in {(item.kind, item.ref) for item in things})
    # A hidden value collapses to its kind: two shared persons are one "Same person" line for the reader.
    shown: dict[tuple[str, str, str], Shared] = {}
    for item in sorted(things, key=lambda s: (order.index(s.kind), s.value, s.ref)):
        shown.setdefault((item.kind, item.value, item.person_id), item)
    items = list(shown.values())
    return Link(
        label=label,
        key=record.number,
        url=record.get_absolute_url(),
        title=record.summary_preview if label == MATERIAL else _preview(record.summary),
        status=record.status_label,
        unit=str(record.unit),
        shared=items,
        strength=strength,
    )


def _preview(text: str, size: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
