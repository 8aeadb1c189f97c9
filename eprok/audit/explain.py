""" "Why can I see this?" for audit events, registered with eprok.core.access in AuditConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.audit import access
from eprok.audit.models import AuditEvent
from eprok.core.access import Explanation, register_explainer
from eprok.org.explain import describe_grant
from eprok.org.grants import active_grants
from eprok.org.models import Unit
from eprok.org.roles import Role


def explain_event(user: Any, key: str) -> tuple[Any, Explanation] | None:
    """Key: the event's number."""
    try:
        event_id = int((key or "").strip())
    except ValueError:
        return None
    event = AuditEvent.objects.filter(pk=event_id).first() if 0 < event_id < 2**63 else None
    if event is None:
        return None
    visible = access.visible_to(user).filter(pk=event.pk).exists()
    grants = [g for g in active_grants(user) if g.role == Role.READ_AUDIT]
    reasons: list[str] = []
    if not grants:
        reasons.append(
            _("The employee holds no “Read the audit log” role, so the audit log does not exist for them.")
        )
    elif event.actor_unit_id is None:
        reasons.append(
            _(
                "The event has no actor's unit (system, command line or an unknown login): it "
                "belongs to the whole service and only holders of the role over the General "
                "Prosecutor's Office see it."
            )
        )
    else:
        unit = Unit.objects.filter(pk=event.actor_unit_id).first()
        covering = [g for g in grants if unit is not None and g.covers(unit)]
        if covering:
            reasons.append(
                _("The event was made in %(unit)s, covered by: %(grant)s")
                % {"unit": unit.name if unit else event.actor_unit, "grant": describe_grant(covering[0])}
            )
        else:
            reasons.append(
                _("The event was made in %(unit)s, which none of the employee's audit roles covers.")
                % {"unit": unit.name if unit else event.actor_unit}
            )
    if grants and not visible and not reasons:
        reasons.append(_("None of the employee's audit roles covers this event."))
    return event, Explanation(visible=visible, reasons=reasons, actions={"read": visible})


def register() -> None:
    register_explainer("audit.auditevent", gettext_lazy("Audit event"), explain_event)
