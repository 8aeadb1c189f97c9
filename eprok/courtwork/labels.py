"""Human labels of the court work's audit actions (the audit viewer and histories)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "courtwork.proceeding.opened": _("Court proceeding opened"),
    "courtwork.proceeding.updated": _("Court, judge or state prosecutor changed"),
    "courtwork.proceeding.viewed": _("Court proceeding read"),
    "courtwork.proceeding.listed": _("Court proceedings listed"),
    "courtwork.proceeding.closed": _("Court decision entered into force"),
    "courtwork.proceeding.swept": _("Court decision entered into force: the term to appeal ran out"),
    "courtwork.hearing.scheduled": _("Hearing scheduled"),
    "courtwork.hearing.postponed": _("Hearing postponed"),
    "courtwork.hearing.held": _("Hearing held"),
    "courtwork.hearing.cancelled": _("Hearing cancelled"),
    "courtwork.hearing.received": _("Hearing received from the e-Court"),
    "courtwork.position.added": _("Position or motion of the prosecution recorded"),
    "courtwork.position.outcome": _("Court's decision on a motion recorded"),
    "courtwork.decision.recorded": _("Court decision recorded"),
    "courtwork.decision.received": _("Court decision received from the e-Court"),
    "courtwork.appeal.filed": _("Appeal or protest filed"),
    "courtwork.appeal.decided": _("Outcome of an appeal or protest recorded"),
    "courtwork.feed.created": _("Hearings calendar address created"),
    "courtwork.feed.revoked": _("Hearings calendar address stopped"),
    "courtwork.feed.read": _("Hearings calendar read by a calendar program"),
}


def register() -> None:
    from eprok.audit.labels import register_labels

    register_labels(ACTION_LABELS)
