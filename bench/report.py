"""Printing results as plain-text tables and keeping them as JSON under bench/results/."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ScenarioResult:
    """One scenario's table: a title, column headings, rows, notes under the table and raw data for JSON."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "columns": self.columns,
            "rows": self.rows,
            "notes": self.notes,
            **self.data,
        }


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value >= 1000:
            return f"{value:,.0f}"
        if value >= 100:
            return f"{value:.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def format_table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[str] = ()
) -> str:
    """A fixed-width table; the first column is left-aligned, the figures right-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [len(name) for name in columns]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], len(text))

    def line(values: Sequence[str]) -> str:
        parts = [values[0].ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [title, "=" * len(title), line(list(columns)), rule, *(line(row) for row in cells)]
    out.extend(f"  {note}" for note in notes)
    return "\n".join(out)


def format_result(result: ScenarioResult) -> str:
    return format_table(result.title, result.columns, result.rows, result.notes)


def write_json(directory: Path, payload: dict[str, Any], *, now: dt.datetime | None = None) -> Path:
    """Write the run's results to <directory>/<timestamp>.json and return the path."""
    moment = now or dt.datetime.now(dt.UTC)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{moment:%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path
