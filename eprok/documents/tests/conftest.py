"""The documents personas: the shared ones on a crime report (material) and a case.

investigator  Investigate in the Xətai office; the report's assignee and the case's investigator: attaches
colleague     Investigate in the same office, without the assignment: sees neither (404)
outsider      Investigate in the Nəsimi office: 404
superior      Supervise over the Baku city office: sees, may not attach (403 on changes)
clerk         Register crime reports in the Xətai office
"""

from __future__ import annotations

import io

import pytest

from eprok.core.calendar import workdays
from eprok.materials.tests.factories import make_material
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

ALL = ("anonymous", "outsider", "colleague", "investigator", "superior")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EPROK_CLAMAV_SOCKET = ""
    workdays.invalidate()
    yield settings.MEDIA_ROOT
    workdays.invalidate()


@pytest.fixture
def people(personas):
    RoleAssignmentFactory(employee=personas.colleague, role=Role.INVESTIGATE, unit=personas.unit)
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE, unit=personas.city, include_subunits=True
    )
    clerk = EmployeeFactory(username="clerk", unit=personas.unit, last_name="Nağıyeva", first_name="Səbinə")
    RoleAssignmentFactory(employee=clerk, role=Role.REGISTER_MATERIALS, unit=personas.unit)
    personas.clerk = clerk
    return personas


@pytest.fixture
def material(people):
    return make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)


@pytest.fixture
def case(people):
    from eprok.cases.tests.factories import make_case

    return make_case(actor=people.investigator, unit=people.unit, supervisor=people.superior)


def upload(data: bytes, name: str = "arayış.pdf") -> io.BytesIO:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def own_extensions(monkeypatch):
    """Each test sees only the sections and owner actions it registers (other modules add their own)."""
    from eprok.documents import extensions

    monkeypatch.setattr(extensions, "_SECTIONS", {})
    monkeypatch.setattr(extensions, "_ACTIONS", {})
