"""The call centre's journey runs on the shared e2e server (eprok.core.testing.browser), which signs
PBX events with a demo secret of this run: here an operator of the 961 line in gpo-documents (with a
password and TOTP secret of this run) and the exchange 961-e2e with that operator's extension are added
to its database through `e2e_fixture` and `contact_pbx` (in one `manage.py` process)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from eprok.core.testing.browser import E2EServer, _prepare

OPERATOR = ("e2e.operator", "Əliyev", "Elvin")
UNIT = "gpo-documents"
PBX = "961-e2e"
EXTENSION = "1001"


@dataclass(frozen=True)
class ContactServer:
    url: str
    username: str
    password: str
    totp_secret: str
    full_name: str
    pbx: str
    pbx_secret: str
    extension: str


@pytest.fixture(scope="session")
def contact_server(e2e_server: E2EServer) -> ContactServer:
    import pyotp

    env = e2e_server.env
    password = "e2e-" + pyotp.random_base32()[:20]
    totp_secret = pyotp.random_base32()
    username, last_name, first_name = OPERATOR
    # One `manage.py` start-up for both commands (eprok.core.testing.browser._prepare).
    _prepare(
        env,
        [
            (
                {"E2E_PASSWORD": password, "E2E_TOTP_SECRET": totp_secret},
                [
                    "e2e_fixture",
                    "--username",
                    username,
                    "--unit",
                    UNIT,
                    "--last-name",
                    last_name,
                    "--first-name",
                    first_name,
                    "--role",
                    f"operate_calls:{UNIT}",
                ],
            ),
            (
                {},
                [
                    "contact_pbx",
                    "--code",
                    PBX,
                    "--centre",
                    "961",
                    "--unit",
                    UNIT,
                    "--extension",
                    f"{username}={EXTENSION}",
                ],
            ),
        ],
    )
    return ContactServer(
        url=e2e_server.url,
        username=username,
        password=password,
        totp_secret=totp_secret,
        full_name=f"{last_name} {first_name}",
        pbx=PBX,
        pbx_secret=env["EPROK_PBX_DEMO_SECRET"],
        extension=EXTENSION,
    )


@pytest.fixture(scope="session")
def contact_browser(chromium: Any) -> Any:
    return chromium
