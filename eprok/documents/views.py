"""The documents pages: an owner's documents panel (htmx fragment), the document page, downloads."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error
from eprok.documents import access, extensions, ocr, owners, selectors, services
from eprok.documents.forms import UploadForm, VersionForm, WithdrawForm
from eprok.documents.models import Document, DocumentStatus, OcrStatus

HELP = {"help_page": "documents"}


def _form_error(form: Any, exc: ApplicationError) -> None:
    """A refused file's message goes on the file field; other errors where the service names them."""
    if exc.code == "upload_refused":
        form.add_error("file", str(exc.message))
    else:
        form_apply_error(form, exc)


def _panel_context(
    request: HttpRequest, kind: owners.OwnerType, owner: Any, form: Any = None
) -> dict[str, Any]:
    may_attach = bool(kind.can_attach(request.user, owner))
    key = kind.key_of(owner)
    actions = [
        {"key": action.key, "label": action.label, "url": action.url(kind.label, key)}
        for action in extensions.owner_actions()
        if action.allowed(request.user, kind, owner)
    ]
    documents = list(selectors.documents_of(request.user, kind.label, owner))
    selectors.documents_listed(user=request.user, owner_type=kind, owner=owner, count=len(documents))
    return {
        **HELP,
        "owner_type": kind,
        "owner": owner,
        "owner_key": key,
        "documents": documents,
        "may_attach": may_attach,
        "form": form if form is not None else (UploadForm() if may_attach else None),
        "owner_actions": actions,
    }


@staff_view
@require_GET
@never_cache
def owner_panel(request: HttpRequest, owner_type: str, key: str) -> HttpResponse:
    """The documents of one record, for the record's card (loaded by htmx)."""
    kind, owner = access.get_owner_for(request.user, owner_type, key, action="view")
    return render(request, "documents/_panel.html", _panel_context(request, kind, owner))


@staff_view
@require_POST
def owner_upload(request: HttpRequest, owner_type: str, key: str) -> HttpResponse:
    kind, owner = access.get_owner_for(request.user, owner_type, key, action="attach")
    form = UploadForm(request.POST, request.FILES)
    shown: UploadForm | None = form
    status = 200
    if form.is_valid():
        try:
            document = services.document_upload(
                actor=request.user,
                owner_type=kind.label,
                owner=owner,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                classification=form.cleaned_data["classification"],
            )
        except (NotFound, Forbidden):
            raise
        except ApplicationError as exc:
            _form_error(form, exc)
            status = 422
        else:
            if request.headers.get("HX-Request") != "true":
                return redirect("documents:detail", public_id=document.public_id)
            shown = None  # a fresh form under the new list
    else:
        status = 422
    response = render(
        request, "documents/_panel.html", _panel_context(request, kind, owner, shown), status=status
    )
    if status == 422 and request.headers.get("HX-Request") == "true":
        # htmx swaps only 2xx answers unless told otherwise: show the form with its errors.
        response["HX-Reswap"] = "outerHTML"
        response.status_code = 200
    return response


def _detail_context(request: HttpRequest, document: Document, **forms: Any) -> dict[str, Any]:
    owner = document.owner  # type: ignore[attr-defined]
    kind = owners.owner_type(document.owner_type)
    may_edit = access.can(request.user, document, "edit", owner)
    sections = []
    for section in extensions.document_sections():
        context = section.context(request, document)
        if context is not None:
            sections.append({"key": section.key, "template": section.template, "context": context})
    return {
        **HELP,
        "document": document,
        "owner": owner,
        "owner_type": kind,
        "owner_url": kind.url_of(owner),
        "category_name": extensions.category_name(document.category),
        "versions": list(selectors.versions_of(document)),
        "may_edit": may_edit,
        "version_form": forms.get("version_form") or (VersionForm() if may_edit else None),
        "withdraw_form": forms.get("withdraw_form") or (WithdrawForm() if may_edit else None),
        "ocr_available": ocr.available(),
        "ocr_active": document.ocr_status in (OcrStatus.QUEUED, OcrStatus.RUNNING),
        "ocr_applicable": bool(
            document.current_version
            and document.current_version.file_kind in ocr.IMAGE_KINDS | {"pdf"}
            and document.status != DocumentStatus.SIGNED
        ),
        "sections": sections,
    }


@staff_view
@require_GET
@never_cache
def document_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    document = access.get_document_for(request.user, public_id)
    if request.headers.get("HX-Request") == "true" and request.GET.get("part") == "ocr":
        # The OCR status block polls itself while recognition is under way.
        return render(request, "documents/_ocr.html", _detail_context(request, document))
    selectors.document_read(user=request.user, document=document, purpose="view")
    return render(request, "documents/detail.html", _detail_context(request, document))


@staff_view
@require_GET
def document_download(request: HttpRequest, public_id: Any, number: int) -> FileResponse:
    """One version's file, for those who may see the document; every download is audited."""
    document = access.get_document_for(request.user, public_id)
    version = selectors.version_of(document, number)
    if version is None:
        raise NotFound()
    try:
        stream = selectors.version_open(version)
    except (FileNotFoundError, OSError):
        raise NotFound() from None
    selectors.document_read(user=request.user, document=document, purpose="download", version=version)
    response = FileResponse(
        stream, as_attachment=True, filename=safe_file_name(version), content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def safe_file_name(version: Any) -> str:
    """The name offered for saving: the stored display name with the extension of the real type."""
    from pathlib import PurePosixPath

    from eprok.core.uploads import FILE_TYPES

    base = str(version.original_name or "").replace("\\", "/").rsplit("/", 1)[-1].lstrip(".")
    stem = PurePosixPath(base).stem or "document"
    stem = "".join(ch if ch.isprintable() and ch not in '"\\/:*?<>|;' else "_" for ch in stem)[:100]
    file_type = FILE_TYPES.get(version.file_kind)
    return f"{stem}.{file_type.extension}" if file_type else stem


@staff_view
@require_http_methods(["POST"])
def document_new_version(request: HttpRequest, public_id: Any) -> HttpResponse:
    document = access.get_document_for(request.user, public_id, action="edit")
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.version_upload(
                actor=request.user,
                document=document,
                file=form.cleaned_data["file"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            return redirect("documents:detail", public_id=document.public_id)
    return render(
        request, "documents/detail.html", _detail_context(request, document, version_form=form), status=422
    )


@staff_view
@require_http_methods(["POST"])
def document_withdraw(request: HttpRequest, public_id: Any) -> HttpResponse:
    document = access.get_document_for(request.user, public_id, action="edit")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.document_withdraw(
                actor=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            return redirect("documents:detail", public_id=document.public_id)
    return render(
        request, "documents/detail.html", _detail_context(request, document, withdraw_form=form), status=422
    )


@staff_view
@require_http_methods(["POST"])
def document_ocr(request: HttpRequest, public_id: Any) -> HttpResponse:
    document = access.get_document_for(request.user, public_id, action="edit")
    try:
        services.ocr_request(actor=request.user, document=document)
    except ApplicationError as exc:
        from django.contrib import messages

        messages.error(request, str(exc.message))
    return redirect("documents:detail", public_id=document.public_id)
