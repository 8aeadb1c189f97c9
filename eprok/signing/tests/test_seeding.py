"""The signing demo: two keys and one decision signed by the investigator and approved by the supervisor."""

from __future__ import annotations

import pytest

from eprok.cases.services import case_open
from eprok.documents.models import Document, DocumentStatus
from eprok.org.models import Employee
from eprok.org.seeding import seed
from eprok.signing.models import Signature, SigningCertificate
from eprok.signing.seeding import seed_signing
from eprok.signing.selectors import public_verification

pytestmark = pytest.mark.django_db


def test_the_demo_signs_a_generated_decision_once(ca, media):
    seed(scale=1)
    investigator = Employee.objects.get(username="mustentiq")
    supervisor = Employee.objects.get(username="nezaretci")
    assert investigator.unit is not None
    case = case_open(
        actor=investigator,
        unit=investigator.unit,
        articles="177.2.3",
        summary="Xətai rayonunda mənzildən oğurluq.",
        opening_grounds="Ərizəçinin ərizəsi.",
        investigator=investigator,
        supervisor=supervisor,
    )

    report = seed_signing()

    assert report.keys == 2 and report.signed == 1
    document = Document.objects.get(owner_type="cases.case", owner_id=case.pk, category="case_open")
    assert document.status == DocumentStatus.SIGNED and report.codes == [document.verification_code]
    signatures = Signature.objects.filter(document=document).order_by("version_number")
    assert [(s.signer_id, s.role) for s in signatures] == [
        (investigator.pk, "author"),
        (supervisor.pk, "approver"),
    ]
    result = public_verification(document.verification_code or "")
    assert result is not None and result.valid and len(result.signers) == 2

    again = seed_signing()
    assert again.keys == 0 and again.signed == 0 and again.codes == report.codes
    assert SigningCertificate.objects.count() == 2
