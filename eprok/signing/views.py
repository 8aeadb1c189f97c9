"""The signing pages: "My signature" (issue a key), certificates of the employees an administrator
manages (revoke), signing a document (passphrase or ASAN İmza, with a polled waiting page), verifying any
signed PDF, and the "Signatures" section of the document page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error
from eprok.documents import access as documents_access
from eprok.documents.models import Document
from eprok.org import access as org_access
from eprok.signing import access, asan, selectors, services
from eprok.signing.forms import AsanSignForm, IssueForm, PassphraseSignForm, RevokeForm, VerifyForm
from eprok.signing.models import AsanStatus, CertificateStatus, SignatureRole

HELP = {"help_page": "signing"}


# --- my signature ------------------------------------------------------------------------------------


@staff_view
@sensitive_post_parameters("passphrase", "confirm")
@sensitive_variables("form")
@require_http_methods(["GET", "POST"])
@never_cache
def my_signature(request: HttpRequest) -> HttpResponse:
    """The employee's certificates and the form to issue a new key."""
    form = IssueForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.certificate_issue(actor=request.user, passphrase=form.cleaned_data["passphrase"])
            except ApplicationError as exc:
                form_apply_error(form, exc)
                status = 422
            else:
                messages.success(request, _("Your signing key was issued. Keep the passphrase to yourself."))
                return redirect("signing:my")
        else:
            status = 422
    active = services.active_certificate(request.user)
    user: Any = request.user
    certificates = selectors.my_certificates(user)
    return render(
        request,
        "signing/my_signature.html",
        {**HELP, "form": form, "active": active, "certificates": certificates},
        status=status,
    )


@staff_view
@require_GET
@never_cache
def certificate_list(request: HttpRequest) -> HttpResponse:
    """The certificates of the employees the administrator manages, with revocation."""
    if not org_access.is_org_admin(request.user):
        raise Forbidden()
    certificates = selectors.managed_certificates(request.user)
    return render(
        request,
        "signing/certificate_list.html",
        {**HELP, "certificates": certificates, "form": RevokeForm(), "active": CertificateStatus.ACTIVE},
    )


@staff_view
@require_POST
def certificate_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    certificate = access.get_certificate_for(request.user, public_id, action="revoke")
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the reason for revocation."))
        return redirect("signing:certificates")
    try:
        services.certificate_revoke(
            actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The certificate was revoked."))
    return redirect("signing:certificates")


# --- signing a document ---------------------------------------------------------------------------


def _roles_for(user: Any, document: Document) -> list[str]:
    roles = []
    if documents_access.can(user, document, "sign"):
        roles.append(SignatureRole.AUTHOR.value)
    if documents_access.can(user, document, "approve"):
        roles.append(SignatureRole.APPROVER.value)
    return roles


def _document_for_signing(user: Any, public_id: str) -> tuple[Document, list[str]]:
    document = documents_access.get_document_for(user, public_id, action="view")
    roles = _roles_for(user, document)
    if not roles:
        documents_access.get_document_for(user, public_id, action="sign")  # denies (audited 403)
    return document, roles


def _sign_page(
    request: HttpRequest,
    document: Document,
    roles: list[str],
    *,
    passphrase_form: PassphraseSignForm | None = None,
    asan_form: AsanSignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    initial: dict[str, Any] = {"version": document.current_version.number if document.current_version else 1}
    default_role = (
        SignatureRole.APPROVER
        if (SignatureRole.APPROVER in roles and selectors.current_signatures(document).exists())
        else roles[0]
    )
    initial["role"] = default_role
    user: Any = request.user
    profile = selectors.asan_profile(user)
    # The phone on the employee's record until they save the one they sign with.
    saved = {"phone": profile.phone, "asan_id": profile.asan_id} if profile else {"phone": user.phone or ""}
    asan_initial = {**initial, **saved}
    return render(
        request,
        "signing/sign.html",
        {
            **HELP,
            "document": document,
            "passphrase_form": passphrase_form or PassphraseSignForm(initial=initial, roles=roles),
            "asan_form": asan_form or AsanSignForm(initial=asan_initial, roles=roles),
            "certificate": services.active_certificate(request.user),
            "signatures": selectors.signatures_of(document),
        },
        status=status,
    )


def _check_role(user: Any, public_id: str, role: str) -> Document:
    action = "approve" if role == SignatureRole.APPROVER else "sign"
    return documents_access.get_document_for(user, public_id, action=action)


@staff_view
@sensitive_post_parameters("passphrase")
@sensitive_variables("form")
@require_http_methods(["GET", "POST"])
def document_sign(request: HttpRequest, public_id: str) -> HttpResponse:
    """Sign the current version with the employee's own key and passphrase."""
    document, roles = _document_for_signing(request.user, public_id)
    if request.method != "POST":
        return _sign_page(request, document, roles)
    form = PassphraseSignForm(request.POST, roles=roles)
    if not form.is_valid():
        return _sign_page(request, document, roles, passphrase_form=form, status=422)
    document = _check_role(request.user, public_id, form.cleaned_data["role"])
    try:
        services.document_sign(
            actor=request.user,
            document=document,
            role=form.cleaned_data["role"],
            passphrase=form.cleaned_data["passphrase"],
            expected_version=form.cleaned_data["version"],
        )
    except (NotFound, Forbidden):
        raise
    except ApplicationError as exc:
        form_apply_error(form, exc)
        return _sign_page(request, document, roles, passphrase_form=form, status=422)
    messages.success(request, _("The document was signed."))
    return redirect("documents:detail", public_id=document.public_id)


@staff_view
@require_POST
def asan_start(request: HttpRequest, public_id: str) -> HttpResponse:
    """Send the document's hash to ASAN İmza; the waiting page shows the code and polls."""
    document, roles = _document_for_signing(request.user, public_id)
    form = AsanSignForm(request.POST, roles=roles)
    if not form.is_valid():
        return _sign_page(request, document, roles, asan_form=form, status=422)
    document = _check_role(request.user, public_id, form.cleaned_data["role"])
    if document.current_version and document.current_version.number != form.cleaned_data["version"]:
        form.add_error(None, _("The document changed meanwhile. Check the new version and sign again."))
        return _sign_page(request, document, roles, asan_form=form, status=409)
    try:
        signing = services.asan_start(
            actor=request.user,
            document=document,
            role=form.cleaned_data["role"],
            phone=form.cleaned_data["phone"],
            asan_id=form.cleaned_data["asan_id"],
            remember=form.cleaned_data["remember"],
        )
    except (NotFound, Forbidden):
        raise
    except ApplicationError as exc:
        form_apply_error(form, exc)
        return _sign_page(
            request, document, roles, asan_form=form, status=exc.status if exc.status != 400 else 422
        )
    return redirect("signing:asan_status", public_id=signing.public_id)


@staff_view
@require_GET
@never_cache
def asan_status(request: HttpRequest, public_id: str) -> HttpResponse:
    """The waiting page (and, for htmx, its fragment): polls ASAN İmza until the signature is back."""
    signing = access.get_asan_signing_for(request.user, public_id)
    error = ""
    try:
        signing = services.asan_poll(actor=request.user, signing=signing)
    except asan.AsanUnavailable as exc:
        error = str(exc.message)
    context = {
        **HELP,
        "signing": signing,
        "document": signing.document,
        "error": error,
        "statuses": AsanStatus,
    }
    if request.headers.get("HX-Request") == "true":
        response = render(request, "signing/_asan_status.html", context)
        if signing.status == AsanStatus.SIGNED:
            response["HX-Redirect"] = f"/documents/{signing.document.public_id}/"
        return response
    return render(request, "signing/asan_wait.html", context)


# --- verifying a file -------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Validate every signature of an uploaded PDF; the file is read, never stored."""
    if not access.can_verify_files(request.user):
        raise Forbidden()
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            content = form.cleaned_data["file"].read()
            try:
                result = selectors.verify_file(user=request.user, content=content)
            except selectors.pdf.PdfInvalid:
                form.add_error("file", _("The PDF cannot be read: it is damaged or encrypted."))
                status = 422
            else:
                from eprok.audit.services import audit_record

                audit_record(
                    actor=request.user,
                    action="signing.file.verify",
                    target_type="signing.file",
                    target_id=result.sha256[:64],
                    data={"signatures": len(result.signatures), "all_ok": result.all_ok},
                )
        else:
            status = 422
    return render(request, "signing/verify.html", {**HELP, "form": form, "result": result}, status=status)


# --- the "Signatures" section of the document page --------------------------------------------------


def signatures_section_context(request: HttpRequest, document: Document) -> dict[str, Any] | None:
    rows = selectors.document_signature_status(document)
    roles = _roles_for(request.user, document) if document.status != "withdrawn" else []
    may_sign = (
        bool(roles) and document.current_version is not None and document.current_version.file_kind == "pdf"
    )
    if not rows and not may_sign:
        return None
    return {"document": document, "rows": rows, "may_sign": may_sign}
