"""The "Signatures" section on the document page (eprok.documents.extensions)."""

from __future__ import annotations

from typing import Any


def signatures_section_context(request: Any, document: Any) -> dict[str, Any] | None:
    from eprok.signing.views import signatures_section_context as context

    return context(request, document)


def register_sections() -> None:
    try:
        from eprok.documents.extensions import DocumentSection, register_document_section
    except ImportError:  # the documents app's extension points are not there yet
        return
    register_document_section(
        DocumentSection(
            key="signatures",
            template="signing/_document_signatures.html",
            context=signatures_section_context,
            order=50,
        )
    )
