"""Load the Criminal Code catalogue from fixtures/criminal_code_articles.csv (rerunnable)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from eprok.criminal_code.models import article_search_key, number_sort_key

CSV_PATH = Path(__file__).resolve().parent / "fixtures" / "criminal_code_articles.csv"
# The Criminal Code of the Republic of Azerbaijan entered into force on 1 September 2000.
CODE_IN_FORCE = dt.date(2000, 9, 1)


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value.strip() else None


def read_rows(path: Path = CSV_PATH) -> list[dict[str, Any]]:
    """The CSV as model field values (without valid_from)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = []
        for row in csv.DictReader(handle):
            number = row["article"].strip()
            rows.append(
                {
                    "number": number,
                    "sort_key": number_sort_key(number),
                    "title_az": row["title_az"].strip(),
                    "title_en": row["title_en"].strip(),
                    "chapter": int(row["chapter"]),
                    "section": row["section"].strip(),
                    "category": int(row["category"]) if row["category"].strip() else None,
                    "max_prison_years": _decimal(row["max_prison_years"]),
                    "life_imprisonment": row["life_imprisonment_basic"].strip() == "yes",
                    "max_prison_years_any_part": _decimal(row["max_prison_years_any_part"]),
                    "life_imprisonment_any_part": row["life_imprisonment_any_part"].strip() == "yes",
                    "note": row["note"].strip(),
                }
            )
    return rows


def load_articles(article_model: Any, *, path: Path = CSV_PATH, valid_from: dt.date = CODE_IN_FORCE) -> int:
    """Create or update one version per CSV row, keyed by (number, valid_from); returns the row count.

    Takes the model class so a data migration can pass its historical model. The Russian titles are
    not in the CSV: an existing translation is kept.
    """
    rows = read_rows(path)
    for values in rows:
        existing_ru = (
            article_model.objects.filter(number=values["number"], valid_from=valid_from)
            .values_list("title_ru", flat=True)
            .first()
            or ""
        )
        values["search_key"] = article_search_key(
            values["number"], values["title_az"], values["title_en"], existing_ru
        )
        article_model.objects.update_or_create(
            number=values["number"], valid_from=valid_from, defaults=values
        )
    return len(rows)
