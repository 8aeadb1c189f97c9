"""API operations of the crime-report register (mounted in eprok.core.api at /api/v1/materials).

The operations call the same selectors and services as the register's pages. Writes take the version
the client last saw (`version` in the body, or the `If-Match` header) and answer 409 `stale_version`
when the report changed since; registration honours the `Idempotency-Key` header.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from eprok.accounts.scopes import Scope
from eprok.core.access import deny
from eprok.core.api import ERRORS, WRITE_ERRORS, employee_by_public_id, require_scope, unit_by_code
from eprok.core.errors import NotFound, ValidationFailed
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.core.locking import expected_version
from eprok.core.pagination import Page, PageParams, paginate
from eprok.materials import access, selectors, services, terms
from eprok.materials.models import Material
from eprok.materials.parties import person_for_party
from eprok.materials.schemas import (
    ActionIn,
    AssignIn,
    ExtendIn,
    JoinIn,
    MaterialDetailOut,
    MaterialFilterIn,
    MaterialOut,
    PartyIn,
    QuashIn,
    RefuseIn,
    RegisterIn,
    TransferIn,
    VersionIn,
)

router = Router(tags=["materials"])

# --- helpers -----------------------------------------------------------------------------------------


def _expected(request: HttpRequest, body: VersionIn) -> int | None:
    return expected_version(request, body.version)


def _deadline(material: Material, extensions: Any = None) -> dict[str, Any] | None:
    if not material.is_open:
        return None
    deadline = terms.check_deadline(material, extensions=extensions)
    return {
        "rule": deadline.rule_code,
        "due": deadline.due,
        "total_days": deadline.total_length,
        "explanation": deadline.explain_lines(),
    }


def _detail(material: Material, *, new: bool = False) -> dict[str, Any]:
    """The report as the API shows it; `new`: registered by this request, so it has no parties, check
    steps, extensions or joined reports yet, and they are not looked for."""
    parties = [] if new else material.parties.all()
    actions = [] if new else material.actions.all()
    extensions = [] if new else material.extensions.all()
    return {
        **{
            name: getattr(material, name)
            for name in MaterialDetailOut.model_fields
            if hasattr(material, name)
        },
        "check_deadline": _deadline(material, extensions),
        "parties": [
            {
                "id": p.pk,
                "person": p.person.public_id,
                "name": p.person.display_name,
                "role": p.role,
                "note": p.note,
            }
            for p in parties
        ],
        "actions": [
            {
                "id": a.pk,
                "kind": a.kind,
                "performed_on": a.performed_on,
                "description": a.description,
                "recorded_by": a.recorded_by.full_name,
            }
            for a in actions
        ],
        "extensions": [
            {
                "id": e.pk,
                "step": e.step,
                "length": e.length,
                "reason": e.reason,
                "granted_by": e.granted_by.full_name,
                "granted_at": e.created_at,
                "check_round": e.check_round,
            }
            for e in extensions
        ],
        "joined_to": material.joined_to.number if material.joined_to else None,
    }


def _reload(request: HttpRequest, material: Material) -> dict[str, Any]:
    return _detail(selectors.material_get(user=request.user, number=material.number))


def _registered(material: Material) -> dict[str, Any]:
    """A report registered by this request, read back as stored (one query, without its children)."""
    return _detail(Material.objects.select_related("unit", "assignee").get(pk=material.pk), new=True)


# --- operations --------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: Page[MaterialOut], **ERRORS},
    summary="List crime reports",
    description=(
        "The reports the caller may see, filtered like the register page and ordered by `sort` "
        "(newest registration first by default)."
    ),
)
def material_list(request: HttpRequest, page: Query[PageParams], filters: Query[MaterialFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    qs = selectors.material_list(user=request.user, filters=filters.to_filter())
    return paginate(qs, limit=page.limit, offset=page.offset)


@router.post(
    "",
    response={200: MaterialDetailOut, 201: MaterialDetailOut, **WRITE_ERRORS},
    summary="Register a crime report",
    description=(
        "Registers a report in `unit` (the caller must hold “Register crime reports” there), gives "
        "it the next register number and starts the 3-day check term. With an `Idempotency-Key` "
        "header a retried request returns the report the first one created (200 instead of 201); "
        "the same key with a different body is refused with 409 `idempotency_key_reused`."
    ),
)
def material_register(request: HttpRequest, payload: RegisterIn) -> Any:
    require_scope(request, Scope.WRITE)
    unit = unit_by_code(payload.unit, "unit")
    if not access.can_register(request.user, unit):
        deny(
            request.user,
            action="materials.material.register",
            target_type="org.unit",
            target_key=unit.code,
            visible=True,
        )
    assignee = employee_by_public_id(payload.assignee, "assignee")

    def create() -> Material:
        return services.material_register(
            actor=request.user,
            unit=unit,
            source=payload.source.value,
            received_at=payload.received_at,
            summary=payload.summary,
            is_anonymous=payload.is_anonymous,
            source_reference=payload.source_reference,
            incident_date=payload.incident_date,
            incident_place=payload.incident_place,
            articles=payload.articles,
            assignee=assignee,
        )

    material, created = run_once(
        client=request.user,
        operation="materials.register",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=payload.model_dump(mode="json"),
        create=create,
        result_key=lambda m: str(m.public_id),
        load=lambda key: Material.objects.get(public_id=key),
    )
    return Status(201, _registered(material)) if created else Status(200, _reload(request, material))


@router.get(
    "/{number}",
    response={200: MaterialDetailOut, **ERRORS},
    summary="Get a crime report",
    description=(
        "One report with its parties, steps of the check, extensions, the running term with its "
        "explanation and the decision. The read is recorded in the audit log."
    ),
)
def material_get(request: HttpRequest, number: str) -> Any:
    require_scope(request, Scope.READ)
    material = selectors.material_get(user=request.user, number=number)
    services.material_record_view(actor=request.user, material=material, purpose="api")
    return _detail(material)


@router.post(
    "/{number}/assign",
    response={200: MaterialDetailOut, **WRITE_ERRORS},
    summary="Assign the check",
    description=(
        "Gives the check to an employee holding “Investigate” or “Supervise investigations” over "
        "the report's unit. For registrars and supervisors of the unit."
    ),
)
def material_assign(request: HttpRequest, number: str, payload: AssignIn) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="assign")
    assignee = employee_by_public_id(payload.assignee, "assignee")
    material = services.material_assign(
        actor=request.user, material=material, assignee=assignee, expected_version=_expected(request, payload)
    )
    return _reload(request, material)


@router.post(
    "/{number}/start",
    response={200: MaterialDetailOut, **WRITE_ERRORS},
    summary="Start the check",
    description=(
        "Marks a registered report as under check (recording a step does this too). For the assignee."
    ),
)
def material_start_check(request: HttpRequest, number: str, payload: VersionIn) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="work")
    material = services.material_start_check(
        actor=request.user, material=material, expected_version=_expected(request, payload)
    )
    return _reload(request, material)


@router.post(
    "/{number}/actions",
    response={201: MaterialDetailOut, **WRITE_ERRORS},
    summary="Record a step of the check",
    description=(
        "Records a step (scene examination, expert examination, audit, explanation, ...). For the "
        "assignee, while the check is open."
    ),
)
def material_add_action(request: HttpRequest, number: str, payload: ActionIn) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="work")
    services.material_add_action(
        actor=request.user,
        material=material,
        kind=payload.kind,
        performed_on=payload.performed_on,
        description=payload.description,
        expected_version=_expected(request, payload),
    )
    return Status(201, _reload(request, material))


@router.post(
    "/{number}/parties",
    response={201: MaterialDetailOut, **WRITE_ERRORS},
    summary="Add a party",
    description=(
        "Names a person of the person registry in a role (applicant, victim, suspect, ...). An "
        "anonymous report has no applicant. For the assignee, while the check is open."
    ),
)
def material_add_party(request: HttpRequest, number: str, payload: PartyIn) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="work")
    person = person_for_party(user=request.user, public_id=payload.person)
    if person is None:
        message = _("There is no such person in the register.")
        raise ValidationFailed(message, details={"person": message})
    services.material_add_party(
        actor=request.user,
        material=material,
        person=person,
        role=payload.role,
        note=payload.note,
        expected_version=_expected(request, payload),
    )
    return Status(201, _reload(request, material))


@router.delete(
    "/{number}/parties/{party_id}",
    response={200: MaterialDetailOut, **WRITE_ERRORS},
    summary="Remove a party",
    description=("Takes a person's role off the report. For the assignee, while the check is open."),
)
def material_remove_party(request: HttpRequest, number: str, party_id: int, params: Query[VersionIn]) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="work")
    party = material.parties.select_related("person").filter(pk=party_id).first()
    if party is None:
        raise NotFound()
    material = services.material_remove_party(
        actor=request.user, material=material, party=party, expected_version=_expected(request, params)
    )
    return _reload(request, material)


@router.post(
    "/{number}/extensions",
    response={201: MaterialDetailOut, **WRITE_ERRORS},
    summary="Extend the check term",
    description=(
        "Extends the check under a step of rule cpc.207.check (to 10 days: `207.1.2-10`; to 30 days "
        "where an expert opinion or an audit is needed: `207.1.2-30`). Only the holder of the "
        "step's role over the unit (the supervising prosecutor) may; beyond the legal maximum the "
        "request is refused with 422 `extension_not_allowed`."
    ),
)
def material_extend(request: HttpRequest, number: str, payload: ExtendIn) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="extend")
    services.material_extend_check(
        actor=request.user,
        material=material,
        step=payload.step,
        reason=payload.reason,
        length=payload.length,
        expected_version=_expected(request, payload),
    )
    return Status(201, _reload(request, material))


@router.post(
    "/{number}/refuse",
    response={200: MaterialDetailOut, **WRITE_ERRORS},
    summary="Refuse to open a criminal case",
    description=(
        "Records the decision to refuse, with the legal ground (CPC art. 39.1, e.g. `39.1.2`) and "
        "the grounds. For the assignee."
    ),
)
def material_refuse(request: HttpRequest, number: str, payload: RefuseIn) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="work")
    material = services.material_refuse(
        actor=request.user,
        material=material,
        refusal_ground=payload.refusal_ground,
        grounds=payload.grounds,
        expected_version=_expected(request, payload),
    )
    return _reload(request, material)


@router.post(
    "/{number}/quash",
    response={200: MaterialDetailOut, **WRITE_ERRORS},
    summary="Quash a refusal",
    description=(
        "Quashes the refusal to open a case: the report returns to check with a new 3-day term. For "
        "supervisors of the unit."
    ),
)
def material_quash(request: HttpRequest, number: str, payload: QuashIn) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="quash")
    material = services.material_quash_refusal(
        actor=request.user,
        material=material,
        reason=payload.reason,
        expected_version=_expected(request, payload),
    )
    return _reload(request, material)


@router.post(
    "/{number}/transfer",
    response={200: MaterialDetailOut, **WRITE_ERRORS},
    summary="Transfer by jurisdiction",
    description=(
        "Sends the report to another unit of the service (`to_unit`, which then sees it) or to "
        "another body (`to_body`), with grounds. For the assignee."
    ),
)
def material_transfer(request: HttpRequest, number: str, payload: TransferIn) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="work")
    to_unit = unit_by_code(payload.to_unit, "to_unit") if payload.to_unit else None
    material = services.material_transfer(
        actor=request.user,
        material=material,
        grounds=payload.grounds,
        to_unit=to_unit,
        to_body=payload.to_body,
        expected_version=_expected(request, payload),
    )
    return _reload(request, material)


@router.post(
    "/{number}/join",
    response={200: MaterialDetailOut, **WRITE_ERRORS},
    summary="Join to another report",
    description=(
        "Joins the report to another open report the caller can see; its parties are copied there "
        "and its check ends. For the assignee."
    ),
)
def material_join(request: HttpRequest, number: str, payload: JoinIn) -> Any:
    require_scope(request, Scope.WRITE)
    material = access.get_material_for(request.user, number, action="work")
    into = access.visible_to(request.user).filter(number=payload.into.strip()).first()
    if into is None:
        message = _("There is no open report with this number that you can see.")
        raise ValidationFailed(message, details={"into": message})
    material = services.material_join(
        actor=request.user,
        material=material,
        into=into,
        grounds=payload.grounds,
        expected_version=_expected(request, payload),
    )
    return _reload(request, material)
