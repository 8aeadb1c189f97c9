"""The portal's journeys run on the shared e2e server (eprok.core.testing.browser) and use its
`manage.py` environment to create the staff who answer and to act as the appeals section."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from eprok.core.testing.browser import E2EServer


@dataclass(frozen=True)
class PortalServer:
    server: E2EServer
    env: dict[str, str]  # the environment of the server's manage.py


@pytest.fixture(scope="session")
def portal_server(e2e_server: E2EServer) -> PortalServer:
    return PortalServer(server=e2e_server, env=e2e_server.env)
