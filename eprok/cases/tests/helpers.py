"""Shared checks of the cases tests: "nothing was written" and the audit events' payloads."""

from __future__ import annotations

import json
from typing import Any

from eprok.cases.models import (
    Case,
    CaseParty,
    Instruction,
    PreventiveMeasure,
    ProceduralAct,
    Qualification,
    Suspension,
    TeamMember,
    TermExtension,
    Transfer,
)
from eprok.core.models import RegisterSequence, TrackedDeadline

_TABLES = (
    Case,
    Qualification,
    CaseParty,
    ProceduralAct,
    PreventiveMeasure,
    TermExtension,
    Suspension,
    Transfer,
    Instruction,
    TeamMember,
    TrackedDeadline,
    RegisterSequence,
)


def written_state() -> dict[str, Any]:
    """Everything a case service could write: row counts, every case's version and status, open terms."""
    state: dict[str, Any] = {model.__name__: model.objects.count() for model in _TABLES}
    state["cases"] = sorted(Case.objects.values_list("number", "version", "status", "investigation_due"))
    state["ended"] = sorted(
        [
            *CaseParty.objects.filter(until__isnull=False).values_list("pk", flat=True),
            *(
                -pk
                for pk in PreventiveMeasure.objects.filter(ended_at__isnull=False).values_list(
                    "pk", flat=True
                )
            ),
        ]
    )
    state["open_terms"] = sorted(TrackedDeadline.objects.filter(state="open").values_list("key", "ends_at"))
    state["sequences"] = sorted(RegisterSequence.objects.values_list("register", "last_value"))
    return state


def domain_events(events: list[Any]) -> list[str]:
    """The actions of case events other than reads and refusals."""
    return [e.action for e in events if e.action.startswith("cases.") and not e.action.endswith(".viewed")]


def data_of(event: Any) -> dict[str, Any]:
    return json.loads(event.data) if event.data else {}


def changes_of(event: Any) -> dict[str, Any]:
    return json.loads(event.changes) if event.changes else {}
