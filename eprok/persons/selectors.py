"""Reads of the person registry, shared by the HTML views and the API; each starts from access.visible_to.

Name search never scans: the query is folded into the same tokens as Person.name_key, the surname
token is found through the name_key index (a key starts with the surname, or the legal name's first
word), and the other tokens are checked on those candidates only.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, prefetch_related_objects

from eprok.core.collation import az_order
from eprok.core.errors import ValidationFailed
from eprok.persons import access, names
from eprok.persons.models import Person, PersonDocument, PersonKind, PersonMerge, PersonPhone
from eprok.persons.validators import FIN_RE, VIRTUAL_PIN_RE, normalise_phone, split_document_number

SORTS: dict[str, tuple[Any, ...]] = {
    "name": (az_order("last_name"), az_order("first_name"), az_order("legal_name"), "pk"),
    "-name": (
        az_order("last_name").desc(),
        az_order("first_name").desc(),
        az_order("legal_name").desc(),
        "-pk",
    ),
    "birth_date": ("birth_date", "pk"),
    "-birth_date": ("-birth_date", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
}
DEFAULT_SORT = "name"
EXPORT_MAX_ROWS = 5000
MIN_QUERY_LETTERS = 2
_SEPARATORS = re.compile(r"[\s\-.()/]+")


@dataclass(frozen=True)
class PersonFilters:
    """What a search asks for; built by PersonFilterForm for both the pages and the API."""

    q: str = ""
    kind: str = ""
    birth_date: dt.date | None = None
    sort: str = DEFAULT_SORT
    include_merged: bool = False

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return {k: v for k, v in data.items() if v not in (None, "", False)}

    @property
    def is_empty(self) -> bool:
        return not (self.q.strip() or self.birth_date)


# --- matching --------------------------------------------------------------------------------------


def _starts_with(prefix: str) -> Q:
    """name_key starts with `prefix`, in a form the database answers from the name_key index.

    SQLite compares text byte-wise, so a range is an index range; PostgreSQL's locale collations do
    not order spaces byte-wise, but Django gives a CharField with db_index a pattern-ops index for LIKE.
    """
    if connection.vendor == "sqlite":
        return Q(name_key__gte=prefix, name_key__lt=prefix + "\U0010ffff")
    return Q(name_key__startswith=prefix)


def _has_token(token: str, *, prefix: bool = False) -> Q:
    """name_key holds `token` as a whole token (or, with prefix, a token starting with it)."""
    if prefix:
        return Q(name_key__startswith=token) | Q(name_key__contains=f" {token}")
    return (
        Q(name_key=token)
        | Q(name_key__startswith=f"{token} ")
        | Q(name_key__endswith=f" {token}")
        | Q(name_key__contains=f" {token} ")
    )


def name_filter(text: str) -> Q | None:
    """Persons whose name matches `text` in any spelling; the last word may be unfinished."""
    keys = names.query_keys(text)
    if not keys or sum(ch.isalpha() for ch in text) < MIN_QUERY_LETTERS:
        return None
    *whole, last = keys
    # Candidates through the index: the key starts with one of the query's tokens (the surname).
    first = Q(name_key=last) | _starts_with(last)
    for token in whole:
        first |= Q(name_key=token) | _starts_with(f"{token} ")
    condition = first & _has_token(last, prefix=True)
    for token in whole:
        condition &= _has_token(token)
    return condition


def identifier_filter(text: str) -> Q | None:
    """Persons whose FIN, VÖEN, virtual PIN, document or phone number is exactly `text`."""
    raw = (text or "").strip()
    compact = _SEPARATORS.sub("", raw).upper()
    if not compact or (not any(ch.isdigit() for ch in compact) and not FIN_RE.match(compact)):
        return None
    condition = Q(pk__in=[])
    if FIN_RE.match(compact):
        condition |= Q(fin=compact)
    if compact.isdigit() and len(compact) in (9, 10):
        condition |= Q(voen=compact.zfill(10))
    if VIRTUAL_PIN_RE.match(compact):
        condition |= Q(virtual_pin=compact)
    split = split_document_number(compact)
    documents = PersonDocument.objects.all()
    if split:
        documents = documents.filter(series=split[0], number=split[1])
        condition |= Q(pk__in=documents.values("person_id"))
    elif compact.isalnum() and len(compact) >= 5:
        condition |= Q(pk__in=documents.filter(number=compact).values("person_id"))
    try:
        phone = normalise_phone(raw)
    except ValidationFailed:
        phone = None
    if phone:
        condition |= Q(pk__in=PersonPhone.objects.filter(number=phone).values("person_id"))
    if any(ch.isdigit() for ch in compact):
        condition |= Q(registration_number=raw)
    return condition


def _search_filter(q: str) -> Q | None:
    by_identifier = identifier_filter(q)
    has_digits = any(ch.isdigit() for ch in q)
    by_name = None if has_digits else name_filter(q)
    if by_identifier is not None and by_name is not None:
        return by_identifier | by_name
    return by_identifier if by_identifier is not None else by_name


# --- lists and search ------------------------------------------------------------------------------


def person_list(*, user: Any, filters: PersonFilters) -> QuerySet[Person]:
    """Search results for the pages and the API: nothing until a name, a number or a birth date is given."""
    qs = access.visible_to(user)
    if filters.is_empty:
        return qs.none()
    if not filters.include_merged:
        qs = qs.filter(merged_into__isnull=True)
    if filters.q.strip():
        condition = _search_filter(filters.q)
        if condition is None:
            return qs.none()
        qs = qs.filter(condition)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.birth_date:
        qs = qs.filter(birth_date=filters.birth_date)
    return qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def person_search(
    *,
    user: Any,
    q: str,
    kind: str | None = None,
    birth_date: dt.date | None = None,
    limit: int = 20,
) -> list[Person]:
    """At most `limit` live persons matching `q` (a name in any spelling, or an exact identifier)."""
    filters = PersonFilters(q=q or "", kind=kind or "", birth_date=birth_date)
    return list(person_list(user=user, filters=filters)[: max(1, min(limit, 200))])


def person_export_rows(
    *, user: Any, filters: PersonFilters, max_rows: int = EXPORT_MAX_ROWS
) -> Iterator[Person]:
    return person_list(user=user, filters=filters)[:max_rows].iterator(chunk_size=500)


# --- one person ------------------------------------------------------------------------------------


def person_for_reference(*, user: Any, public_id: Any) -> Person | None:
    """The person a form or request body names by public id, if the user may use the registry (None for
    a malformed id or a record the user may not see). A merged duplicate is returned too, so that the
    caller can say which record to pick instead."""
    try:
        key = uuid.UUID(str(public_id).strip())
    except ValueError:
        return None
    return access.visible_to(user).filter(public_id=key).first()


def person_get(*, user: Any, public_id: Any, action: str = "view") -> Person:
    """A person with documents, addresses and phones loaded (404/403 through access)."""
    person = access.get_person_for(user, public_id, action=action)
    prefetch_related_objects([person], "documents", "addresses", "phones")
    return person


def candidates_for(
    *,
    kind: str,
    name_key: str,
    birth_date: dt.date | None = None,
    fin: str | None = None,
    voen: str | None = None,
    virtual_pin: str = "",
    registration_number: str = "",
    exclude_pk: int | None = None,
    user: Any = None,
    limit: int = 20,
) -> list[Person]:
    """Live records that may be the same person: same FIN, VÖEN or virtual PIN, or (natural persons)
    the same surname and name with the same birth date, or (legal entities) the same folded name or
    registration number."""
    qs = access.visible_to(user) if user is not None else Person.objects.all()
    qs = qs.filter(merged_into__isnull=True, kind=kind)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    condition = Q(pk__in=[])
    if fin:
        condition |= Q(fin=fin)
    if voen:
        condition |= Q(voen=voen)
    if virtual_pin:
        condition |= Q(virtual_pin=virtual_pin)
    tokens = name_key.split()
    if kind == PersonKind.NATURAL and birth_date and tokens:
        head = " ".join(tokens[:2])
        condition |= Q(birth_date=birth_date) & (Q(name_key=head) | _starts_with(f"{head} "))
    if kind == PersonKind.LEGAL:
        if name_key:
            condition |= Q(name_key=name_key)
        if registration_number:
            condition |= Q(registration_number=registration_number)
    return list(qs.filter(condition).order_by("pk")[:limit])


def duplicate_candidates(*, person: Person, user: Any = None) -> list[Person]:
    """Live records that may be the same person as `person` (none for a merged duplicate)."""
    if person.is_merged:
        return []
    return candidates_for(
        kind=person.kind,
        name_key=person.name_key,
        birth_date=person.birth_date,
        fin=person.fin,
        voen=person.voen,
        virtual_pin=person.virtual_pin,
        registration_number=person.registration_number,
        exclude_pk=person.pk,
        user=user,
    )


def merge_history(*, person: Person) -> list[PersonMerge]:
    """Merges this record took part in, as survivor or as duplicate, newest first."""
    return list(
        PersonMerge.objects.filter(Q(survivor=person) | Q(duplicate=person))
        .select_related("survivor", "duplicate", "merged_by")
        .order_by("-merged_at", "-pk")
    )


# --- roles in materials and cases ------------------------------------------------------------------


@dataclass
class PersonRoles:
    materials: list[Any]
    cases: list[Any]
    # False while the materials/cases app has no access rules yet: nothing is shown then.
    materials_available: bool
    cases_available: bool


def _visible_of(app: str, user: Any) -> QuerySet[Any] | None:
    """The other app's visible_to(user), or None when the app does not provide it (yet)."""
    try:
        module = importlib.import_module(f"eprok.{app}.access")
    except ImportError:
        return None
    visible_to = getattr(module, "visible_to", None)
    return visible_to(user) if callable(visible_to) else None


def person_roles(*, user: Any, person: Person) -> PersonRoles:
    """The person's roles in the materials and cases the user may see (nothing where access is unknown)."""
    materials = _visible_of("materials", user)
    cases = _visible_of("cases", user)
    material_roles: list[Any] = []
    case_roles: list[Any] = []
    if materials is not None and hasattr(person, "material_roles"):
        material_roles = list(
            person.material_roles.filter(material__in=materials.values("pk"))
            .select_related("material", "material__unit")
            .order_by("-material__registered_at", "pk")[:200]
        )
    if cases is not None and hasattr(person, "case_roles"):
        case_roles = list(
            person.case_roles.filter(case__in=cases.values("pk"))
            .select_related("case", "case__unit")
            .order_by("-since", "pk")[:200]
        )
    return PersonRoles(
        materials=material_roles,
        cases=case_roles,
        materials_available=materials is not None,
        cases_available=cases is not None,
    )
