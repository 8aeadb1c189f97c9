"""Text of a stored file for search: PDF text layer (pypdf), DOCX paragraphs (python-docx), plain text.

`extract_text(data, kind)` returns (text, needs_ocr): images and PDFs without a text layer need OCR.
Extraction never raises: a file it cannot read yields no text (its type was checked when it was stored).
"""

from __future__ import annotations

import io
import logging

logger = logging.getLogger("eprok.documents")

MAX_TEXT = 1_000_000  # characters kept for search
MAX_PAGES = 500
# A PDF page with fewer letters than this has no real text layer (a scan with a page number, say).
MIN_LETTERS_PER_PAGE = 20

IMAGE_KINDS = frozenset({"png", "jpeg", "gif", "tiff"})
OCR_KINDS = IMAGE_KINDS | {"pdf"}


def extract_text(data: bytes, kind: str) -> tuple[str, bool]:
    """The file's text and whether it needs OCR to have any."""
    if kind in IMAGE_KINDS:
        return "", True
    try:
        if kind == "pdf":
            return _pdf_text(data)
        if kind == "docx":
            return _docx_text(data), False
        if kind == "txt":
            return data.decode("utf-8-sig", "replace")[:MAX_TEXT], False
    except Exception:
        logger.warning("text extraction failed for a %s file", kind, exc_info=True)
    return "", False


def _pdf_text(data: bytes) -> tuple[str, bool]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts: list[str] = []
    size = 0
    pages = reader.pages[:MAX_PAGES] if len(reader.pages) > MAX_PAGES else reader.pages
    for page in pages:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT:
            break
    text = "\n".join(parts).strip()[:MAX_TEXT]
    letters = sum(ch.isalpha() for ch in text)
    needs_ocr = letters < MIN_LETTERS_PER_PAGE * max(1, len(parts))
    return text, needs_ocr


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts).strip()[:MAX_TEXT]
