"""One access-matrix helper for every URL and API operation.

    assert_access_matrix(client, personas, "/org/units/", {"anonymous": 302, "outsider": 200, ...})

Each persona is signed in (the session is marked as having passed two-factor) or, for the API,
given a bearer token; the helper collects every mismatch and fails once with the whole table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.test import Client

from eprok.core.testing.personas import Personas


def login_as(client: Client, user: Any) -> None:
    """Sign `user` in as if they had passed password and TOTP."""
    client.force_login(user)
    session = client.session
    session["eprok_2fa_verified"] = True
    session.save()


def assert_access_matrix(
    client: Client,
    personas: Personas,
    url: str,
    expected: Mapping[str, int | tuple[int, ...]],
    *,
    method: str = "get",
    data: Any = None,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    failures: list[str] = []
    for name, want in expected.items():
        client.logout()
        user = personas.by_name(name)
        if user is not None:
            login_as(client, user)
        kwargs: dict[str, Any] = {}
        if data is not None:
            kwargs["data"] = data
        if content_type:
            kwargs["content_type"] = content_type
        if headers:
            kwargs["headers"] = dict(headers)
        response = getattr(client, method)(url, **kwargs)
        allowed = want if isinstance(want, tuple) else (want,)
        if response.status_code not in allowed:
            failures.append(
                f"  {name:<13} {method.upper()} {url}: got {response.status_code}, expected {want}"
            )
    client.logout()
    if failures:
        raise AssertionError("access matrix mismatches:\n" + "\n".join(failures))
