"""Exports: CSV streamed with a BOM, XLSX readable, formulas made inert, moments in local time."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from eprok.core.exports import safe_cell, table_response

MOMENT = dt.datetime(2026, 3, 20, 8, 30, tzinfo=dt.UTC)  # 12:30 in Baku


def test_text_that_a_spreadsheet_would_run_is_made_inert():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-5") == "'-5"
    assert safe_cell("Məmmədov") == "Məmmədov"
    assert safe_cell(-5) == -5


def test_csv_is_streamed_with_a_byte_order_mark_and_local_times():
    response = table_response(
        fmt="csv",
        filename="x",
        sheet_title="X",
        header=["Ad", "Vaxt", "Tarix"],
        rows=[["=1+1", MOMENT, dt.date(2026, 3, 20)]],
    )
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.startswith("\ufeffAd,Vaxt,Tarix")
    assert "'=1+1,2026-03-20T12:30+04:00,2026-03-20" in body
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_xlsx_holds_the_rows_with_moments_in_local_time():
    from openpyxl import load_workbook

    response = table_response(
        fmt="xlsx", filename="x", sheet_title="Cinayət işləri", header=["Ad", "Vaxt"], rows=[["@cmd", MOMENT]]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active  # type: ignore[attr-defined]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [("Ad", "Vaxt"), ("'@cmd", timezone.localtime(MOMENT).replace(tzinfo=None))]


def test_an_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError):
        table_response(fmt="pdf", filename="x", sheet_title="X", header=[], rows=[])
