"""The Zoom simulator (simulators/zoom.py) served from a thread of the test process on a free port, with
eprok's Zoom settings pointed at it; shut down after the test. A test module makes it a fixture:

    @pytest.fixture
    def zoom(settings):
        yield from running_zoom(settings)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eprok.training.meetings import forget_tokens
from simulators.zoom import ZoomSimulator

ZOOM_ACCOUNT = "eprok-account"
ZOOM_CLIENT = "eprok-client"
ZOOM_SECRET = "zoom client secret for the tests"


def running_zoom(settings: Any) -> Iterator[ZoomSimulator]:
    forget_tokens()
    with ZoomSimulator(account_id=ZOOM_ACCOUNT, client_id=ZOOM_CLIENT, client_secret=ZOOM_SECRET) as sim:
        settings.EPROK_ZOOM_URL = sim.url + "/v2"
        settings.EPROK_ZOOM_OAUTH_URL = sim.url + "/oauth/token"
        settings.EPROK_ZOOM_ACCOUNT_ID = ZOOM_ACCOUNT
        settings.EPROK_ZOOM_CLIENT_ID = ZOOM_CLIENT
        settings.EPROK_ZOOM_CLIENT_SECRET = ZOOM_SECRET
        settings.EPROK_ZOOM_TIMEOUT = 5
        yield sim
    forget_tokens()
