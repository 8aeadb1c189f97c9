"""Open data through the API (/api/v1/stats/open-data): public, no token — the same suppressed long-form
rows as the CSV and JSON files of /open-data/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from eprok.core.api import ErrorOut
from eprok.core.errors import NotFound

from . import opendata
from .views_open import MAX_AGE, open_json

router = Router(tags=["open data"])


class MeasureOut(Schema):
    slug: str
    label: str


class YearsOut(Schema):
    years: list[int]
    measures: list[MeasureOut]
    threshold: int
    schema_url: str


class OpenRowOut(Schema):
    year: int
    region_code: str
    region_name: str
    article_group: str
    article_group_name: str
    measure: str
    value: int | None
    suppressed: bool


class OpenTableOut(Schema):
    schema_url: str
    threshold: int
    year: int
    measure: str
    rows: list[OpenRowOut]


def _cached(response: HttpResponse) -> None:
    patch_cache_control(response, public=True, max_age=MAX_AGE)


@router.get(
    "/years",
    auth=None,
    response={200: YearsOut},
    summary="The completed years with open data, and the measures published for each (public)",
)
def open_data_years(request: HttpRequest, response: HttpResponse) -> Any:
    _cached(response)
    return {
        "years": opendata.completed_years(),
        "measures": [{"slug": m.slug, "label": str(m.label)} for m in opendata.MEASURES.values()],
        "threshold": opendata.threshold(),
        "schema_url": request.build_absolute_uri(reverse("opendata:open_data_schema")),
    }


@router.get(
    "/{year}/{measure}",
    auth=None,
    response={200: OpenTableOut, 404: ErrorOut, 422: ErrorOut},
    summary="One table in long form: a row per region × chapter, totals included; small counts suppressed",
)
def open_data_table(
    request: HttpRequest, response: HttpResponse, year: int, measure: str, lang: str = "az"
) -> Any:
    try:
        spec = opendata.check(year, measure)
    except opendata.NotPublished:
        raise NotFound(_("There is no open data for this year and measure."), code="not_found") from None
    _cached(response)
    data = open_json(request, opendata.table(year, spec), opendata.language(lang))
    data["schema_url"] = data.pop("schema")
    return data
