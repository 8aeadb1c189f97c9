"""The statutory check term of a crime report (CPC art. 207.1.2), computed from rule cpc.207.check.

The rule is data (eprok.core.models.DeadlineRule); this module only knows which rule applies, when the
current round of the check started and which extensions were granted in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from eprok.core.calendar import tracking
from eprok.core.calendar.deadlines import Deadline, Extension, compute_deadline
from eprok.core.models import DeadlineRule
from eprok.materials.models import CheckExtension, Material

CHECK_RULE = "cpc.207.check"
TRACK_KEY = "check"
TRACK_LABEL = _("Preliminary check of a crime report")


def check_rule() -> DeadlineRule:
    return DeadlineRule.objects.get(code=CHECK_RULE)


def check_start(material: Material) -> dt.datetime:
    """The start of the current round: registration, or the moment a refusal was quashed."""
    return material.check_started_at or material.registered_at


def round_extensions(material: Material, extensions: Iterable[CheckExtension]) -> list[Extension]:
    return [
        Extension(length=ext.length, step=ext.step)
        for ext in extensions
        if ext.check_round == material.check_round
    ]


def check_deadline(
    material: Material,
    *,
    rule: DeadlineRule | None = None,
    extensions: Iterable[CheckExtension] | None = None,
    extra: Iterable[Extension] = (),
) -> Deadline:
    """The due date of the current round of the check with its explanation.

    `extensions` defaults to the material's stored ones (pass prefetched rows to save a query);
    `extra` adds extensions not yet stored (to test whether a new one is allowed).
    """
    rows = material.extensions.all() if extensions is None else extensions
    granted = [*round_extensions(material, rows), *extra]
    return compute_deadline(rule or check_rule(), check_start(material), extensions=granted)


def track_check(material: Material, deadline: Deadline) -> Any:
    """Index the running check term for "My work", alerts and overdue lists."""
    return tracking.deadline_track(
        owner=material,
        key=TRACK_KEY,
        deadline=deadline,
        unit=material.unit,
        responsible=material.assignee,
        title=material.number,
        label=TRACK_LABEL,
        url=material.get_absolute_url(),
    )


def close_check(material: Material) -> int:
    return tracking.deadline_close(owner=material, key=TRACK_KEY)
