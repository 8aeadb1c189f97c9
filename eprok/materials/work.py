"""The register's part in the shared deadline machinery: re-tracking the check terms of open reports."""

from __future__ import annotations

from django.db import transaction

from eprok.materials import terms
from eprok.materials.models import OPEN_STATUSES, Material

CHUNK = 500


def recompute_check_terms() -> int:
    """Recompute the check term of every open report (after a calendar or rule change) and re-track it.

    Walks the open reports in chunks with their extensions prefetched (bounded queries per chunk);
    returns how many were recomputed.
    """
    terms.forget_rule()  # a rule changed in the database is read afresh
    rule = terms.check_rule()
    count = 0
    rows = (
        Material.objects.filter(status__in=OPEN_STATUSES)
        .select_related("unit", "assignee")
        .prefetch_related("extensions")
        .order_by("pk")
    )
    for material in rows.iterator(chunk_size=CHUNK):
        deadline = terms.check_deadline(material, rule=rule, extensions=material.extensions.all())
        with transaction.atomic():
            if material.check_due != deadline.due:
                Material.objects.filter(pk=material.pk).update(check_due=deadline.due)
                material.check_due = deadline.due
            terms.track_check(material, deadline)
        count += 1
    return count
