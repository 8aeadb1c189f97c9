"""Who may read the Criminal Code catalogue: every signed-in, active employee (it is public law)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import NotFound
from eprok.criminal_code.models import Article


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def visible_to(user: Any) -> QuerySet[Article]:
    """Every version of every article for a signed-in employee; nothing for anyone else."""
    if not _signed_in(user):
        return Article.objects.none()
    return Article.objects.all()


def get_article_for(user: Any, number: str, *, on: dt.date | None = None) -> Article:
    """The version of article `number` in force on `on` (today by default); NotFound otherwise.

    The catalogue is not a protected object, so a miss is not audited as a denied attempt.
    """
    on = on or timezone.localdate()
    article = (
        visible_to(user)
        .filter(number=number.strip(), valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .order_by("-valid_from")
        .first()
    )
    if article is None:
        raise NotFound(
            _("There is no article %(number)s of the Criminal Code in force on %(date)s.")
            % {"number": number[:16], "date": on.isoformat()}
        )
    return article
