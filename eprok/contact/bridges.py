"""What the call centre reads from other registers about a caller: their appeals and their person record.

An operator of the 961 line tells a caller where their appeal stands, so the call card lists the
caller's appeals (found by the phone or FIN written on them) with what the caller may know of each:
exactly the appeals register's public status (`appeal_public_status`: number, dates, status, the answer
once sent), never its executor or resolutions. Operators who also read the appeals register get a link.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

APPEALS_LIMIT = 10


def appeals_of_caller(*, user: Any, phone: str = "", fin: str = "") -> tuple[list[dict[str, Any]], bool]:
    """([public status of each appeal + "url" when the user may open it], whether appeals are available)."""
    from eprok.appeals import access, selectors

    if not (phone or fin):
        return [], True
    appeals = selectors.appeals_of_applicant(phone=phone, fin=fin, limit=APPEALS_LIMIT)
    readable: set[int] = set()
    if appeals:
        readable = set(
            access.visible_to(user).filter(pk__in=[a.pk for a in appeals]).values_list("pk", flat=True)
        )
    rows = []
    for appeal in appeals:
        status = dict(selectors.appeal_public_status(appeal))
        status["answer_text"] = ""  # the answer is the applicant's to read, not to be read out on the line
        status["url"] = appeal.get_absolute_url() if appeal.pk in readable else ""
        rows.append(status)
    return rows, True


def persons_of_caller(*, phone: str = "", fin: str = "", limit: int = 5) -> list[Any]:
    """Person records with this FIN or phone number: candidates for "this is the caller"."""
    from eprok.persons.models import Person

    match = Q(pk__in=[])
    if fin:
        match |= Q(fin=fin)
    if phone:
        match |= Q(phones__number=phone)
    return list(
        Person.objects.filter(match, merged_into__isnull=True)
        .distinct()
        .order_by("last_name", "first_name", "pk")[:limit]
    )
