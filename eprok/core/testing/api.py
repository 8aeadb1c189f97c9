"""Helpers for API tests: a personal token for any user, and its Authorization header."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eprok.accounts.models import ApiToken
from eprok.accounts.scopes import Scope
from eprok.accounts.tokens import hash_secret, new_token_material

ALL_SCOPES: tuple[str, ...] = tuple(str(scope) for scope in Scope.values)


def make_token(user: Any, *, scopes: Iterable[str] = ALL_SCOPES, **fields: Any) -> str:
    """Create a live token for `user` directly in the database and return its full text."""
    prefix, secret, full = new_token_material()
    ApiToken.objects.create(
        owner=user,
        name=fields.pop("name", "test"),
        prefix=prefix,
        key_hash=hash_secret(secret),
        scopes=list(scopes),
        **fields,
    )
    return full


def bearer(token: str) -> dict[str, str]:
    """Headers for the Django test client: client.get(url, headers=bearer(token))."""
    return {"Authorization": f"Bearer {token}"}
