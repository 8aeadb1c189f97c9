"""Lists exported as CSV or XLSX: one way for every module, safe to open in a spreadsheet.

    return table_response(fmt="csv", filename="crime-reports-20261129-1015", sheet_title=_("Crime reports"),
                          header=[...], rows=(values(row) for row in queryset.iterator()))

CSV is streamed (with a byte-order mark, so spreadsheet programs read Azerbaijani letters right);
XLSX is built with openpyxl's write-only workbook. Text that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe (CSV injection).
The caller caps the rows and audits the export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text that would run as a spreadsheet formula made inert."""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def _xlsx_value(value: Any) -> Any:
    # Excel has no time zones: a moment is written as local wall-clock time.
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return safe_cell(value)


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes") if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell(value)


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(header: list[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(cell) for cell in header])
    for row in rows:
        yield writer.writerow([_csv_value(value) for value in row])


def table_response(
    *, fmt: str, filename: str, sheet_title: Any, header: list[Any], rows: Iterable[Iterable[Any]]
) -> HttpResponseBase:
    """An attachment `<filename>.<fmt>` holding `header` and `rows`; fmt is "csv" or "xlsx"."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=str(sheet_title)[:31])
        sheet.append([str(cell) for cell in header])
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
