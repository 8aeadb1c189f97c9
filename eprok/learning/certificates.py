"""Certificates of completion: who may see them, issuing one for a completed enrolment, and the reads.

A completed enrolment of a course that awards a certificate (Course.certificate) earns one: a numbered
(register "certificate", prefix SRT) A4 landscape PDF in Azerbaijani, stored as a document owned by the
certificate (owner type "learning.certificate") and sealed with the Science and Training Centre's e-seal
(eprok.signing.seal), whose verification code the public portal checks (/portal/verify/<code>/).

Issuing runs in the worker (learning.tasks) after the completion commits; `issue_missing_certificates`
(the learning sweep) issues whatever a failure left behind. Everything is made in one transaction: the
number, the PDF and its seal, the Certificate row and its document; a failure stores nothing and the
enrolment stays completed, waiting for the sweep. The learner's completion is what issues the
certificate, so the learner is the actor of its records (a document's `created_by` is a person).

Who sees a certificate: the learner, administrators of training, and the head of the learner's unit or
of a unit above it (org.Unit.head). Everyone else gets a 404.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from eprok.audit.services import audit_record
from eprok.core.access import deny
from eprok.core.errors import Conflict
from eprok.core.numbering import next_number
from eprok.learning.models import Certificate, Enrollment, EnrollmentStatus
from eprok.org.models import Unit, UnitKind
from eprok.training import access as training_access

logger = logging.getLogger("eprok.learning.certificates")

OWNER_TYPE = "learning.certificate"  # the documents' owner type and the audit label of the model
CATEGORY = "learning_certificate"  # Document.category of certificates (the portal's "type of document")
REGISTER = "certificate"
SEAL = "training-centre"
SWEEP_BATCH = 200


class CertificateNotDue(Conflict):
    code = "certificate_not_due"
    default_message = _("A certificate is issued only for a completed course that awards one.")


# --- access ----------------------------------------------------------------------------------------------


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _headed_scope(user: Any) -> Exists:
    """Certificates of employees working in a unit the user heads or below it (a lazy subquery: the
    documents' visible_to builds this for every owner type on every list)."""
    within = StartsWith(ExpressionWrapper(OuterRef("employee__unit__path"), CharField()), F("path"))
    return Exists(Unit.objects.filter(within, head_id=user.pk, is_active=True))


def certificates_visible_to(user: Any) -> QuerySet[Certificate]:
    """Administrators of training see every certificate; a learner their own; a head their units' staff's."""
    if not signed_in(user):
        return Certificate.objects.none()
    if training_access.is_administrator(user):
        return Certificate.objects.all()
    return Certificate.objects.filter(Q(employee_id=user.pk) | _headed_scope(user))


def can_attach(user: Any, certificate: Certificate) -> bool:
    """Who may add to a certificate's documents (and so withdraw its PDF): administrators of training; the
    learner only while the certificate is being issued (it has no document yet)."""
    if not signed_in(user):
        return False
    if training_access.is_administrator(user):
        return True
    return certificate.document_id is None and certificate.employee_id == user.pk


def get_certificate_for(user: Any, key: Any, action: str = "view") -> Certificate:
    """The certificate by number (or public id) if the user may see it; an audited 404 otherwise."""
    text = str(key or "").strip()[:64]
    certificate = None
    if text:
        rows = certificates_visible_to(user).select_related(
            "course", "employee", "employee__unit", "document", "document__current_version"
        )
        certificate = rows.filter(Q(number=text) | Q(public_id=_uuid_or_none(text))).first()
    if certificate is None:
        deny(user, action=action, target_type=OWNER_TYPE, target_key=text, visible=False)
    if action == "view" and certificate.employee_id != getattr(user, "pk", None):
        audit_record(
            actor=user,
            action="learning.certificate.read",
            target=certificate,
            purpose="another employee's certificate",
        )
    return certificate


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


# --- issuing -------------------------------------------------------------------------------------------


def issuing_unit(employee: Any) -> Unit:
    """The Centre (the first active unit of kind "centre"); the learner's own unit where there is none."""
    centre = Unit.objects.filter(kind=UnitKind.CENTRE, is_active=True).order_by("path").first()
    return centre or employee.unit


def _hours(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}".replace(".", ",")


def render_pdf(*, certificate: Certificate, unit: Unit, code: str) -> bytes:
    """The certificate as an A4 landscape PDF, in Azerbaijani (the documents' language)."""
    from eprok.drafting.render import FONT_FAMILY, pdf_from_html

    enrollment = certificate.enrollment
    with override("az"):
        html = render_to_string(
            "learning/certificate_pdf.html",
            {
                "certificate": certificate,
                "learner": certificate.employee.full_name or certificate.employee.get_username(),
                "course": certificate.course.title,
                "hours": _hours(certificate.course.hours),
                "completed_on": timezone.localdate(enrollment.completed_at or certificate.issued_at),
                "valid_until": certificate.valid_until,
                "centre": unit.name,
                "code": code,
            },
        )
    return pdf_from_html(html, style=PDF_STYLE % {"family": FONT_FAMILY})


# Landscape A4; the bottom 4 cm stay free for the seal's stamp (eprok.signing.pdf puts it bottom left).
PDF_STYLE = """
@page { size: A4 landscape; margin: 1.2cm 1.5cm 4cm 1.5cm; }
html { font-family: "%(family)s", serif; color: #1b1b1b; }
.frame { border: 3pt double #1a4480; height: 14.2cm; padding: 0.6cm 1.2cm; position: relative; }
.centre { text-align: center; font-size: 13pt; font-weight: 700; letter-spacing: 0.5pt; margin: 0; }
h1 { text-align: center; font-size: 34pt; letter-spacing: 6pt; color: #1a4480; margin: 0.7cm 0 0.5cm; }
.lead { text-align: center; font-size: 13pt; margin: 0 0 0.2cm; }
.learner { text-align: center; font-size: 24pt; font-weight: 700; margin: 0.2cm 0 0.4cm; }
.course { text-align: center; font-size: 16pt; font-weight: 700; margin: 0.2cm 0 0.6cm; }
table.facts { margin: 0 auto; border-collapse: collapse; font-size: 12pt; }
table.facts th { text-align: right; font-weight: 400; padding: 2pt 8pt; color: #454545; }
table.facts td { text-align: left; font-weight: 700; padding: 2pt 8pt; }
.footer { position: absolute; right: 1.2cm; bottom: 0.6cm; text-align: right; font-size: 9pt; width: 45%%; }
"""


def _locked_enrollment(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("course", "employee", "employee__unit")
        .get(pk=enrollment.pk)
    )


def certificate_issue(*, enrollment: Enrollment, now: dt.datetime | None = None) -> Certificate:
    """The enrolment's certificate, issued now unless it exists (one per enrolment).

    CertificateNotDue unless the enrolment is completed and its course awards a certificate; any other
    failure (the PDF, the seal, the CA) stores nothing, to be retried by the sweep."""
    from eprok.documents.services import document_add_generated
    from eprok.signing import seal

    existing = Certificate.objects.filter(enrollment_id=enrollment.pk).first()
    if existing is not None:
        return existing
    due = Enrollment.objects.filter(
        pk=enrollment.pk, status=EnrollmentStatus.COMPLETED, course__certificate=True
    ).exists()
    if not due:
        raise CertificateNotDue()
    seal.seal_ensure(SEAL)  # outside the transaction: a new seal's key file and audit event stand alone
    moment = now or timezone.now()
    with transaction.atomic():
        locked = _locked_enrollment(enrollment)
        existing = Certificate.objects.filter(enrollment=locked).first()
        if existing is not None:
            return existing
        if locked.status != EnrollmentStatus.COMPLETED or not locked.course.certificate:
            raise CertificateNotDue()
        learner = locked.employee
        unit = issuing_unit(learner)
        issued_on = timezone.localdate(moment)
        certificate = Certificate(
            number=next_number(register=REGISTER, unit_code=unit.code, on=issued_on),
            enrollment=locked,
            employee=learner,
            course=locked.course,
            issued_at=moment,
            valid_until=locked.valid_until,
        )
        plan = seal.plan_for_new_document()
        content = render_pdf(certificate=certificate, unit=unit, code=plan.code)
        sealed = seal.seal_pdf(content, plan=plan, seal=SEAL)
        certificate.save()
        with override("az"):
            title = str(_("Certificate %(number)s") % {"number": certificate.number})
            reason = str(_("Sealed by the Science and Training Centre"))
        document = document_add_generated(
            actor=learner,
            owner_type=OWNER_TYPE,
            owner=certificate,
            content=content,
            file_name=f"{certificate.number}.pdf",
            title=title,
            category=CATEGORY,
        )
        seal.seal_store(actor=learner, document=document, sealed=sealed, reason=reason)
        certificate.document = document
        certificate.verification_code = document.verification_code or ""
        certificate.save(update_fields=["document", "verification_code", "updated_at"])
        audit_record(
            actor=learner,
            action="learning.certificate.issue",
            target=certificate,
            related=locked,
            data={
                "number": certificate.number,
                "course": str(locked.course.public_id),
                "document": str(document.public_id),
                "sha256": document.current_version.sha256,  # type: ignore[union-attr]
                "verification_code": certificate.verification_code,
            },
        )
    return certificate


def certificates_missing() -> QuerySet[Enrollment]:
    """Completed enrolments of courses that award a certificate, without one yet."""
    return Enrollment.objects.filter(
        status=EnrollmentStatus.COMPLETED, course__certificate=True, certificate_issued__isnull=True
    ).order_by("completed_at", "pk")


def issue_missing_certificates(*, limit: int = SWEEP_BATCH) -> int:
    """Issue the certificates a failure left behind (the learning sweep calls it); how many were issued."""
    issued = 0
    for enrollment in certificates_missing()[:limit]:
        try:
            certificate_issue(enrollment=enrollment)
        except Exception:
            logger.exception("could not issue the certificate of enrolment %s; retried later", enrollment.pk)
            continue
        issued += 1
    return issued


# --- reads ------------------------------------------------------------------------------------------------


def my_certificates(user: Any) -> QuerySet[Certificate]:
    """The learner's own certificates, newest first (for their learning page and the API)."""
    if not signed_in(user):
        return Certificate.objects.none()
    return (
        Certificate.objects.filter(employee_id=user.pk).select_related("course").order_by("-issued_at", "-pk")
    )


def certificate_pdf(*, user: Any, certificate: Certificate, purpose: str) -> tuple[bytes, str]:
    """The sealed PDF's bytes and file name, the read audited (the caller fetched it for the user)."""
    from eprok.documents.selectors import version_read

    document = certificate.document
    version = document.current_version if document is not None else None
    if version is None:
        from eprok.core.errors import NotFound

        raise NotFound()
    content = version_read(version)
    audit_record(
        actor=user,
        action="learning.certificate.download",
        target=certificate,
        related=document,
        data={"version": version.number, "sha256": version.sha256},
        purpose=purpose,
    )
    return content, f"{certificate.number}.pdf"


def verification_link(certificate: Certificate) -> str:
    """The public page that verifies the certificate ("" before it is sealed)."""
    from eprok.signing.services import verification_url

    return verification_url(certificate.verification_code) if certificate.verification_code else ""


def certificate_url(certificate: Certificate) -> str:
    return reverse("learning:certificate", args=[certificate.number])


# --- registration (LearningConfig.ready) --------------------------------------------------------------


def register() -> None:
    """The certificate as an owner of documents, and the name of its documents' category."""
    from eprok.documents import owners
    from eprok.documents.extensions import register_category_namer

    owners.register_owner(
        owners.OwnerType(
            label=OWNER_TYPE,
            verbose_name=Certificate._meta.verbose_name,
            model=Certificate,
            key_field="number",
            get_for=lambda user, key, action: get_certificate_for(user, key, action),
            can_attach=can_attach,
            visible_to=certificates_visible_to,
            unit_of=lambda certificate: issuing_unit(certificate.employee),
            url_of=certificate_url,
        )
    )
    register_category_namer(lambda code: str(_("Certificate of completion")) if code == CATEGORY else None)
