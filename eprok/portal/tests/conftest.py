"""Fixtures of the portal's tests: a clean cache, a low proof-of-work difficulty, a posting client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches

from eprok.portal import abuse

# Low, so solving costs the test nothing; high enough that a wrong counter is refused most of the time.
TEST_DIFFICULTY = 6
CLIENT_IP = "203.0.113.77"  # TEST-NET-3: an address no log or column may ever hold


@pytest.fixture(autouse=True)
def portal_settings(settings: Any, tmp_path: Any) -> Iterator[Any]:
    settings.MEDIA_ROOT = tmp_path / "media"  # attachments of test appeals land here, not in var/
    settings.EPROK_PORTAL_POW_DIFFICULTY = TEST_DIFFICULTY
    settings.EPROK_PORTAL_RATE_APPEAL = "100/h"
    settings.EPROK_PORTAL_RATE_REPORT = "100/h"
    settings.EPROK_PORTAL_RATE_LOOKUP = "100/h"
    settings.EPROK_PORTAL_RATE_MESSAGE = "100/h"
    settings.EPROK_PORTAL_LOOKUP_MAX_FAILURES = 3
    caches[settings.EPROK_PORTAL_CACHE].clear()
    yield settings
    caches[settings.EPROK_PORTAL_CACHE].clear()


_CHALLENGE = re.compile(r'name="pow_challenge" value="([^"]+)"')


def challenge_in(html: str) -> str:
    match = _CHALLENGE.search(html)
    assert match, "the page has no proof-of-work challenge"
    return match.group(1)


def solved(token: str) -> dict[str, str]:
    """The hidden fields the page's script fills in."""
    from django.conf import settings

    return {
        "pow_challenge": token,
        "pow_counter": abuse.solve(token, int(settings.EPROK_PORTAL_POW_DIFFICULTY)),
    }


class PortalClient:
    """The test client as a visitor from one address: opens a form, solves its challenge, posts it."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, path: str, **extra: Any) -> Any:
        return self.client.get(path, REMOTE_ADDR=CLIENT_IP, **extra)

    def post(self, path: str, data: dict[str, Any], **extra: Any) -> Any:
        return self.client.post(path, data, REMOTE_ADDR=CLIENT_IP, **extra)

    def submit(self, path: str, data: dict[str, Any], *, follow: bool = False, **extra: Any) -> Any:
        """GET the form, solve the challenge on it, POST the data with the solution."""
        page = self.get(path)
        assert page.status_code == 200, page.status_code
        return self.post(
            path, {**data, **solved(challenge_in(page.content.decode()))}, follow=follow, **extra
        )


@pytest.fixture
def visitor(client: Any) -> PortalClient:
    return PortalClient(client)


# --- the world the portal needs ------------------------------------------------------------------


@pytest.fixture
def world(db: Any, settings: Any) -> Any:
    """The unit receiving portal appeals, the hotline's unit, the classifiers, and the staff who answer."""
    from types import SimpleNamespace

    from eprok.appeals.classifiers import load_classifiers
    from eprok.org.models import UnitKind
    from eprok.org.roles import Role
    from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory, UnitFactory

    root = UnitFactory(code="gpo", kind=UnitKind.GENERAL_OFFICE, name_az="Baş Prokurorluq")
    documents = UnitFactory(code="gpo-documents", kind=UnitKind.DEPARTMENT, parent=root)
    acgd = UnitFactory(code="acgd-organisation", kind=UnitKind.DEPARTMENT, parent=root)
    settings.EPROK_PORTAL_APPEALS_UNIT = "gpo-documents"
    settings.EPROK_CONTACT_UNITS = {"961": "gpo-documents", "161": "acgd-organisation"}
    load_classifiers()

    def employee(username: str, unit: Any, *roles: str) -> Any:
        person = EmployeeFactory(username=username, unit=unit)
        for role in roles:
            RoleAssignmentFactory(employee=person, role=role, unit=unit)
        return person

    return SimpleNamespace(
        root=root,
        documents=documents,
        acgd=acgd,
        drafter=employee("muraciet", documents, Role.ANSWER_APPEALS),
        approver=employee("muraciet.reis", documents, Role.ANSWER_APPEALS),
        investigator=employee("korrupsiya", acgd, Role.INVESTIGATE, Role.OPERATE_CALLS),
    )


APPEAL = {
    "kind": "complaint",
    "last_name": "Əliyeva",
    "first_name": "Nərmin",
    "patronymic": "Rauf qızı",
    "fin": "5ZJ7K2P",
    "address": "Bakı şəhəri, Nəsimi rayonu, Azadlıq prospekti 10, mənzil 4",
    "email": "nermin@example.az",
    "phone": "050 123 45 67",
    "notify_email": "on",
    "topic": "",
    "text": "Polis şöbəsi ərizəmi üç aydır qeydiyyata almır, xahiş edirəm yoxlayasınız.",
    "consent": "on",
}

REPORT = {
    "sector": "",
    "place": "Bakı, 3 saylı poliklinika",
    "text": "Həkim arayış vermək üçün 50 manat tələb etdi, 12 mart saat 10-da.",
}
