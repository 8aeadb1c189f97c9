"""What courtwork does when a supervised case goes to court (eprok.supervision.signals.indictment_approved).

The court proceeding is not opened here: the state prosecutor names the court, the judge and the number
when the court registers the case. The holders of "State prosecution in court" over the unit are told that
a case awaits its proceeding, with the address of the page that opens it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def on_supervised_indictment_approved(sender: Any, case: Any, actor: Any = None, **kwargs: Any) -> None:
    from eprok.notifications.services import notification_send

    from .views import prosecutors_of

    url = reverse("courtwork:open_supervised", args=[case.public_id])
    recipients = [person for person in prosecutors_of(case.unit) if actor is None or person.pk != actor.pk]
    messages = []
    for person in recipients:
        with translation.override(getattr(person, "preferred_language", "") or "az"):
            messages.append(
                (
                    person,
                    str(_("Case %(number)s was sent to court: open its court proceeding"))
                    % {"number": case.number},
                )
            )

    def send() -> None:
        for person, title in messages:
            notification_send(recipient=person, title=title, url=url, actor=None)

    if messages:
        transaction.on_commit(send)


def connect() -> None:
    try:
        from eprok.supervision.signals import indictment_approved
    except ImportError:  # pragma: no cover - the supervision app is always installed with courtwork
        return
    indictment_approved.connect(
        on_supervised_indictment_approved, dispatch_uid="courtwork.supervised_to_court"
    )
