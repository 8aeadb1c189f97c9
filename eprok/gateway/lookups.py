"""State-register look-ups ("elektron sorğu"): asking a register about a person, a company, a vehicle or
a property, with a purpose, and copying confirmed data into a person record.

A look-up is refused (and the refusal audited in its own transaction, so the raise does not undo it)
without a purpose or when the employee's roles do not open the register. Otherwise the register is called
through `eprok.gateway.client.call` outside any transaction, and one `Lookup` row keeps what came back:
found, not found, or failed with the message the employee saw (the gateway's message log keeps the
exchange itself). Every look-up, every read of a stored one and every copy is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.access import deny
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.locking import StaleVersion
from eprok.gateway import access
from eprok.gateway.client import GatewayError, call
from eprok.gateway.models import Lookup, LookupStatus, Outcome, Register, RegisterCopy
from eprok.persons.validators import normalise_fin, normalise_voen


class QueryKind(models.TextChoices):
    FIN = "fin", _("FIN")
    VOEN = "voen", _("VÖEN")
    PLATE = "plate", _("Registration plate")
    VIN = "vin", _("VIN")


# The gateway service (RemoteService.code) behind each register.
REGISTER_SERVICES: dict[str, str] = {
    Register.POPULATION: "population.person",
    Register.TAX: "tax.taxpayer",
    Register.VEHICLES: "vehicles.vehicle",
    Register.REAL_ESTATE: "realestate.property",
    Register.RECORDS: "records.person",
    Register.BORDER: "border.crossings",
}
# What each register can be asked by.
REGISTER_KINDS: dict[str, tuple[str, ...]] = {
    Register.POPULATION: (QueryKind.FIN,),
    Register.RECORDS: (QueryKind.FIN,),
    Register.BORDER: (QueryKind.FIN,),
    Register.VEHICLES: (QueryKind.FIN, QueryKind.VOEN, QueryKind.PLATE, QueryKind.VIN),
    Register.REAL_ESTATE: (QueryKind.FIN, QueryKind.VOEN),
    Register.TAX: (QueryKind.VOEN,),
}
# Registers whose answer is a list of items: an empty list is "not found".
LIST_REGISTERS = frozenset({Register.VEHICLES, Register.REAL_ESTATE, Register.BORDER})
PURPOSE_MIN = 10
PURPOSE_MAX = 500
ISSUE_MAX = 100
# Border crossings are asked for this many years back (a bounded period, not a whole life).
BORDER_YEARS = 5

PLATE_RE = re.compile(r"^(\d{2})[\s-]*([A-Z]{2})[\s-]*(\d{3})$")
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")

# Subjects a look-up may be made from: the audit label of each model and the attribute giving its issue.
SUBJECT_TYPES = {"persons.person": "person", "materials.material": "material", "cases.case": "case"}


def registers_for(query_kind: str) -> list[str]:
    """The registers that can be asked by `query_kind`, in the order of the Register choices."""
    return [register for register in Register.values if query_kind in REGISTER_KINDS[register]]


def _query_error(message: Any) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_query", details={"query": str(message)})


def normalise_query(query_kind: str, value: str) -> str:
    """The query as the registers take it: FIN and VIN in capitals, plate 10-AB-123, VÖEN checked."""
    text = (value or "").strip()
    if query_kind not in QueryKind.values:
        raise ValidationFailed(
            _("Choose what to look up by: FIN, VÖEN, plate or VIN."),
            code="invalid_query_kind",
            details={"query_kind": str(_("Choose what to look up by: FIN, VÖEN, plate or VIN."))},
        )
    if not text:
        raise _query_error(_("Enter what to look up."))
    if query_kind == QueryKind.FIN:
        try:
            fin = normalise_fin(text, field="query")
        except ValidationFailed as exc:
            raise _query_error(exc.message) from None
        return fin or ""
    if query_kind == QueryKind.VOEN:
        try:
            voen = normalise_voen(text, field="query")
        except ValidationFailed as exc:
            raise _query_error(exc.message) from None
        return voen or ""
    if query_kind == QueryKind.PLATE:
        match = PLATE_RE.match(text.upper())
        if not match:
            raise _query_error(
                _("A registration plate looks like 10-AB-123: two digits, two letters, three digits.")
            )
        return "-".join(match.groups())
    vin = re.sub(r"[\s-]+", "", text).upper()
    if not VIN_RE.match(vin):
        raise _query_error(_("A VIN has 17 Latin letters and digits, without I, O and Q."))
    return vin


def _request(register: str, query_kind: str, query: str) -> tuple[str, dict[str, str] | None]:
    """The path and query string of the register's service for this look-up."""
    if register == Register.POPULATION:
        return f"/persons/{query}", None
    if register == Register.TAX:
        return f"/taxpayers/{query}", None
    if register == Register.RECORDS:
        return f"/records/{query}", None
    if register == Register.BORDER:
        today = timezone.localdate()
        start = today - dt.timedelta(days=round(365.25 * BORDER_YEARS))
        return f"/crossings/{query}", {"from": start.isoformat(), "to": today.isoformat()}
    if register == Register.REAL_ESTATE:
        return "/properties", {"owner": query}
    key = {QueryKind.PLATE: "plate", QueryKind.VIN: "vin"}.get(QueryKind(query_kind), "owner")
    return "/vehicles", {key: query}


class _Unreadable(Exception):
    """A JSON answer that is not what the register's service promises."""


def _interpret(register: str, status: int, data: Any) -> tuple[str, dict[str, Any]]:
    """(status of the look-up, the result kept) from a register's answer; _Unreadable if it makes no sense."""
    if status == 404:
        return LookupStatus.NOT_FOUND, {}
    if not isinstance(data, dict):
        raise _Unreadable("the answer is not a JSON object")
    if register in LIST_REGISTERS:
        items = data.get("items")
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise _Unreadable("the answer has no list of items")
        return (LookupStatus.FOUND if items else LookupStatus.NOT_FOUND), {"items": items}
    if register == Register.RECORDS:
        convictions = data.get("convictions") or []
        if not isinstance(convictions, list):
            raise _Unreadable("convictions is not a list")
        return LookupStatus.FOUND, data
    required: dict[str, tuple[str, ...]] = {
        Register.POPULATION: ("last_name", "first_name"),
        Register.TAX: ("name",),
    }
    if not all(isinstance(data.get(name), str) for name in required[register]):
        raise _Unreadable("required fields are missing")
    family = data.get("family")
    if family is not None and not isinstance(family, list):
        raise _Unreadable("family is not a list")
    return LookupStatus.FOUND, data


# --- the subject a look-up is made from ------------------------------------------------------------------


def subject_label(subject: Any) -> str:
    return f"{subject._meta.app_label}.{subject._meta.model_name}"


def _require_subject(actor: Any, subject: Any) -> None:
    """The subject must be one the user may see (404, audited, otherwise)."""
    label = subject_label(subject)
    visible = False
    if label == "persons.person":
        from eprok.persons import access as persons_access

        visible = persons_access.visible_to(actor).filter(pk=subject.pk).exists()
    elif label == "materials.material":
        from eprok.materials import access as materials_access

        visible = materials_access.visible_to(actor).filter(pk=subject.pk).exists()
    elif label == "cases.case":
        from eprok.cases import access as cases_access

        visible = cases_access.can_view(actor, subject)
    else:
        raise TypeError(f"a look-up cannot be made from {label}")
    if not visible:
        deny(
            actor,
            action="gateway.lookup.run",
            target_type=label,
            target_key=str(getattr(subject, "public_id", None) or subject.pk),
            visible=False,
        )


def subject_of(lookup: Lookup) -> Any:
    """The person, report or case a look-up was made from (None if none or gone)."""
    if not lookup.subject_type or lookup.subject_id is None:
        return None
    from django.apps import apps

    try:
        model = apps.get_model(lookup.subject_type)
    except (LookupError, ValueError):
        return None
    return model.objects.filter(pk=lookup.subject_id).first()


# --- running look-ups ------------------------------------------------------------------------------------


def _refuse(actor: Any, *, register: str, query_kind: str, query: str, reason: str, error: Exception) -> None:
    """Audit a refused look-up in its own transaction, then raise `error`."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="gateway.lookup.refused",
            target_type="gateway.register",
            target_id=register,
            target_repr=str(Register(register).label) if register in Register.values else register,
            data={"register": register, "query_kind": query_kind, "query": query, "reason": reason},
        )
    raise error


def _check(
    *, actor: Any, register: str, query_kind: str, query: str, purpose: str, subject: Any, issue: str
) -> tuple[str, str, str]:
    """Validate one look-up: (normalised query, purpose, issue), or refuse."""
    if register not in Register.values:
        raise ValidationFailed(
            _("Choose a register."),
            code="invalid_register",
            details={"register": str(_("Choose a register."))},
        )
    query = normalise_query(query_kind, query)
    if query_kind not in REGISTER_KINDS[register]:
        message = _("%(register)s cannot be searched by this kind of query.") % {
            "register": Register(register).label
        }
        raise ValidationFailed(message, code="kind_not_supported", details={"register": str(message)})
    purpose = " ".join((purpose or "").split())[:PURPOSE_MAX]
    if len(purpose) < PURPOSE_MIN:
        message = _(
            "Write the purpose of the look-up (at least %(min)d characters): why you need these data."
        ) % {"min": PURPOSE_MIN}
        _refuse(
            actor,
            register=register,
            query_kind=query_kind,
            query=query,
            reason="no_purpose",
            error=ValidationFailed(message, code="purpose_required", details={"purpose": str(message)}),
        )
    if not access.can_look_up(actor, register):
        _refuse(
            actor,
            register=register,
            query_kind=query_kind,
            query=query,
            reason="role",
            error=Forbidden(
                _("Your roles do not allow look-ups in %(register)s.")
                % {"register": Register(register).label},
                code="register_not_allowed",
            ),
        )
    if subject is not None:
        _require_subject(actor, subject)
        if subject_label(subject) in ("materials.material", "cases.case"):
            issue = subject.number
    return query, purpose, " ".join((issue or "").split())[:ISSUE_MAX]


def _run_checked(
    *, actor: Any, register: str, query_kind: str, query: str, purpose: str, subject: Any, issue: str
) -> Lookup:
    path, params = _request(register, query_kind, query)
    status: str = LookupStatus.FAILED
    result: dict[str, Any] = {}
    error = ""
    message = None
    try:
        reply = call(
            REGISTER_SERVICES[register],
            method="GET",
            path=path,
            query=params,
            actor=actor,
            purpose=purpose,
            issue=issue,
        )
    except GatewayError as exc:
        error = str(exc.message)
        result = {"outcome": exc.outcome}
        message = exc.log
    else:
        message = reply.message
        try:
            status, result = _interpret(register, reply.status, reply.data)
        except _Unreadable:
            status, result = LookupStatus.FAILED, {"outcome": Outcome.BAD_ANSWER}
            error = str(
                _("%(register)s answered with data that cannot be read; the answer was discarded.")
                % {"register": Register(register).label}
            )
    with transaction.atomic():
        lookup = Lookup.objects.create(
            register=register,
            query_kind=query_kind,
            query=query,
            purpose=purpose,
            actor=actor,
            unit=getattr(actor, "unit", None),
            subject_type=subject_label(subject) if subject is not None else "",
            subject_id=subject.pk if subject is not None else None,
            issue=issue,
            status=status,
            result=result,
            error=error[:500],
            message=message,
        )
        audit_record(
            actor=actor,
            action="gateway.lookup.run",
            target=subject if subject is not None else lookup,
            target_repr="" if subject is not None else f"{Register(register).label}: {query}",
            related=lookup if subject is not None else None,
            purpose=purpose,
            data={
                "lookup": str(lookup.public_id),
                "register": register,
                "query_kind": query_kind,
                "query": query,
                "issue": issue,
                "status": status,
                "xroad_id": message.xroad_id if message is not None else "",
            },
        )
    return lookup


def lookup_run(
    *,
    actor: Any,
    register: str,
    query_kind: str,
    query: str,
    purpose: str,
    subject: Any = None,
    issue: str = "",
) -> Lookup:
    """Ask one register; see the module's docstring. Call it outside a transaction."""
    query, purpose, issue = _check(
        actor=actor,
        register=register,
        query_kind=query_kind,
        query=query,
        purpose=purpose,
        subject=subject,
        issue=issue,
    )
    return _run_checked(
        actor=actor,
        register=register,
        query_kind=query_kind,
        query=query,
        purpose=purpose,
        subject=subject,
        issue=issue,
    )


def lookup_run_many(
    *,
    actor: Any,
    registers: list[str],
    query_kind: str,
    query: str,
    purpose: str,
    subject: Any = None,
    issue: str = "",
) -> list[Lookup]:
    """Ask several registers about one query (the register browser); every register is checked (and a
    refusal audited) before any is called. Registers that cannot be asked by `query_kind` are skipped."""
    chosen = [register for register in Register.values if register in registers]
    applicable = [register for register in chosen if query_kind in REGISTER_KINDS[register]]
    if not applicable:
        normalise_query(query_kind, query)
        message = _("None of the chosen registers can be searched by this kind of query.")
        raise ValidationFailed(message, code="no_register", details={"registers": str(message)})
    checked = [
        _check(
            actor=actor,
            register=register,
            query_kind=query_kind,
            query=query,
            purpose=purpose,
            subject=subject,
            issue=issue,
        )
        for register in applicable
    ]
    return [
        _run_checked(
            actor=actor,
            register=register,
            query_kind=query_kind,
            query=clean_query,
            purpose=clean_purpose,
            subject=subject,
            issue=clean_issue,
        )
        for register, (clean_query, clean_purpose, clean_issue) in zip(applicable, checked, strict=True)
    ]


def lookup_record_view(*, actor: Any, lookups: list[Lookup], purpose: str = "") -> None:
    """Audit a read of stored look-up answers (protected data), one event per look-up."""
    with transaction.atomic():
        for lookup in lookups:
            audit_record(
                actor=actor,
                action="gateway.lookup.viewed",
                target=lookup,
                target_repr=f"{lookup.get_register_display()}: {lookup.query}",
                purpose=purpose or lookup.purpose,
                data={"register": lookup.register, "query_kind": lookup.query_kind, "query": lookup.query},
            )


def lookups_record_listed(*, actor: Any, keys: list[str], purpose: str = "history") -> None:
    """Audit a list of stored look-ups shown (the history page and the API's list)."""
    with transaction.atomic():
        audit_record(actor=actor, action="gateway.lookup.listed", purpose=purpose, data={"lookups": keys})


# --- copying confirmed data into a person record -------------------------------------------------------

# The fields a population answer confirms, in the order the copy form lists them.
COPY_FIELDS: tuple[str, ...] = (
    "fin",
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
    "address",
)
COPY_LABELS: dict[str, Any] = {
    "fin": _("FIN"),
    "last_name": _("Surname"),
    "first_name": _("Name"),
    "patronymic": _("Patronymic"),
    "birth_date": _("Date of birth"),
    "sex": _("Sex"),
    "address": _("Registered address"),
}


@dataclass(frozen=True)
class RegisterValues:
    """What a population answer says, in the person record's types."""

    fin: str
    last_name: str
    first_name: str
    patronymic: str
    birth_date: dt.date | None
    sex: str
    citizenship: str
    district: str
    address: str

    def value(self, field: str) -> Any:
        return self.address if field == "address" else getattr(self, field)


def register_values(lookup: Lookup) -> RegisterValues:
    """The population register's answer of a found look-up as the person record's values."""
    data = lookup.result or {}
    try:
        birth = dt.date.fromisoformat(str(data.get("birth_date") or ""))
    except ValueError:
        birth = None
    raw_address = data.get("address")
    address: dict[str, Any] = raw_address if isinstance(raw_address, dict) else {}
    citizenship = str(data.get("citizenship") or "")
    return RegisterValues(
        fin=lookup.query,
        last_name=str(data.get("last_name") or "").strip(),
        first_name=str(data.get("first_name") or "").strip(),
        patronymic=str(data.get("patronymic") or "").strip(),
        birth_date=birth,
        sex=str(data.get("sex") or "") if data.get("sex") in ("male", "female") else "",
        citizenship=citizenship.upper() if re.fullmatch(r"[A-Za-z]{2}", citizenship) else "",
        district=str(address.get("district") or "").strip(),
        address=str(address.get("text") or "").strip(),
    )


def _copyable(lookup: Lookup, actor: Any) -> None:
    if lookup.actor_id != getattr(actor, "pk", None):
        deny(
            actor,
            action="gateway.lookup.copy",
            target_type="gateway.lookup",
            target_key=str(lookup.public_id),
            visible=False,
        )
    if lookup.register != Register.POPULATION or lookup.status != LookupStatus.FOUND:
        raise Conflict(
            _("Only a person found in the population register can be copied into a person record."),
            code="not_copyable",
        )


def _audit_copy(actor: Any, lookup: Lookup, person: Any, copied: dict[str, Any], created: bool) -> None:
    audit_record(
        actor=actor,
        action="gateway.lookup.copied",
        target=person,
        related=lookup,
        purpose=lookup.purpose,
        data={
            "lookup": str(lookup.public_id),
            "register": lookup.register,
            "service": REGISTER_SERVICES[lookup.register],
            "answered_at": lookup.created_at.isoformat(),
            "fields": sorted(copied),
            "created": created,
        },
    )


def lookup_copy(
    *, actor: Any, lookup: Lookup, person: Any, fields: list[str], expected_version: int | None = None
) -> RegisterCopy:
    """Copy the chosen fields of a population answer into `person` (the persons services write them, with
    the version check); the copy is recorded with its source and audited."""
    from eprok.persons import access as persons_access
    from eprok.persons import services as persons_services
    from eprok.persons.models import AddressKind, Person, PersonKind

    _copyable(lookup, actor)
    if not persons_access.can_change(actor, person):
        deny(
            actor,
            action="persons.person.change",
            target_type="persons.person",
            target_key=str(person.public_id),
            visible=True,
        )
    chosen = [field for field in COPY_FIELDS if field in set(fields or [])]
    unknown = set(fields or []) - set(COPY_FIELDS)
    if unknown or not chosen:
        message = _("Choose the data to copy.")
        raise ValidationFailed(message, code="no_fields", details={"fields": str(message)})
    values = register_values(lookup)
    with transaction.atomic():
        current = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
        if current.is_merged:
            raise Conflict(persons_services.MERGED, code="merged")
        if expected_version is not None and expected_version != current.version:
            raise StaleVersion(details={"version": current.version})
        if current.kind != PersonKind.NATURAL:
            raise Conflict(
                _("Population data can only be copied into a natural person's record."), code="wrong_kind"
            )
        if current.fin and current.fin != values.fin:
            raise Conflict(
                _("This record has another FIN; the register's answer is about someone else."),
                code="other_fin",
            )
        if "fin" in chosen and current.fin == values.fin:
            chosen.remove("fin")
        copied: dict[str, Any] = {}
        updates = {
            field: values.value(field)
            for field in chosen
            if field != "address" and values.value(field) not in ("", None)
        }
        if updates:
            persons_services.person_update(
                actor=actor, person=current, expected_version=current.version, **updates
            )
            copied.update({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in updates.items()})
        if "address" in chosen and values.address:
            exists = current.addresses.filter(
                kind=AddressKind.REGISTRATION, text=values.address, district=values.district
            ).exists()
            if not exists:
                persons_services.person_add_address(
                    actor=actor,
                    person=current,
                    kind=AddressKind.REGISTRATION,
                    text=values.address,
                    district=values.district,
                )
            copied["address"] = ", ".join(part for part in (values.district, values.address) if part)
        if not copied:
            message = _("The register has no value for the chosen data.")
            raise ValidationFailed(message, code="nothing_to_copy", details={"fields": str(message)})
        copy = RegisterCopy.objects.create(lookup=lookup, person=current, fields=copied, copied_by=actor)
        _audit_copy(actor, lookup, current, copied, created=False)
    return copy


def lookup_create_person(*, actor: Any, lookup: Lookup) -> RegisterCopy:
    """Register a natural person from a population answer (no record with the FIN yet), with the
    registered address; recorded as a copy from the register."""
    from eprok.persons import access as persons_access
    from eprok.persons import services as persons_services
    from eprok.persons.models import AddressKind, PersonKind

    _copyable(lookup, actor)
    persons_access.require_registry(actor, "create")
    values = register_values(lookup)
    with transaction.atomic():
        person = persons_services.person_create(
            actor=actor,
            kind=PersonKind.NATURAL,
            fin=values.fin,
            last_name=values.last_name,
            first_name=values.first_name,
            patronymic=values.patronymic,
            birth_date=values.birth_date,
            sex=values.sex,
            citizenship=values.citizenship,
        )
        copied: dict[str, Any] = {
            "fin": values.fin,
            "last_name": values.last_name,
            "first_name": values.first_name,
            "patronymic": values.patronymic,
            "birth_date": values.birth_date.isoformat() if values.birth_date else None,
            "sex": values.sex,
        }
        if values.address:
            persons_services.person_add_address(
                actor=actor,
                person=person,
                kind=AddressKind.REGISTRATION,
                text=values.address,
                district=values.district,
            )
            copied["address"] = ", ".join(part for part in (values.district, values.address) if part)
        copied = {k: v for k, v in copied.items() if v not in ("", None)}
        copy = RegisterCopy.objects.create(lookup=lookup, person=person, fields=copied, copied_by=actor)
        _audit_copy(actor, lookup, person, copied, created=True)
    return copy
