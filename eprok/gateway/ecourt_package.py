"""The package sent to the e-Court: what a delivery is about (its owner) and the one PDF that goes.

The package is a cover page in Azerbaijani (WeasyPrint, drafting's fonts) with the manifest — each file's
name, document, SHA-256, size and signers — and the list of the case's materials; every file of the package
is embedded in that PDF byte for byte as an attachment. `package_build` only builds (nothing is stored);
eprok.gateway.ecourt seals and stores it when it queues the delivery.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from eprok.core.errors import Conflict, NotFound, ValidationFailed

from .models import DeliveryKind

# --- the owner ----------------------------------------------------------------------------------------


@dataclass
class Owner:
    """What a delivery is about: a case of the service or a supervised case, and its court proceeding."""

    case: Any = None
    supervised: Any = None
    proceeding: Any = None

    @property
    def record(self) -> Any:
        return self.case if self.case is not None else self.supervised

    @property
    def number(self) -> str:
        record = self.record
        return str(record.number) if record is not None else ""

    @property
    def unit(self) -> Any:
        if self.proceeding is not None:
            return self.proceeding.unit
        return self.record.unit

    @property
    def status(self) -> str:
        return str(self.record.status)

    def as_kwargs(self) -> dict[str, Any]:
        return {"case": self.case, "supervised": self.supervised, "proceeding": self.proceeding}


def owner_resolve(*, case: Any = None, supervised: Any = None, proceeding: Any = None) -> Owner:
    """The owner from any one of its parts: a proceeding names its case; a case finds its proceeding."""
    if proceeding is not None:
        return Owner(case=proceeding.case, supervised=proceeding.supervised, proceeding=proceeding)
    if (case is None) == (supervised is None):
        raise ValidationFailed(
            _("Name either a case of the service or a supervised case."), code="owner_required"
        )
    from eprok.courtwork.models import Proceeding

    rows = Proceeding.objects.select_related("court", "unit", "prosecutor", "case", "supervised")
    found = rows.filter(case=case).first() if case is not None else rows.filter(supervised=supervised).first()
    return Owner(case=case, supervised=supervised, proceeding=found)


# --- the package --------------------------------------------------------------------------------------


@dataclass
class PackageFile:
    name: str
    title: str
    document: str  # the document's public id
    sha256: str
    size: int
    signers: list[str]
    role: str  # "indictment", "signed", "attached", "generated"
    content: bytes = field(repr=False, default=b"")

    def as_manifest(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "document": self.document,
            "sha256": self.sha256,
            "size": self.size,
            "signers": self.signers,
            "role": self.role,
        }


@dataclass
class Package:
    content: bytes  # the PDF before the seal
    manifest: dict[str, Any]
    file_name: str
    files: list[PackageFile]


def _file_name(document: Any, used: set[str]) -> str:
    version = document.current_version
    original = (getattr(version, "original_name", "") or "").replace("/", "_").replace("\\", "_").strip()
    extension = f".{version.file_kind}" if version is not None and version.file_kind else ""
    base = original or f"{document.public_id}{extension}"
    name = f"{len(used) + 1:02d}-{base}"[:120]
    used.add(name)
    return name


def _signers(document: Any) -> list[str]:
    from eprok.signing.selectors import current_signatures

    return [s.signer_name for s in current_signatures(document).order_by("signed_at", "id")]


def _package_file(document: Any, role: str, used: set[str]) -> PackageFile:
    from eprok.documents.selectors import version_read

    version = document.current_version
    content = version_read(version)
    return PackageFile(
        name=_file_name(document, used),
        title=document.title,
        document=str(document.public_id),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        signers=_signers(document),
        role=role,
        content=content,
    )


def owner_documents(actor: Any, owner: Owner) -> QuerySet[Any]:
    """The owner's documents the actor may read (a supervised case owns none unless its app registers it)."""
    from eprok.documents import owners
    from eprok.documents.models import Document, DocumentStatus
    from eprok.documents.selectors import documents_of

    record = owner.record
    label = owners.label_of(record)
    if not owners.is_owner_type(label):
        return Document.objects.none()
    return (
        documents_of(actor, label, record)
        .exclude(status=DocumentStatus.WITHDRAWN)
        .filter(current_version__isnull=False)
        .order_by("created_at", "pk")
    )


def _generated_indictment(actor: Any, owner: Owner) -> PackageFile | None:
    """The indictment rendered from the drafting app's published "indictment" template (not stored)."""
    from eprok.documents import owners
    from eprok.drafting import selectors as drafting_selectors
    from eprok.drafting.models import Template
    from eprok.drafting.render import to_pdf
    from eprok.drafting.services import render_for

    if owner.case is None:
        return None
    template = Template.objects.filter(code="indictment", is_active=True).first()
    if template is None:
        return None
    version = drafting_selectors.published_version(template)
    if version is None:
        return None
    kind = owners.owner_type("cases.case")
    rendered = render_for(
        actor=actor, version=version, kind=kind, owner=owner.case, purpose="e-Court package"
    )
    content = to_pdf(rendered)
    return PackageFile(
        name=f"01-indictment-{owner.number}.pdf"[:120],
        title=str(template.name_az),
        document="",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        signers=[],
        role="generated",
        content=content,
    )


def _documents_of_owner(documents: Any, owner: Owner) -> list[Any]:
    from eprok.documents import owners

    chosen = list(documents or [])
    record = owner.record
    label = owners.label_of(record)
    for document in chosen:
        if document.owner_type != label or document.owner_id != record.pk:
            message = _("Attach only documents of this case.")
            raise ValidationFailed(message, code="foreign_document", details={"documents": message})
    return chosen


def package_build(
    *,
    actor: Any,
    case: Any = None,
    supervised: Any = None,
    proceeding: Any = None,
    kind: str,
    title: str,
    text: str = "",
    documents: Any = (),
    court: Any = None,
    decision: Any = None,
) -> Package:
    """The unsealed package PDF (cover, manifest, embedded files) and its manifest; nothing is stored.

    An indictment carries the signed indictment (or one generated from the drafting template), every signed
    document of the case and the documents chosen; a motion, an appeal or a protest the documents chosen.
    """
    from pypdf import PdfReader, PdfWriter

    from eprok.documents.models import DocumentStatus
    from eprok.drafting.render import FONT_FAMILY, pdf_from_html

    owner = owner_resolve(case=case, supervised=supervised, proceeding=proceeding)
    chosen = _documents_of_owner(documents, owner)
    available = list(owner_documents(actor, owner).select_related("current_version"))
    readable = {document.pk for document in available}
    for document in chosen:
        if document.pk not in readable:
            raise NotFound()
    used: set[str] = set()
    files: list[PackageFile] = []
    included: set[int] = set()
    if kind == DeliveryKind.INDICTMENT:
        signed = [d for d in available if d.status == DocumentStatus.SIGNED]
        indictment = next((d for d in reversed(signed) if d.category == "indictment"), None)
        if indictment is not None:
            files.append(_package_file(indictment, "indictment", used))
            included.add(indictment.pk)
        else:
            generated = _generated_indictment(actor, owner)
            if generated is not None:
                used.add(generated.name)
                files.append(generated)
            elif owner.case is not None:
                raise Conflict(
                    _("The case has no signed indictment and no published indictment template."),
                    code="no_indictment",
                )
        for document in signed:
            if document.pk not in included:
                files.append(_package_file(document, "signed", used))
                included.add(document.pk)
    for document in chosen:
        if document.pk not in included:
            files.append(_package_file(document, "attached", used))
            included.add(document.pk)
    record = owner.record
    court = court or (owner.proceeding.court if owner.proceeding is not None else None)
    manifest: dict[str, Any] = {
        "case_number": owner.number,
        "kind": str(kind),
        "title": title,
        "court": getattr(court, "xroad_code", "") or getattr(court, "code", ""),
        "created_at": timezone.now().isoformat(),
        "files": [f.as_manifest() for f in files],
        "materials": [
            {
                "document": str(d.public_id),
                "title": d.title,
                "status": str(d.status),
                "created_on": timezone.localdate(d.created_at).isoformat(),
                "in_package": d.pk in included,
            }
            for d in available
        ],
    }
    if decision is not None:
        manifest["decision"] = {
            "id": decision.pk,
            "external_id": decision.external_id,
            "kind": decision.kind,
            "decided_on": decision.decided_on.isoformat(),
        }
    with override("az"):
        html = render_to_string(
            "gateway/ecourt/package_pdf.html",
            {
                "kind_label": DeliveryKind(kind).label,
                "title": title,
                "text": text,
                "record": record,
                "owner": owner,
                "court": court,
                "files": files,
                "materials": manifest["materials"],
                "decision": decision,
                "prosecutor": actor,
                "created_at": timezone.localtime(),
            },
        )
    cover = pdf_from_html(html, style=PACKAGE_STYLE % {"family": FONT_FAMILY})
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(cover)))
    for package_file in files:
        writer.add_attachment(package_file.name, package_file.content)
    out = io.BytesIO()
    writer.write(out)
    return Package(
        content=out.getvalue(),
        manifest=manifest,
        file_name=f"ecourt-{kind}-{owner.number}.pdf"[:120],
        files=files,
    )


# The bottom 4 cm stay free for the seal's stamp (eprok.signing.pdf puts it bottom left).
PACKAGE_STYLE = """
@page { size: A4; margin: 1.5cm 1.5cm 4cm 1.5cm; }
html { font-family: "%(family)s", serif; font-size: 10.5pt; color: #1b1b1b; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 0.4cm; }
h2 { font-size: 12pt; margin: 0.5cm 0 0.2cm; }
table { border-collapse: collapse; width: 100%%; }
th, td { border: 0.5pt solid #777; padding: 2pt 4pt; vertical-align: top; text-align: left; }
td.hash { font-family: monospace; font-size: 7pt; word-break: break-all; }
dl.facts dt { font-weight: 700; float: left; width: 5cm; }
dl.facts dd { margin-left: 5.2cm; }
.text { white-space: pre-wrap; }
"""
