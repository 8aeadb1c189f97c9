"""The terms of an appeal, computed by the shared deadline engine from rules kept as data.

- the answer term (Appeals Law art. 10.1): rule `appeals.10.answer` (15 working days) or
  `appeals.10.answer.verification` (30 working days), extendable once under step "10.2" by at most 30
  working days (art. 10.2);
- the forwarding term (art. 7.10): rule `appeals.7.10.forward`, 3 working days: until the appeal is
  routed to an executor or forwarded, the receiving unit must decide within it whether the matter is
  within the service's competence.

Both start at registration (the rules' start event: receipt/registration). The appeal keeps its own
`answer_due`/`forward_due` for its lists; the shared index (eprok.core.calendar.tracking) feeds
"My work", alerts and the unit overdue list.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from eprok.appeals.models import FORWARD_RULE, Appeal, AppealExtension
from eprok.core.calendar import tracking
from eprok.core.calendar.deadlines import Deadline, Extension, compute_deadline
from eprok.core.models import DeadlineRule

EXTENSION_STEP = "10.2"
ANSWER_KEY = "answer"
FORWARD_KEY = "forward"
ANSWER_LABEL = _("Answer to an appeal")
FORWARD_LABEL = _("Decision on forwarding an appeal")

# Statutory reference data that changes rarely: kept in the process for a few minutes.
RULE_CACHE_SECONDS = 300
_RULES: dict[str, tuple[float, DeadlineRule]] = {}


def rule(code: str) -> DeadlineRule:
    now = time.monotonic()
    cached = _RULES.get(code)
    if cached and now - cached[0] < RULE_CACHE_SECONDS:
        return cached[1]
    found = DeadlineRule.objects.get(code=code)
    _RULES[code] = (now, found)
    return found


def forget_rules() -> None:
    _RULES.clear()


def answer_rule(appeal: Appeal) -> DeadlineRule:
    return rule(appeal.answer_rule)


def forward_rule() -> DeadlineRule:
    return rule(FORWARD_RULE)


def granted(extensions: Iterable[AppealExtension]) -> list[Extension]:
    return [Extension(length=ext.length, step=ext.step) for ext in extensions]


def answer_deadline(
    appeal: Appeal,
    *,
    extensions: Iterable[AppealExtension] | None = None,
    extra: Iterable[Extension] = (),
) -> Deadline:
    """The answer term with its explanation; `extensions` default to the stored ones (pass prefetched
    rows to save a query, [] for a new appeal); `extra` tests an extension not yet stored."""
    rows = appeal.extensions.all() if extensions is None else extensions
    return compute_deadline(answer_rule(appeal), appeal.registered_at, extensions=[*granted(rows), *extra])


def forward_deadline(appeal: Appeal) -> Deadline:
    return compute_deadline(forward_rule(), appeal.registered_at)


def answer_unit(appeal: Appeal) -> Any:
    return appeal.executor_unit or appeal.unit


def track_answer(appeal: Appeal, deadline: Deadline, *, new: bool = False) -> Any:
    """Index the running answer term (responsible: the executor; unit: the executor unit)."""
    return tracking.deadline_track(
        owner=appeal,
        key=ANSWER_KEY,
        deadline=deadline,
        unit=answer_unit(appeal),
        responsible=appeal.executor,
        title=appeal.number,
        label=ANSWER_LABEL,
        url=appeal.get_absolute_url(),
        new=new,
    )


def track_forward(appeal: Appeal, deadline: Deadline, *, new: bool = False) -> Any:
    """Index the forwarding term while nobody has routed or forwarded the appeal (the receiving unit's)."""
    return tracking.deadline_track(
        owner=appeal,
        key=FORWARD_KEY,
        deadline=deadline,
        unit=appeal.unit,
        responsible=None,
        title=appeal.number,
        label=FORWARD_LABEL,
        url=appeal.get_absolute_url(),
        new=new,
    )


def close_forward(appeal: Appeal) -> int:
    return tracking.deadline_close(owner=appeal, key=FORWARD_KEY)


def close_all(appeal: Appeal) -> int:
    """The appeal is answered, forwarded or left unconsidered: none of its terms runs any more."""
    return tracking.deadline_close(owner=appeal)
