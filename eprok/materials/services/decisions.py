"""The decisions that end the check (CPC art. 207.5) and the quashing of a refusal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.errors import Conflict, ValidationFailed
from eprok.materials import access, terms
from eprok.materials.models import (
    INDEPENDENT_ACTION_KINDS,
    Material,
    MaterialParty,
    MaterialStatus,
    RefusalGround,
)
from eprok.materials.services.base import (
    _DECISION_FIELDS,
    _audit,
    _decide,
    _locked,
    _notify,
    _require_text,
    _save,
    _transition,
)
from eprok.org.models import Unit
from eprok.search.services import index_later

# --- decisions (CPC art. 207.5) ----------------------------------------------------------------------


@transaction.atomic
def material_refuse(
    *,
    actor: Any,
    material: Material,
    refusal_ground: str,
    grounds: str,
    expected_version: int | None = None,
) -> Material:
    """Refuse to open a criminal case, citing a legal ground (CPC art. 39.1) and the reasons."""
    if refusal_ground not in RefusalGround.values:
        message = _("Choose the legal ground of the refusal.")
        raise ValidationFailed(message, details={"refusal_ground": str(message)})
    grounds = _require_text(grounds, "grounds", _("State the grounds of the refusal."))
    material, before = _transition(material, to=MaterialStatus.REFUSED, expected_version=expected_version)
    material.refusal_ground = refusal_ground
    _decide(material, actor, grounds)
    _save(material, *_DECISION_FIELDS, "refusal_ground")
    _audit(actor, "refused", material, before)
    return material


@transaction.atomic
def material_quash_refusal(
    *, actor: Any, material: Material, reason: str, expected_version: int | None = None
) -> Material:
    """A supervisor (or a court) quashes the refusal: the report returns to check with a new term."""
    reason = _require_text(reason, "reason", _("State why the refusal is quashed."))
    locked = _locked(material, expected_version)
    if locked.status != MaterialStatus.REFUSED:
        raise Conflict(_("Only a refusal to open a case can be quashed."), code="not_refused")
    material, before = _transition(locked, to=MaterialStatus.IN_CHECK, expected_version=None)
    material.check_round += 1
    material.check_started_at = timezone.now()
    material.decided_at = None
    material.decided_by = None
    material.decision_grounds = ""
    material.refusal_ground = ""
    deadline = terms.check_deadline(material, extensions=[])
    material.check_due = deadline.due
    _save(material, *_DECISION_FIELDS, "refusal_ground", "check_round", "check_started_at", "check_due")
    terms.track_check(material, deadline)
    _audit(actor, "refusal_quashed", material, before, data={"reason": reason})
    _notify(
        material.assignee,
        title=str(_("A refusal to open a case was quashed; the report is back under check")),
        material=material,
        actor=actor,
    )
    return material


@transaction.atomic
def material_transfer(
    *,
    actor: Any,
    material: Material,
    grounds: str,
    to_unit: Unit | None = None,
    to_body: str = "",
    expected_version: int | None = None,
) -> Material:
    """Send the report by jurisdiction to another unit of the service (which then sees it) or another body."""
    to_body = (to_body or "").strip()
    if (to_unit is None) == (not to_body):
        message = _("Name either a unit of the prosecution service or another body, not both.")
        raise ValidationFailed(message, code="transfer_target", details={"to_unit": str(message)})
    grounds = _require_text(grounds, "grounds", _("State the grounds of the transfer."))
    if to_unit is not None:
        if to_unit.pk == material.unit_id:
            message = _("The report is already in this unit.")
            raise ValidationFailed(message, code="transfer_same_unit", details={"to_unit": str(message)})
        if not to_unit.is_active:
            message = _("Reports cannot be sent to an inactive unit.")
            raise ValidationFailed(message, code="inactive_unit", details={"to_unit": str(message)})
    material, before = _transition(material, to=MaterialStatus.TRANSFERRED, expected_version=expected_version)
    material.transferred_to_unit = to_unit
    material.transferred_to_body = to_body[:200]
    _decide(material, actor, grounds)
    _save(material, *_DECISION_FIELDS, "transferred_to_unit", "transferred_to_body")
    _audit(actor, "transferred", material, before)
    return material


@transaction.atomic
def material_join(
    *,
    actor: Any,
    material: Material,
    into: Material,
    grounds: str,
    expected_version: int | None = None,
) -> Material:
    """Join the report to another open report (the same event): its parties move along, its check ends."""
    grounds = _require_text(grounds, "grounds", _("State the grounds of the joinder."))
    not_found = _("There is no open report with this number that you can see.")
    if into.pk == material.pk:
        message = _("A report cannot be joined to itself.")
        raise ValidationFailed(message, code="join_self", details={"into": str(message)})
    if not access.visible_to(actor).filter(pk=into.pk).exists():
        raise ValidationFailed(not_found, code="join_target", details={"into": str(not_found)})
    # Both rows are locked in one order, so two reports joined into each other cannot deadlock.
    list(
        Material.objects.select_for_update()
        .filter(pk__in=[material.pk, into.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    material, before = _transition(material, to=MaterialStatus.JOINED, expected_version=expected_version)
    into = Material.objects.get(pk=into.pk)
    if not into.is_open:
        raise ValidationFailed(not_found, code="join_target", details={"into": str(not_found)})
    material.joined_to = into
    _decide(material, actor, grounds)
    _save(material, *_DECISION_FIELDS, "joined_to")
    present = set(MaterialParty.objects.filter(material=into).values_list("person_id", "role"))
    moved = [
        MaterialParty(material=into, person_id=p.person_id, role=p.role, note=p.note)
        for p in MaterialParty.objects.filter(material=material)
        if (p.person_id, p.role) not in present
    ]
    MaterialParty.objects.bulk_create(moved)
    into.version += 1
    into.save(update_fields=["version", "updated_at"])
    index_later("materials.material", into.pk)  # the parties copied into it
    _audit(actor, "joined", material, before, related=into, data={"parties_copied": len(moved)})
    audit_record(
        actor=actor,
        action="materials.material.report_joined",
        target=into,
        related=material,
        data={"joined": material.number, "parties_copied": len(moved)},
    )
    return material


@transaction.atomic
def material_mark_case_opened(
    *,
    actor: Any,
    material: Material,
    case_number: str,
    grounds: str,
    expected_version: int | None = None,
) -> Material:
    """Record that a criminal case was opened on the report; called by the cases register in case_open.

    An anonymous report alone is never the ground to open a case: at least one step of the check that
    establishes facts independently of its author must be recorded first.
    """
    case_number = (case_number or "").strip()
    if not case_number:
        raise ValidationFailed(_("The case number is required."), details={"case_number": "required"})
    grounds = _require_text(grounds, "grounds", _("State the grounds of opening the case."))
    material, before = _transition(material, to=MaterialStatus.CASE_OPENED, expected_version=expected_version)
    if material.is_anonymous and not material.actions.filter(kind__in=INDEPENDENT_ACTION_KINDS).exists():
        raise Conflict(
            _(
                "An anonymous report alone cannot be the ground to open a criminal case. Record a step of "
                "the check that establishes the facts independently — an examination of the scene, an "
                "expert examination, an audit or an explanation — and then open the case."
            ),
            code="anonymous_report_alone",
        )
    material.case_number = case_number[:40]
    _decide(material, actor, grounds)
    _save(material, *_DECISION_FIELDS, "case_number")
    _audit(actor, "case_opened", material, before, data={"case_number": material.case_number})
    return material
