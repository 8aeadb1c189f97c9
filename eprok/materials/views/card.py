"""The report's card and the applicant's receipt."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from eprok.core.context_processors import safe_reverse
from eprok.gateway.selectors_registers import browser_url
from eprok.materials import access, selectors, services, terms
from eprok.materials.models import (
    INDEPENDENT_ACTION_KINDS,
    Material,
    MaterialStatus,
)
from eprok.materials.views.base import (
    _render,
    materials_view,
)
from eprok.org.grants import has_role
from eprok.org.roles import Role

# --- the card ----------------------------------------------------------------------------------------

HISTORY_LABELS: dict[str, Any] = {
    "materials.material.registered": gettext_lazy("Registered"),
    "materials.material.assigned": gettext_lazy("Check assigned"),
    "materials.material.check_started": gettext_lazy("Check started"),
    "materials.material.action_added": gettext_lazy("Step of the check recorded"),
    "materials.material.party_added": gettext_lazy("Party added"),
    "materials.material.party_removed": gettext_lazy("Party removed"),
    "materials.material.check_extended": gettext_lazy("Check term extended"),
    "materials.material.refused": gettext_lazy("Opening of a case refused"),
    "materials.material.refusal_quashed": gettext_lazy("Refusal quashed"),
    "materials.material.transferred": gettext_lazy("Transferred by jurisdiction"),
    "materials.material.joined": gettext_lazy("Joined to another report"),
    "materials.material.report_joined": gettext_lazy("Another report joined to this one"),
    "materials.material.case_opened": gettext_lazy("Criminal case opened"),
}
HISTORY_FIELDS: dict[str, Any] = {
    "status": gettext_lazy("status"),
    "assignee": gettext_lazy("assigned to"),
    "check_due": gettext_lazy("check due"),
    "check_round": gettext_lazy("round of the check"),
    "decision_grounds": gettext_lazy("grounds of the decision"),
    "refusal_ground": gettext_lazy("legal ground of refusal"),
    "transferred_to_unit": gettext_lazy("transferred to unit"),
    "transferred_to_body": gettext_lazy("transferred to body"),
    "joined_to": gettext_lazy("joined to"),
    "case_number": gettext_lazy("criminal case number"),
}


def _history_rows(events: list[Any]) -> list[dict[str, Any]]:
    """Each change of the report as a label, who and when, and the fields that changed."""
    rows = []
    for event in events:
        changes = json.loads(event.changes) if event.changes else {}
        before, after = changes.get("before") or {}, changes.get("after") or {}
        fields = [
            (HISTORY_FIELDS[key], _history_value(key, before.get(key)), _history_value(key, after.get(key)))
            for key in HISTORY_FIELDS
            if key in before or key in after
        ]
        rows.append(
            {
                "event": event,
                "label": HISTORY_LABELS.get(event.action, event.action),
                "fields": fields if event.action != "materials.material.registered" else [],
            }
        )
    return rows


def _history_value(key: str, value: Any) -> Any:
    if value in (None, ""):
        return "—"
    if key == "status" and value in MaterialStatus.values:
        return MaterialStatus(value).label
    if key == "check_due":
        try:
            return date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value


def _card_context(request: HttpRequest, material: Material) -> dict[str, Any]:
    user = request.user
    rule = terms.check_rule()
    deadline = terms.check_deadline(material, rule=rule) if material.is_open else None
    can_open_case = access.can_open_case(user, material)
    open_case_url = safe_reverse("cases:open") if can_open_case else None
    independent = any(a.kind in INDEPENDENT_ACTION_KINDS for a in material.actions.all())
    register_here = (
        material.status == MaterialStatus.TRANSFERRED
        and material.transferred_to_unit is not None
        and access.can_register(user, material.transferred_to_unit)
    )
    audit_url = safe_reverse("audit:event_list") if has_role(user, Role.READ_AUDIT) else None
    return {
        "material": material,
        "deadline": deadline,
        "parties": list(material.parties.all()),
        "actions": list(material.actions.all()),
        "extensions": list(material.extensions.all()),
        "history": _history_rows(selectors.material_history(material=material)),
        "can_assign": access.can_assign(user, material),
        "can_work": access.can_work(user, material) and material.is_open,
        "can_extend": access.can_extend(user, material, rule),
        "can_quash": access.can_quash(user, material),
        "can_open_case": can_open_case and open_case_url is not None,
        "open_case_url": f"{open_case_url}?{urlencode({'material': material.number})}"
        if open_case_url
        else None,
        "anonymous_blocks_case": material.is_anonymous and not independent,
        "register_here_url": (
            f"{reverse('materials:register')}?{urlencode({'from': material.number})}"
            if register_here
            else None
        ),
        "audit_url": (
            f"{audit_url}?{urlencode({'target_id': str(material.public_id)})}" if audit_url else None
        ),
        "today": timezone.localdate(),
        "registers_url": browser_url(user=user, subject=material),
    }


@materials_view
@require_GET
def material_detail(request: HttpRequest, number: str) -> HttpResponse:
    material = selectors.material_get(user=request.user, number=number)
    services.material_record_view(actor=request.user, material=material)
    return _render(request, "materials/detail.html", _card_context(request, material))


@materials_view
@require_GET
def material_receipt(request: HttpRequest, number: str) -> HttpResponse:
    material = selectors.material_get(user=request.user, number=number)
    services.material_record_view(actor=request.user, material=material, purpose="receipt")
    applicants = [p for p in material.parties.all() if p.role == "applicant"]
    context = {
        "material": material,
        "applicants": applicants,
        "deadline": terms.check_deadline(material) if material.is_open else None,
        "printed_at": timezone.localtime(),
    }
    return render(request, "materials/receipt.html", context)
