"""Rendering a template version for an owner: the HTML document, then PDF (WeasyPrint) or DOCX.

The layout (office letterhead, number and date, title, body, signatory) is `drafting/document.html`, a
project template; the body comes from the restricted engine. WeasyPrint is given a url_fetcher that
serves only the bundled fonts (DejaVu Serif Condensed from the pinned npm package dejavu-fonts-ttf, copied
to eprok/core/static/vendor/documents by scripts/build-static.mjs) and refuses every other URL, so rendering
never touches the network or the file system beyond those files.

The bottom of the last page keeps `SIGNATURE_SPACE` free for the visible signature with its QR code.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from eprok.core.errors import ValidationFailed
from eprok.drafting.engine import TemplateBodyError, render_body

FONT_FAMILY = "Eprok Document"
FONT_SCHEME = "eprok-font:"
SIGNATURE_SPACE = "4cm"
PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


FONT_FACES = (  # (file, style, weight)
    ("DejaVuSerifCondensed.ttf", "normal", 400),
    ("DejaVuSerifCondensed-Bold.ttf", "normal", 700),
    ("DejaVuSerifCondensed-Italic.ttf", "italic", 400),
    ("DejaVuSerifCondensed-BoldItalic.ttf", "italic", 700),
)


def fonts_dir() -> Path:
    """The bundled document fonts, copied from the pinned npm package by scripts/build-static.mjs."""
    return Path(settings.BASE_DIR) / "eprok" / "core" / "static" / "vendor" / "documents"


def font_faces() -> str:
    """@font-face rules of the bundled document font under our own family name."""
    return "\n".join(
        f'@font-face{{font-family:"{FONT_FAMILY}";font-style:{style};font-weight:{weight};'
        f'src:url("{FONT_SCHEME}{file}") format("truetype");}}'
        for file, style, weight in FONT_FACES
    )


def _bundled_font(url: str) -> bytes | None:
    if url.startswith(FONT_SCHEME):
        name = url[len(FONT_SCHEME) :]
        if name in {face[0] for face in FONT_FACES}:
            path = fonts_dir() / name
            if path.is_file():
                return path.read_bytes()
    return None


def url_fetcher() -> Any:
    """A WeasyPrint fetcher that serves only the bundled font files and refuses every other URL."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledFontsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            data = _bundled_font(url)
            if data is None:
                raise ValueError(f"drafting: refused to fetch {url[:80]!r}")
            return URLFetcherResponse(url, data, {"Content-Type": "font/ttf"})

    return BundledFontsOnly(allowed_protocols=())


STYLE = """
@page {
  size: A4;
  margin: 2cm 1.5cm 2cm 2.5cm;
  @bottom-center { content: counter(page) " / " counter(pages); font-family: "%(family)s"; font-size: 9pt; }
}
html { font-family: "%(family)s", serif; font-size: 12pt; line-height: 1.35; color: #000; }
.letterhead { text-align: center; font-weight: 700; border-bottom: 1.5pt solid #000; padding-bottom: 4pt; }
.letterhead-parent { font-size: 11pt; }
.letterhead-office { font-size: 13pt; }
table.meta { width: 100%%; margin: 10pt 0 14pt; border-collapse: collapse; }
table.meta td { padding: 0; white-space: nowrap; }
.meta-right { text-align: right; }
h1 { font-size: 13pt; text-align: center; margin: 12pt 0; font-weight: 700; }
h2 { font-size: 12pt; text-align: center; margin: 10pt 0 6pt; font-weight: 700; letter-spacing: 0.5pt; }
p { margin: 0 0 6pt; text-align: justify; text-indent: 1cm; }
p.addressee { text-indent: 0; margin-left: 55%%; text-align: left; font-weight: 700; }
.body table { width: 100%%; border-collapse: collapse; margin: 6pt 0; }
.body th, .body td { border: 0.5pt solid #000; padding: 3pt; font-size: 10.5pt; vertical-align: top; }
ol, ul { margin: 0 0 6pt; }
table.signatory { width: 100%%; margin-top: 24pt; border-collapse: collapse; page-break-inside: avoid; }
table.signatory td { vertical-align: bottom; font-weight: 700; }
.signatory-name { text-align: right; }
.signature-space { height: %(space)s; page-break-inside: avoid; break-inside: avoid; }
"""


@dataclass(frozen=True)
class Rendered:
    title: str
    html: str  # the whole document (for PDF; to_pdf adds the fonts and the style sheet)
    sheet_html: str  # the sheet without <html>/<head> (for the preview inside a page)
    body_html: str  # the body only (for DOCX)
    context: dict[str, Any]


def render_html(*, title: str, body: str, context: dict[str, Any]) -> Rendered:
    """The document as HTML: the layout around the body rendered by the restricted engine.

    The rendered body is sanitised (`sanitize_markup`) before it goes into the preview, the PDF or the DOCX:
    the engine escapes the record's values, but inserts a body's string literals as they are.
    """
    body_html = sanitize_markup(render_body(body, context))
    values = {**context, "title": title, "body": mark_safe(body_html)}  # noqa: S308 - sanitised above
    sheet = render_to_string("drafting/_sheet.html", values)
    layout = str(render_to_string("drafting/document.html", values))
    return Rendered(title=title, html=layout, sheet_html=sheet, body_html=body_html, context=context)


def pdf_from_html(html: str, *, style: str = "") -> bytes:
    """A whole HTML document as PDF: the bundled fonts' @font-face rules and `style` go into its <head>.

    WeasyPrint gets `url_fetcher()`, so nothing but the bundled fonts is fetched (no network, no files).
    Use `FONT_FAMILY` in `style` for the document font. `style` is our own CSS, never user input.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if "</" in style:
        raise ValueError("pdf_from_html: the style sheet must not contain markup")
    sheet = f"<style>{font_faces()}\n{style}</style>\n"
    head_end = re.search(r"</head\s*>", html, flags=re.IGNORECASE)  # not .lower(): "İ" becomes two characters
    end = head_end.start() if head_end else 0
    page = html[:end] + sheet + html[end:]
    document = HTML(string=page, url_fetcher=url_fetcher(), base_url=FONT_SCHEME)
    return bytes(document.write_pdf(font_config=FontConfiguration()))


def to_pdf(rendered: Rendered) -> bytes:
    return pdf_from_html(rendered.html, style=STYLE % {"family": FONT_FAMILY, "space": SIGNATURE_SPACE})


# --- DOCX ----------------------------------------------------------------------------------------------


class _DocxBuilder(HTMLParser):
    """Turns the rendered body (p, h1-h3, strong/b, em/i, u, br, ol/ul/li, table/tr/th/td) into DOCX."""

    def __init__(self, document: Any) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = document
        self.paragraph: Any = None
        self.bold = 0
        self.italic = 0
        self.underline = 0
        self.lists: list[list[Any]] = []  # [kind, counter]
        self.table: Any = None
        self.row: Any = None
        self.cell: Any = None
        self.cell_header = False
        self.addressee = False

    def _new_paragraph(self, style: str | None = None) -> Any:
        if self.cell is not None:
            paragraph = (
                self.cell.paragraphs[0] if not self.cell.paragraphs[0].text else self.cell.add_paragraph()
            )
        else:
            paragraph = self.doc.add_paragraph(style=style) if style else self.doc.add_paragraph()
        self.paragraph = paragraph
        return paragraph

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        if tag == "p":
            paragraph = self._new_paragraph()
            if ("class", "addressee") in attrs:
                paragraph.paragraph_format.left_indent = Cm(9)
                self.addressee = True
            elif self.cell is None:
                paragraph.paragraph_format.first_line_indent = Cm(1)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        elif tag in {"h1", "h2", "h3"}:
            paragraph = self._new_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.bold += 1
        elif tag in {"strong", "b"}:
            self.bold += 1
        elif tag in {"em", "i"}:
            self.italic += 1
        elif tag == "u":
            self.underline += 1
        elif tag == "br":
            if self.paragraph is not None:
                self.paragraph.add_run().add_break()
        elif tag in {"ol", "ul"}:
            self.lists.append([tag, 0])
        elif tag == "li":
            paragraph = self._new_paragraph()
            paragraph.paragraph_format.left_indent = Cm(1)
            if self.lists:
                self.lists[-1][1] += 1
                marker = f"{self.lists[-1][1]}. " if self.lists[-1][0] == "ol" else "• "
                paragraph.add_run(marker)
        elif tag == "table":
            self.table = self.doc.add_table(rows=0, cols=0)
            self.table.style = "Table Grid"
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in {"td", "th"} and self.table is not None and self.row is not None:
            self.row.append({"text": [], "header": tag == "th"})
            self.cell_header = tag == "th"

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2", "h3"}:
            self.bold = max(0, self.bold - 1)
            self.paragraph = None
        elif tag in {"strong", "b"}:
            self.bold = max(0, self.bold - 1)
        elif tag in {"em", "i"}:
            self.italic = max(0, self.italic - 1)
        elif tag == "u":
            self.underline = max(0, self.underline - 1)
        elif tag in {"p", "li"}:
            self.paragraph = None
            self.addressee = False
        elif tag in {"ol", "ul"} and self.lists:
            self.lists.pop()
        elif tag == "tr" and self.table is not None and self.row is not None:
            self._add_row(self.row)
            self.row = None
        elif tag == "table":
            self.table = None

    def _add_row(self, cells: list[dict[str, Any]]) -> None:
        from docx.shared import Cm

        table = self.table
        while len(table.columns) < len(cells):
            table.add_column(Cm(17 / max(len(cells), 1)))
        row = table.add_row()
        for index, cell in enumerate(cells):
            text = " ".join("".join(cell["text"]).split())
            run = row.cells[index].paragraphs[0].add_run(text)
            run.bold = cell["header"]

    def handle_data(self, data: str) -> None:
        if self.row is not None:
            if self.row:
                self.row[-1]["text"].append(data)
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip():
            return
        if self.paragraph is None:
            self._new_paragraph()
        run = self.paragraph.add_run(text.lstrip() if not self.paragraph.text else text)
        run.bold = bool(self.bold) or self.addressee
        run.italic = bool(self.italic)
        run.underline = bool(self.underline)


def to_docx(rendered: Rendered) -> bytes:
    from docx import Document as DocxDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    ctx = rendered.context
    doc = DocxDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)

    def centred(text: str, *, bold: bool = True, size: int = 12) -> None:
        if not text:
            return
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)

    office = ctx.get("office", {})
    centred(office.get("parent_name_upper", ""), size=11)
    centred(office.get("name_upper", ""), size=13)
    meta = doc.add_table(rows=1, cols=2)
    meta.cell(0, 0).paragraphs[0].add_run(f"№ {ctx.get('document', {}).get('number', '')}")
    right = meta.cell(0, 1).paragraphs[0]
    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    right.add_run(ctx.get("document", {}).get("date", ""))
    doc.add_paragraph(office.get("place", ""))
    centred(rendered.title, size=13)
    builder = _DocxBuilder(doc)
    builder.feed(rendered.body_html)
    builder.close()
    signatory = ctx.get("signatory", {})
    sign = doc.add_table(rows=1, cols=2)
    left = sign.cell(0, 0).paragraphs[0]
    left.add_run(
        "\n".join(p for p in [signatory.get("position", ""), signatory.get("rank", "")] if p)
    ).bold = True
    name = sign.cell(0, 1).paragraphs[0]
    name.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    name.add_run(signatory.get("short_name", "")).bold = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- what a body may contain ----------------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "h1",
        "h2",
        "h3",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "ol",
        "ul",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "div",
        "span",
        "small",
        "sup",
        "sub",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = frozenset({"class", "colspan", "rowspan"})
DOCUMENT_CLASSES = frozenset({"addressee"})  # the classes the document style sheet and the DOCX builder know
VOID_TAGS = frozenset({"br", "hr"})
DROPPED_CONTENT = frozenset({"script", "style"})  # their text is code, not document text
_SPAN = re.compile(r"[1-9][0-9]?")
_ENTITY = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CHARREF = re.compile(r"[xX][0-9A-Fa-f]{1,6}|[0-9]{1,7}")


def _attribute_value(name: str, value: str | None) -> str | None:
    """The allowed part of an attribute's value, or None when nothing of it is allowed."""
    if value is None or name not in ALLOWED_ATTRIBUTES:
        return None
    if name == "class":
        tokens = [token for token in value.split() if token in DOCUMENT_CLASSES]
        return " ".join(dict.fromkeys(tokens)) or None
    value = value.strip()
    return value if _SPAN.fullmatch(value) else None  # colspan, rowspan: 1-99


class _MarkupChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refused: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.refused.add(f"<{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES:
                self.refused.add(f"{tag}[{name}]")
            elif _attribute_value(name, value) != " ".join((value or "").split()):
                self.refused.add(f'{tag}[{name}="{value}"]')


class _Sanitiser(HTMLParser):
    """Re-writes HTML keeping only ALLOWED_TAGS with the allowed attribute values; text is escaped again.

    A tag outside the list is dropped and its text kept (except the code inside <script> and <style>);
    comments and declarations are dropped; an end tag closes only an element this body opened, and the
    elements left open are closed at the end, so a body cannot close the page's elements around it.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            return
        if tag in DROPPED_CONTENT:
            self.skipping = tag
            return
        if tag not in ALLOWED_TAGS:
            return
        parts = [tag]
        seen: set[str] = set()
        for name, value in attrs:
            clean = None if name in seen else _attribute_value(name, value)
            if clean is not None:
                parts.append(f'{name}="{html.escape(clean)}"')
                seen.add(name)
        self.out.append("<" + " ".join(parts) + ">")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_CONTENT and not self.skipping:
            return
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping:
                self.skipping = None
            return
        if tag not in self.open:
            return
        while self.open:
            name = self.open.pop()
            self.out.append(f"</{name}>")
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(html.escape(data, quote=False))

    def handle_entityref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&{name};" if _ENTITY.fullmatch(name) else html.escape(f"&{name}", quote=False))

    def handle_charref(self, name: str) -> None:
        if not self.skipping:
            valid = _CHARREF.fullmatch(name)
            self.out.append(f"&#{name};" if valid else html.escape(f"&#{name}", quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{name}>" for name in reversed(self.open))


def sanitize_markup(body_html: str) -> str:
    """The rendered body with only plain document formatting (the output guard behind `check_markup`).

    A body's string literals are inserted without escaping, so whatever the source check let through, the
    preview, the PDF and the DOCX get only ALLOWED_TAGS, the attributes class (DOCUMENT_CLASSES), colspan
    and rowspan, and escaped text. The library's documents come out unchanged.
    """
    sanitiser = _Sanitiser()
    sanitiser.feed(body_html)
    return sanitiser.result()


def check_markup(body: str) -> None:
    """Refuse HTML beyond plain document formatting (no scripts, images, links, styles, event handlers)."""
    checker = _MarkupChecker()
    checker.feed(body)
    checker.close()
    if checker.refused:
        raise TemplateBodyError(
            _("The template uses HTML that is not allowed in a document: %(items)s.")
            % {"items": ", ".join(sorted(checker.refused))}
        )


def plain_text(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", html_text))


__all__ = [
    "DOCX_CONTENT_TYPE",
    "PDF_CONTENT_TYPE",
    "Rendered",
    "ValidationFailed",
    "check_markup",
    "pdf_from_html",
    "render_html",
    "sanitize_markup",
    "to_docx",
    "to_pdf",
]
