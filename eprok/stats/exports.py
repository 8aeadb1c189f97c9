"""A `Report` (eprok.stats.tables) written as CSV, XLSX or PDF with the unit's header.

Every file starts with the header a report on paper has: the unit's name, the report's title, the period,
the moment its figures were taken and, for an issued report, its number and the checksum of its figures.
CSV puts the tables one after another (a blank line between); XLSX gives each table its sheet, numbers as
numbers; PDF is rendered by WeasyPrint with the bundled fonts (eprok.drafting.render.pdf_from_html).
Text cells that a spreadsheet would run as a formula are made inert (eprok.core.exports.safe_cell).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from eprok.core.exports import XLSX_TYPE, safe_cell

from .tables import Report, Table, display_tables, shown

FORMATS = ("xlsx", "csv", "pdf")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE, "pdf": "application/pdf"}
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")

PDF_STYLE = """
@page {
  size: A4 landscape; margin: 1.5cm 1.2cm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; }
}
body { font-family: "Eprok Document", sans-serif; font-size: 9pt; }
header { border-bottom: 1px solid #444; margin-bottom: 0.4cm; }
header .unit { font-weight: bold; font-size: 11pt; }
h1 { font-size: 13pt; margin: 0.2cm 0; }
h2 { font-size: 10.5pt; margin: 0.5cm 0 0.15cm; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
th, td { border: 0.5pt solid #888; padding: 2pt 4pt; }
th { background: #eee; text-align: left; }
td.num { text-align: right; }
tr.total td { font-weight: bold; }
.meta { color: #333; font-size: 8pt; }
"""


def header_lines(report: Report, *, number: str = "", checksum: str = "") -> list[str]:
    start, end = report.period
    lines = [
        str(report.unit_name),
        str(report.title),
        _("Period: %(start)s to %(end)s")
        % {"start": start.strftime("%d.%m.%Y"), "end": end.strftime("%d.%m.%Y")},
        _("Figures as of %(moment)s")
        % {"moment": timezone.localtime(report.as_of).strftime("%d.%m.%Y %H:%M")},
    ]
    if number:
        lines.append(_("Report number: %(number)s") % {"number": number})
    if checksum:
        lines.append(_("Checksum of the figures (SHA-256): %(sum)s") % {"sum": checksum})
    return lines


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return safe_cell(value)


def _csv(report: Report, header: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in header:
        writer.writerow([safe_cell(line)])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([safe_cell(str(table.title))])
        writer.writerow([str(column.label) for column in table.columns])
        for values in table.values():
            writer.writerow(
                [
                    safe_cell(shown(value, column.kind))
                    for value, column in zip(values, table.columns, strict=True)
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(table: Table, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", str(table.title))[:28].strip() or table.key[:28]
    title, n = base, 2
    while title.lower() in used:
        title = f"{base[:25]} ({n})"
        n += 1
    used.add(title.lower())
    return title


def _xlsx(report: Report, header: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in report.tables or [Table(key="empty", title=report.title, columns=[])]:
        sheet = book.create_sheet(title=_sheet_title(table, used))
        for line in header:
            sheet.append([safe_cell(line)])
        sheet["A1"].font = bold
        sheet.append([])
        sheet.append([safe_cell(str(table.title))])
        sheet.append([str(column.label) for column in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_cell(row.cells.get(column.key)) for column in table.columns])
            if row.total:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        if table.columns:
            sheet.column_dimensions["A"].width = 42
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pdf(report: Report, header: list[str]) -> bytes:
    from eprok.drafting.render import pdf_from_html

    tables = display_tables(report)
    html = render_to_string(
        "stats/report_pdf.html",
        {"report": report, "header": header, "tables": tables, "notes": report.notes},
    )
    return pdf_from_html(html, style=PDF_STYLE)


def report_bytes(report: Report, fmt: str, *, number: str = "", checksum: str = "") -> bytes:
    """The report as a file of format `fmt` ("csv", "xlsx" or "pdf")."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    header = header_lines(report, number=number, checksum=checksum)
    if fmt == "csv":
        return _csv(report, header)
    if fmt == "xlsx":
        return _xlsx(report, header)
    return _pdf(report, header)


def filename(report: Report) -> str:
    start, end = report.period
    return f"{report.code}-{start:%Y%m%d}-{end:%Y%m%d}"


def report_response(report: Report, fmt: str, *, number: str = "", checksum: str = "") -> HttpResponse:
    """The report as a download. The caller checks access, bounds the size and audits the export."""
    response = HttpResponse(
        report_bytes(report, fmt, number=number, checksum=checksum), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(report)}.{fmt}"'
    return response
