"""Shared setup of the e-Court tests (test_ecourt*.py): a case sent to court with its proceeding and people.

superior      "Supervise investigations" over the Baku city office with its sub-units
supervisor    "Supervise investigations" over the Xətai office; supervises the case
prosecutor    "State prosecution in court" over the Xətai office; the proceeding's state prosecutor
investigator  "Investigate" in the Xətai office; leads the case's team (sees it, does not send)
colleague     no role;  outsider: "Investigate" in the Nəsimi office
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eprok.core.testing.personas import Personas, make_personas
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

ECOURT_CLIENT = "AZ/GOV/1900000051/ecourt"
HEARINGS_URL = "/xroad/r1/AZ/GOV/1500000061/eprok/court-hearings-v1/hearings"
DECISIONS_URL = "/xroad/r1/AZ/GOV/1500000061/eprok/court-decisions-v1/decisions"


def make_pdf(text: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=f"<html><body><h1>{text}</h1></body></html>").write_pdf())


@dataclass
class Court:
    """The case in court and its people."""

    people: Personas
    case: Any
    proceeding: Any
    court: Any
    indictment: Any  # the signed indictment document of the case
    protocol: Any  # another signed document
    draft: Any  # an unsigned document (listed among the materials, not in the package)


@pytest.fixture
def people(db) -> Personas:
    people = make_personas()
    RoleAssignmentFactory(
        employee=people.superior, role=Role.SUPERVISE, unit=people.city, include_subunits=True
    )
    supervisor = EmployeeFactory(
        username="supervisor", unit=people.unit, last_name="Nəsibova", first_name="Ülviyyə"
    )
    RoleAssignmentFactory(employee=supervisor, role=Role.SUPERVISE, unit=people.unit)
    prosecutor = EmployeeFactory(
        username="prosecutor", unit=people.unit, last_name="Babayev", first_name="Orxan"
    )
    RoleAssignmentFactory(employee=prosecutor, role=Role.PROSECUTE, unit=people.unit)
    people.supervisor = supervisor  # type: ignore[attr-defined]
    people.prosecutor = prosecutor  # type: ignore[attr-defined]
    return people


@pytest.fixture
def ca(settings, tmp_path):
    settings.EPROK_SIGNING_DIR = str(tmp_path / "signing")
    from eprok.signing import ca as ca_module

    authority, _created = ca_module.ca_init()
    return authority


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _upload(case: Any, actor: Any, title: str, category: str = "") -> Any:
    from eprok.documents.services import document_upload

    return document_upload(
        actor=actor,
        owner_type="cases.case",
        owner=case,
        file=SimpleUploadedFile(f"{title}.pdf", make_pdf(title), content_type="application/pdf"),
        title=title,
        category=category,
    )


def _sign(document: Any, actor: Any) -> Any:
    """Signed with an e-seal: a real PAdES signature and a Signature row, like a personal signature."""
    from eprok.signing.seal import seal_document

    seal_document(actor=actor, document=document, reason="test")
    document.refresh_from_db()
    return document


@pytest.fixture
def in_court(people, ca, media) -> Court:
    from eprok.cases.models import Case, CaseStatus
    from eprok.cases.tests.factories import make_case
    from eprok.courtwork.models import Court as CourtModel
    from eprok.courtwork.services import proceeding_open

    case = make_case(actor=people.investigator, unit=people.unit, supervisor=people.supervisor)
    indictment = _sign(
        _upload(case, people.investigator, "İttiham aktı", category="indictment"), people.investigator
    )
    protocol = _sign(_upload(case, people.investigator, "Baxış protokolu"), people.investigator)
    draft = _upload(case, people.investigator, "Qaralama")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SENT_TO_COURT)
    case.refresh_from_db()
    court = CourtModel.objects.get(code="baku-serious-crimes")
    proceeding = proceeding_open(
        actor=people.prosecutor,
        case=case,
        court=court,
        sent_on=timezone.localdate(),
        prosecutor=people.prosecutor,
    )
    return Court(people, case, proceeding, court, indictment, protocol, draft)


def attachments(content: bytes) -> dict[str, bytes]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return {name: data[0] for name, data in reader.attachments.items()}


def hearing_body(reference: str = "", case_number: str = "", **hearing: Any) -> dict[str, Any]:
    return {
        "case_number": case_number,
        "court_reference": reference,
        "court": "baku-serious-crimes",
        "judge": "Əliyev Rauf Nadir oğlu",
        "hearing": {
            "id": "H-1",
            "starts_at": "2030-03-02T10:00:00+04:00",
            "courtroom": "3",
            "status": "scheduled",
            **hearing,
        },
    }


def decision_body(reference: str = "", case_number: str = "", **decision: Any) -> dict[str, Any]:
    return {
        "case_number": case_number,
        "court_reference": reference,
        "court": "baku-serious-crimes",
        "decision": {
            "id": "D-1",
            "instance": "first",
            "kind": "conviction",
            "decided_on": timezone.localdate().isoformat(),
            "sentence": "5 il azadlıqdan məhrumetmə",
            "text": "Hökm",
            **decision,
        },
    }


def post_xroad(
    client: Any, url: str, body: dict[str, Any], *, xroad_id: str, client_id: str = ECOURT_CLIENT
) -> Any:
    import json

    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-Road-Client": client_id, "X-Road-Id": xroad_id, "X-Road-UserId": "AZ-ecourt"},
    )


def later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)
