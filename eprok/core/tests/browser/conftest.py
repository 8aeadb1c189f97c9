"""The browser tests' server and Chromium are the shared fixtures of eprok.core.testing.browser (a
plugin of the root conftest.py); the names below are re-exported for the journeys that import them."""

from eprok.core.testing.browser import (
    AXE_JS,
    CASEWORK_EMPLOYEES,
    CASEWORK_UNIT,
    CHROMIUM,
    CHROMIUM_ARGS,
    E2EServer,
    E2EUser,
    _manage,
    _require_browser,
    _server_env,
)

__all__ = [
    "AXE_JS",
    "CASEWORK_EMPLOYEES",
    "CASEWORK_UNIT",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "E2EServer",
    "E2EUser",
    "_manage",
    "_require_browser",
    "_server_env",
]
