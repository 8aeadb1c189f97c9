"""The statutory check term of a crime report (CPC art. 207.1.2), computed from rule cpc.207.check.

The rule is data (eprok.core.models.DeadlineRule); this module only knows which rule applies, when the
current round of the check started and which extensions were granted in it.
"""

from __future__ import annotations

import datetime as dt
import time
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


# The rule is statutory reference data that changes rarely: kept in the process for a few minutes (as
# eprok.cases.terms keeps its rules), so a registration or a card does not read it every time.
RULE_CACHE_SECONDS = 300
_RULE: list[tuple[float, DeadlineRule]] = []


def check_rule() -> DeadlineRule:
    now = time.monotonic()
    if _RULE and now - _RULE[0][0] < RULE_CACHE_SECONDS:
        return _RULE[0][1]
    rule = DeadlineRule.objects.get(code=CHECK_RULE)
    _RULE[:] = [(now, rule)]
    return rule


def forget_rule() -> None:
    _RULE.clear()


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


def track_check(material: Material, deadline: Deadline, *, new: bool = False) -> Any:
    """Index the running check term for "My work", alerts and overdue lists (`new`: just registered)."""
    return tracking.deadline_track(
        owner=material,
        key=TRACK_KEY,
        deadline=deadline,
        unit=material.unit,
        responsible=material.assignee,
        title=material.number,
        label=TRACK_LABEL,
        url=material.get_absolute_url(),
        new=new,
    )


def close_check(material: Material) -> int:
    return tracking.deadline_close(owner=material, key=TRACK_KEY)
