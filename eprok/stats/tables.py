"""A report as data: titled tables of figures with the unit's header, the period and the moment the
figures were taken. Every standard report, the report builder and the dashboards build a `Report`; the
page renders it (`stats/_report_tables.html`), `eprok.stats.exports` writes it as CSV, XLSX or PDF, and
`Report.sha256()` is the checksum an issued report keeps so it can be reproduced and compared later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Value = int | float | Decimal | str | None


@dataclass(frozen=True)
class Column:
    """`kind`: "text" (a label), "int" (a count), "pct" (a percentage, one decimal), "rate" (two decimals)."""

    key: str
    label: Any
    kind: str = "int"

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


@dataclass
class Row:
    """`cells` by column key. `link`: a drill-down URL for the row (page only). `level`: indentation of a
    sub-row. `total`: a total row (bold on the page, kept in exports)."""

    cells: dict[str, Value]
    link: str = ""
    level: int = 0
    total: bool = False


@dataclass
class Table:
    key: str
    title: Any
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    note: Any = ""

    def values(self) -> list[list[Value]]:
        return [[row.cells.get(column.key) for column in self.columns] for row in self.rows]


@dataclass
class Report:
    """`code`: the report's code ("collegium", "appeals"...). `unit_name`: the header (the unit the report
    is for). `period`: first and last day. `as_of`: the figures count what was recorded up to this moment.
    `params`: what reproduces it (JSON-serialisable)."""

    code: str
    title: Any
    unit_name: Any
    period: tuple[dt.date, dt.date]
    as_of: dt.datetime
    tables: list[Table] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    notes: list[Any] = field(default_factory=list)

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def figures(self) -> list[dict[str, Any]]:
        """The figures only (column keys and numeric values, no labels, so renaming a unit or reading the
        report in another language keeps the checksum): what the checksum covers. Rows keep their order."""
        out = []
        for table in self.tables:
            numeric = [column for column in table.columns if column.numeric]
            out.append(
                {
                    "table": table.key,
                    "columns": [column.key for column in numeric],
                    "rows": [[_plain(row.cells.get(column.key)) for column in numeric] for row in table.rows],
                }
            )
        return out

    def sha256(self) -> str:
        text = json.dumps(self.figures(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def row_count(self) -> int:
        return sum(len(table.rows) for table in self.tables)


def _plain(value: Value) -> Value:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return round(value, 4)
    return value


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """part / whole as a percentage with one decimal; None when whole is 0 (shown as a dash)."""
    if not whole or part is None:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def change(now: int | None, before: int | None) -> Decimal | None:
    """The change from `before` to `now` in percent, one decimal; None without a base."""
    if not before or now is None:
        return None
    return ((Decimal(now) - Decimal(before)) * 100 / Decimal(before)).quantize(Decimal("0.1"))


def rate(count: int | None, residents: int | None, per: int = 10_000) -> Decimal | None:
    """Count per `per` residents, two decimals; None without a population."""
    if not residents or count is None:
        return None
    return (Decimal(count) * per / Decimal(residents)).quantize(Decimal("0.01"))


def shown(value: Value, kind: str = "int") -> str:
    """A figure as written in exports and PDFs (the page formats with the locale)."""
    if value is None:
        return "—" if kind != "text" else ""
    if kind == "pct" and not isinstance(value, str):
        return f"{value}%"
    return str(value)


def columns(*specs: tuple[str, Any, str] | tuple[str, Any]) -> list[Column]:
    return [Column(spec[0], spec[1], spec[2] if len(spec) > 2 else "int") for spec in specs]


def total_row(rows: Sequence[Row], cols: Sequence[Column], label_key: str, label: Any) -> Row:
    """The sum of the "int" columns over `rows` (other numeric columns are left for the caller)."""
    cells: dict[str, Value] = {label_key: label}
    for column in cols:
        if column.kind == "int":
            cells[column.key] = sum(int(row.cells.get(column.key) or 0) for row in rows)
    return Row(cells=cells, total=True)


def display_tables(report: Report, write: Callable[[Value, str], str] = shown) -> list[dict[str, Any]]:
    """The report's tables with every cell written by `write(value, kind)` (the page passes its locale-aware
    writer; the PDF the plain one): key, title, note, columns and rows of (text, numeric) cells."""
    return [
        {
            "key": table.key,
            "title": table.title,
            "note": table.note,
            "columns": table.columns,
            "rows": [
                {
                    "link": row.link,
                    "total": row.total,
                    "level": row.level,
                    "cells": [
                        (write(row.cells.get(column.key), column.kind), column.numeric)
                        for column in table.columns
                    ],
                }
                for row in table.rows
            ],
        }
        for table in report.tables
    ]
