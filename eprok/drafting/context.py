"""The fields a template body can use, built from the owning record as plain data.

Every builder returns the same shape (`blank_context()`), so every template can be checked against one
specimen: values that do not apply to an owner type stay empty. Only dicts, lists and strings go into the
context; the builders read the owning apps' models read-only, in Azerbaijani (the documents are Azerbaijani
whatever the interface language is).

    office     name, name_upper, name_genitive/_dative/_locative/_ablative, parent_name(_upper), place
    document   number, date, date_short (today), year
    record     the owner's fields (number, dates, summary, grounds, status, ...; see RECORD_FIELDS)
    articles   [{reference, number, title, ordinal, text}], articles_text ("177.2.3-cü (Oğurluq)"),
               articles_numbers ("177.2.3-cü")
    applicant, victim, suspect, accused      the first person in that role: name, short_name, birth_date,
               fin, address, phone;  victims, suspects, accused_list: all of them
    investigator, prosecutor, executor, signatory     name, short_name, position, rank, unit
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from eprok.drafting.azdate import az_upper, long_date, noun_case, ordinal_text, short_date

OFFICE_FIELDS = (
    "name",
    "name_upper",
    "name_genitive",
    "name_dative",
    "name_locative",
    "name_ablative",
    "parent_name",
    "parent_name_upper",
    "place",
)
PERSON_FIELDS = ("name", "short_name", "birth_date", "fin", "address", "phone")
EMPLOYEE_FIELDS = ("name", "short_name", "position", "rank", "unit")
RECORD_FIELDS = (
    "number",
    "kind",
    "status",
    "received_on",
    "registered_on",
    "opened_on",
    "summary",
    "text",
    "grounds",
    "source",
    "incident_date",
    "incident_place",
    "check_due",
    "investigation_due",
    "category",
    "refusal_ground",
    "suspension_ground",
    "suspended_on",
    "termination_ground",
    "referred_to",
    "transferred_to",
    "material_number",
    "case_number",
    "topic",
    "answer_due",
    "outcome",
    "channel",
    "instruction",
    "instruction_due",
    "measure",
    "measure_due",
    "in_custody",
)


def _blank(fields: tuple[str, ...]) -> dict[str, str]:
    return dict.fromkeys(fields, "")


def blank_context() -> dict[str, Any]:
    return {
        "office": _blank(OFFICE_FIELDS),
        "document": _blank(("number", "date", "date_short", "year")),
        "record": _blank(RECORD_FIELDS),
        "articles": [],
        "articles_text": "",
        "articles_numbers": "",
        "applicant": _blank(PERSON_FIELDS),
        "victim": _blank(PERSON_FIELDS),
        "suspect": _blank(PERSON_FIELDS),
        "accused": _blank(PERSON_FIELDS),
        "victims": [],
        "suspects": [],
        "accused_list": [],
        "investigator": _blank(EMPLOYEE_FIELDS),
        "prosecutor": _blank(EMPLOYEE_FIELDS),
        "executor": _blank(EMPLOYEE_FIELDS),
        "signatory": _blank(EMPLOYEE_FIELDS),
    }


def specimen_context() -> dict[str, Any]:
    """A context with every field filled and one item in every list: what a body is checked against."""
    ctx = blank_context()
    for key, value in list(ctx.items()):
        if isinstance(value, dict):
            ctx[key] = {name: f"[{key}.{name}]" for name in value}
    person = {name: f"[person.{name}]" for name in PERSON_FIELDS}
    ctx["victims"] = [dict(person)]
    ctx["suspects"] = [dict(person)]
    ctx["accused_list"] = [dict(person)]
    ctx["articles"] = [
        {
            "reference": "177.2.3",
            "number": "177",
            "title": "Oğurluq",
            "text": "177.2.3-cü (Oğurluq)",
            "ordinal": "177.2.3-cü",
        }
    ]
    ctx["articles_text"] = "177.2.3-cü (Oğurluq)"
    ctx["articles_numbers"] = "177.2.3-cü"
    return ctx


# --- pieces -------------------------------------------------------------------------------------------


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _related_first(obj: Any, relation: str, field: str) -> str:
    manager = getattr(obj, relation, None)
    if manager is None or obj.pk is None:
        return ""
    row = manager.order_by("pk").first()
    return _s(getattr(row, field, "")) if row is not None else ""


def person_data(person: Any) -> dict[str, str]:
    if person is None:
        return _blank(PERSON_FIELDS)
    if getattr(person, "kind", "") == "legal" and getattr(person, "legal_name", ""):
        name = person.legal_name
        short = person.legal_name
    else:
        parts = [person.last_name, person.first_name, person.patronymic]
        name = " ".join(p for p in parts if p)
        short = " ".join(
            p for p in [f"{person.first_name[:1]}." if person.first_name else "", person.last_name] if p
        )
    return {
        "name": name,
        "short_name": short,
        "birth_date": long_date(getattr(person, "birth_date", None)),
        "fin": _s(getattr(person, "fin", "")),
        "address": _related_first(person, "addresses", "text"),
        "phone": _related_first(person, "phones", "number"),
    }


def employee_data(employee: Any) -> dict[str, str]:
    if employee is None:
        return _blank(EMPLOYEE_FIELDS)
    name = " ".join(p for p in [employee.last_name, employee.first_name, employee.patronymic] if p)
    short = " ".join(
        p for p in [f"{employee.first_name[:1]}." if employee.first_name else "", employee.last_name] if p
    )
    return {
        "name": name,
        "short_name": short,
        "position": employee.position.name_az if employee.position_id else "",
        "rank": employee.class_rank.name_az if getattr(employee, "class_rank_id", None) else "",
        "unit": employee.unit.name_az if employee.unit_id else "",
    }


def office_data(unit: Any) -> dict[str, str]:
    parent = unit.parent if unit.parent_id else None
    return {
        "name": unit.name_az,
        "name_upper": az_upper(unit.name_az),
        "name_genitive": noun_case(unit.name_az, "genitive"),
        "name_dative": noun_case(unit.name_az, "dative"),
        "name_locative": noun_case(unit.name_az, "locative"),
        "name_ablative": noun_case(unit.name_az, "ablative"),
        "parent_name": parent.name_az if parent else "",
        "parent_name_upper": az_upper(parent.name_az) if parent else "",
        "place": settings.EPROK_DRAFTING_PLACE,
    }


def articles_data(references: str, on: dt.date) -> list[dict[str, str]]:
    """[{reference, number, title, text}] for "177.2.3, 178.1"; an unknown article keeps its reference."""
    from eprok.core.errors import ApplicationError
    from eprok.criminal_code.references import split_reference
    from eprok.criminal_code.selectors import article_valid_on

    items = []
    for raw in (references or "").replace(";", ",").split(","):
        reference = raw.strip()
        if not reference:
            continue
        title = ""
        try:
            number, _parts = split_reference(reference)
            article = article_valid_on(number, on)
            title = article.title_az if article else ""
        except ApplicationError:
            number = reference
        ordinal = ordinal_text(reference)
        items.append(
            {
                "reference": reference,
                "number": number,
                "title": title,
                "ordinal": ordinal,
                "text": f"{ordinal} ({title})" if title else ordinal,
            }
        )
    return items


def _choice_label(choices: Any, value: str) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _parties(rows: list[tuple[str, Any]], ctx: dict[str, Any]) -> None:
    by_role: dict[str, list[dict[str, str]]] = {}
    for role, person in rows:
        by_role.setdefault(role, []).append(person_data(person))
    for role, key, list_key in (
        ("applicant", "applicant", None),
        ("victim", "victim", "victims"),
        ("suspect", "suspect", "suspects"),
        ("accused", "accused", "accused_list"),
    ):
        people = by_role.get(role, [])
        if people:
            ctx[key] = people[0]
        if list_key:
            ctx[list_key] = people


# --- builders per owner type ---------------------------------------------------------------------------


def _case(case: Any, ctx: dict[str, Any]) -> None:
    from eprok.cases.models import CaseStatus, SuspensionGround, TerminationGround

    rec = ctx["record"]
    rec.update(
        number=case.number,
        kind="cinayət işi",
        status=_choice_label(CaseStatus, case.status),
        opened_on=long_date(case.opened_at),
        registered_on=long_date(case.opened_at),
        summary=case.summary,
        grounds=case.opening_grounds or case.completion_grounds,
        investigation_due=long_date(case.investigation_due),
        category=_s(case.category),
        termination_ground=_choice_label(TerminationGround, case.termination_ground),
        referred_to=case.referred_to,
        material_number=case.material.number if case.material_id else "",
        case_number=case.number,
        in_custody="bəli" if case.in_custody else "xeyr",
    )
    suspension = case.suspensions.order_by("-started_on").first()
    if suspension is not None:
        rec["suspension_ground"] = _choice_label(SuspensionGround, suspension.ground)
        rec["suspended_on"] = long_date(suspension.started_on)
    instruction = case.instructions.order_by("-created_at").first()
    if instruction is not None:
        rec["instruction"] = instruction.text
        rec["instruction_due"] = long_date(instruction.due_date)
    measure = case.measures.filter(ended_at__isnull=True).order_by("-started_at").first()
    if measure is not None:
        rec["measure"] = measure.get_kind_display()
        rec["measure_due"] = long_date(measure.due_at)
    ctx["articles"] = articles_data(case.articles, timezone.localtime(case.opened_at).date())
    ctx["investigator"] = employee_data(case.investigator)
    ctx["prosecutor"] = employee_data(case.supervisor)
    parties = case.parties.filter(until__isnull=True).select_related("person").order_by("role", "since", "pk")
    rows = [(p.role, p.person) for p in parties]
    if case.material_id:
        rows += [
            (p.role, p.person)
            for p in case.material.parties.filter(role="applicant").select_related("person").order_by("pk")
        ]
    _parties(rows, ctx)


def _material(material: Any, ctx: dict[str, Any]) -> None:
    from eprok.materials.models import MaterialSource, MaterialStatus, RefusalGround

    rec = ctx["record"]
    rec.update(
        number=material.number,
        kind="cinayət haqqında məlumat",
        status=_choice_label(MaterialStatus, material.status),
        received_on=long_date(material.received_at),
        registered_on=long_date(material.registered_at),
        summary=material.summary,
        grounds=material.decision_grounds,
        source=_choice_label(MaterialSource, material.source),
        incident_date=long_date(material.incident_date),
        incident_place=material.incident_place,
        check_due=long_date(material.check_due),
        refusal_ground=_choice_label(RefusalGround, material.refusal_ground),
        transferred_to=(
            material.transferred_to_unit.name_az
            if material.transferred_to_unit_id
            else material.transferred_to_body
        ),
        case_number=material.case_number,
        material_number=material.number,
    )
    ctx["articles"] = articles_data(material.articles, timezone.localtime(material.registered_at).date())
    ctx["investigator"] = employee_data(material.assignee)
    parties = material.parties.select_related("person").order_by("role", "pk")
    _parties([(p.role, p.person) for p in parties], ctx)


def _appeal(appeal: Any, ctx: dict[str, Any]) -> None:
    from eprok.appeals.models import AppealKind, AppealStatus, Channel, Outcome

    rec = ctx["record"]
    rec.update(
        number=appeal.number,
        kind=_choice_label(AppealKind, appeal.kind),
        status=_choice_label(AppealStatus, appeal.status),
        received_on=long_date(appeal.received_at),
        registered_on=long_date(appeal.registered_at),
        text=appeal.text,
        summary=appeal.text[:500],
        topic=appeal.topic.name_az if appeal.topic_id and hasattr(appeal.topic, "name_az") else "",
        answer_due=long_date(appeal.answer_due),
        outcome=_choice_label(Outcome, appeal.outcome),
        channel=_choice_label(Channel, appeal.channel),
        transferred_to=appeal.forwarded_to_unit.name_az if appeal.forwarded_to_unit_id else "",
    )
    if appeal.is_anonymous:
        applicant = _blank(PERSON_FIELDS)
    else:
        parts = [appeal.applicant_last_name, appeal.applicant_first_name, appeal.applicant_patronymic]
        name = " ".join(p for p in parts if p) or appeal.organisation
        first = appeal.applicant_first_name
        applicant = {
            "name": name,
            "short_name": " ".join(
                p for p in [f"{first[:1]}." if first else "", appeal.applicant_last_name] if p
            )
            or name,
            "birth_date": "",
            "fin": appeal.applicant_fin,
            "address": appeal.applicant_address,
            "phone": appeal.applicant_phone,
        }
    ctx["applicant"] = applicant
    ctx["executor"] = employee_data(appeal.executor)
    ctx["investigator"] = ctx["executor"]


def _call(call: Any, ctx: dict[str, Any]) -> None:
    from eprok.contact.models import CallOutcome

    rec = ctx["record"]
    rec.update(
        number=str(call.public_id)[:8].upper(),
        kind="telefon müraciəti",
        received_on=long_date(call.offered_at),
        registered_on=long_date(call.registered_at or call.offered_at),
        summary=call.summary,
        text=call.summary,
        topic=call.topic,
        outcome=_choice_label(CallOutcome, call.outcome),
        transferred_to=call.forwarded_to,
        material_number=call.material_number,
        channel="telefon",
    )
    ctx["applicant"] = {
        "name": call.caller_name,
        "short_name": call.caller_name,
        "birth_date": "",
        "fin": call.caller_fin,
        "address": "",
        "phone": call.caller_number,
    }
    ctx["executor"] = employee_data(call.operator)


def _correspondence(letter: Any, ctx: dict[str, Any]) -> None:
    from eprok.documents.models import CorrespondenceStatus, DeliveryChannel, Direction

    rec = ctx["record"]
    incoming = letter.direction == Direction.INCOMING
    rec.update(
        number=letter.number,
        kind="daxil olan məktub" if incoming else "göndərilən məktub",
        status=_choice_label(CorrespondenceStatus, letter.status),
        received_on=long_date(letter.their_date or letter.registered_at),
        registered_on=long_date(letter.registered_at),
        summary=" ".join(p for p in [letter.subject, letter.summary] if p),
        text=letter.summary,
        topic=letter.subject,
        channel=_choice_label(DeliveryChannel, letter.channel),
        transferred_to="" if incoming else letter.correspondent,
    )
    ctx["applicant"] = {
        **_blank(PERSON_FIELDS),
        "name": letter.correspondent,
        "short_name": letter.correspondent,
    }


BUILDERS: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    "cases.case": _case,
    "materials.material": _material,
    "appeals.appeal": _appeal,
    "contact.call": _call,
    "documents.correspondence": _correspondence,
}


def supported_owner_types() -> list[str]:
    return sorted(BUILDERS)


def build_context(*, owner_type: str, owner: Any, unit: Any, signatory: Any) -> dict[str, Any]:
    """The fields of `owner` for a template body: plain data only, in Azerbaijani."""
    ctx = blank_context()
    today = timezone.localdate()
    with translation.override("az"):
        ctx["office"] = office_data(unit)
        builder = BUILDERS.get(owner_type)
        if builder is not None:
            builder(owner, ctx)
        ctx["signatory"] = employee_data(signatory)
    ctx["document"] = {
        "number": ctx["record"]["number"],
        "date": long_date(today),
        "date_short": short_date(today),
        "year": str(today.year),
    }
    ctx["articles_text"] = ", ".join(a["text"] for a in ctx["articles"])
    ctx["articles_numbers"] = ", ".join(a["ordinal"] for a in ctx["articles"])
    return ctx
