"""The register's part in the shared deadline machinery and "My work".

- `recompute_appeal_terms`: re-track the answer and forwarding terms of every open appeal (after a
  calendar or rule change), registered as the recomputer of "appeals.appeal";
- `my_work_items`: appeals waiting for the user's resolution and drafted answers waiting for approval.
  The answer terms themselves reach "My work" through the tracked-deadline index (core's provider).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eprok.appeals import terms
from eprok.appeals.models import OPEN_STATUSES, Appeal, AppealStatus
from eprok.core.mywork import WorkItem, register_provider

CHUNK = 500


def recompute_appeal_terms() -> int:
    """Recompute the terms of every open appeal and re-track them; returns how many were recomputed.

    Walks the open appeals in chunks with their extensions prefetched (bounded queries per chunk).
    """
    terms.forget_rules()
    count = 0
    rows = (
        Appeal.objects.filter(status__in=OPEN_STATUSES)
        .select_related("unit", "executor_unit", "executor")
        .prefetch_related("extensions")
        .order_by("pk")
    )
    for appeal in rows.iterator(chunk_size=CHUNK):
        answer = terms.answer_deadline(appeal, extensions=appeal.extensions.all())
        forward = terms.forward_deadline(appeal)
        with transaction.atomic():
            changed = {}
            if appeal.answer_due != answer.due:
                changed["answer_due"] = answer.due
            if appeal.forward_due != forward.due:
                changed["forward_due"] = forward.due
            if changed:
                Appeal.objects.filter(pk=appeal.pk).update(**changed)
                for name, value in changed.items():
                    setattr(appeal, name, value)
            terms.track_answer(appeal, answer)
            if appeal.status == AppealStatus.REGISTERED:
                terms.track_forward(appeal, forward)
            else:
                terms.close_forward(appeal)
        count += 1
    return count


MODULE = _("Appeals")


def my_work_items(user: Any) -> list[WorkItem]:
    """Appeals to resolve (dərkənar) and answers to approve, for holders of "Answer appeals"."""
    from eprok.appeals import selectors
    from eprok.org.grants import has_role
    from eprok.org.roles import Role

    if not has_role(user, Role.ANSWER_APPEALS):
        return []
    items = [
        WorkItem(
            title=appeal.number,
            url=appeal.get_absolute_url(),
            module=MODULE,
            kind=_("Appeal awaiting a resolution"),
            due=appeal.forward_due,
        )
        for appeal in selectors.awaiting_resolution(user=user, limit=20)
    ]
    items += [
        WorkItem(
            title=appeal.number,
            url=appeal.get_absolute_url(),
            module=MODULE,
            kind=_("Answer awaiting approval"),
            due=appeal.answer_due,
        )
        for appeal in selectors.awaiting_approval(user=user, limit=20)
    ]
    return items


def register() -> None:
    register_provider(my_work_items, name="appeals")
