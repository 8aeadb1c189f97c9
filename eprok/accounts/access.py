"""Who may see and act on accounts data: an API token belongs to its owner alone."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from eprok.accounts.models import ApiToken
from eprok.core.access import deny

PREFIX_RE = re.compile(r"^[0-9a-f]{1,16}$")


def visible_to(user: Any) -> QuerySet[ApiToken]:
    """Tokens the user may see: their own (administrators included — nobody reads another's tokens)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(owner_id=user.pk)


def can_revoke(user: Any, token: ApiToken) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and token.owner_id == user.pk


def get_token_for(user: Any, prefix: str, *, action: str = "view") -> ApiToken:
    """The user's own token with this prefix; 404 (audited) for anyone else's or a missing one."""
    well_formed = bool(PREFIX_RE.match(prefix))
    token = visible_to(user).filter(prefix=prefix).first() if well_formed else None
    if token is None:
        deny(
            user,
            action=f"accounts.token.{action}",
            target_type="accounts.apitoken",
            target_key=prefix if well_formed else "(malformed)",
            visible=False,
        )
    assert token is not None
    return token
