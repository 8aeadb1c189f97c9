"""Demo signatures for `eprok seed` / `eprok demo`.

The investigator `mustentiq` and the supervising prosecutor `nezaretci` of the Xətai district office get
signing keys (passphrase DEMO_SIGNING_PASSPHRASE, printed by the demo; never in production), and one of
`mustentiq`'s criminal cases gets its decision to open the case generated from the template library,
signed by him as author and by `nezaretci` as approver. Its verification code opens the public page
/portal/verify/<code>/, as the QR code on the stamp does.

Needs the organisation's CA (`manage.py signing_ca init`, which the demo runs first). Idempotent: a second
run finds the signed decision and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eprok.cases.models import Case
from eprok.documents import owners
from eprok.documents.models import Document, DocumentStatus
from eprok.drafting.models import Template
from eprok.drafting.services import document_generate
from eprok.org.models import Employee
from eprok.signing import services
from eprok.signing.models import SignatureRole

DEMO_SIGNING_PASSPHRASE = "imza-demo-2026"  # noqa: S105 (the demo's documented passphrase)
AUTHOR = "mustentiq"
APPROVER = "nezaretci"
TEMPLATE = "case_open"


@dataclass
class SigningSeedReport:
    keys: int = 0
    signed: int = 0
    codes: list[str] = field(default_factory=list)


def seed_signing() -> SigningSeedReport:
    report = SigningSeedReport()
    author = Employee.objects.filter(username=AUTHOR).first()
    approver = Employee.objects.filter(username=APPROVER).first()
    template = Template.objects.filter(code=TEMPLATE).first()
    if author is None or approver is None or template is None:
        return report
    for employee in (author, approver):
        if services.active_certificate(employee) is None:
            services.certificate_issue(actor=employee, passphrase=DEMO_SIGNING_PASSPHRASE)
            report.keys += 1

    done = Document.objects.filter(
        category=TEMPLATE, owner_type="cases.case", status=DocumentStatus.SIGNED, created_by=author
    ).first()
    if done is not None:
        report.codes.append(str(done.verification_code))
        return report
    case = (
        Case.objects.filter(investigator=author, supervisor=approver, unit=author.unit)
        .order_by("opened_at", "pk")
        .first()
    )
    if case is None:
        return report
    document = document_generate(
        actor=author,
        template=template,
        kind=owners.owner_type("cases.case"),
        owner=case,
        output_format="pdf",
    )
    services.document_sign(
        actor=author, document=document, role=SignatureRole.AUTHOR, passphrase=DEMO_SIGNING_PASSPHRASE
    )
    document.refresh_from_db()
    services.document_sign(
        actor=approver, document=document, role=SignatureRole.APPROVER, passphrase=DEMO_SIGNING_PASSPHRASE
    )
    document.refresh_from_db()
    report.signed = 1
    report.codes.append(str(document.verification_code))
    return report
