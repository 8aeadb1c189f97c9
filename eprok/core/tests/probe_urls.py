"""A second API built like the real one, with operations that provoke each error; used by test_api."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path
from ninja import Field, Query, Router, Schema

from config.urls import urlpatterns as site_urlpatterns
from eprok.core.api import ERRORS, WRITE_ERRORS, build_api, require_scope
from eprok.core.errors import Conflict
from eprok.core.pagination import Page, PageParams, paginate
from eprok.org.models import Unit

probe = build_api(urls_namespace="probe")
router = Router()


class EchoIn(Schema):
    name: str = Field(..., min_length=1, max_length=20)
    count: int = Field(1, ge=1)


class UnitOut(Schema):
    code: str


@router.post("/echo", response={200: EchoIn, **WRITE_ERRORS})
def echo(request: HttpRequest, payload: EchoIn) -> EchoIn:
    return payload


@router.get("/boom", response={200: EchoIn, **ERRORS})
def boom(request: HttpRequest) -> Any:
    raise RuntimeError("an unexpected failure")


@router.post("/conflict", response={200: EchoIn, **WRITE_ERRORS})
def conflict(request: HttpRequest) -> Any:
    raise Conflict()


@router.get("/scoped", response={200: EchoIn, **ERRORS})
def scoped(request: HttpRequest) -> Any:
    require_scope(request, "write")
    return {"name": "ok"}


@router.get("/units", response={200: Page[UnitOut], **ERRORS})
def units(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(Unit.objects.order_by("code"), limit=page.limit, offset=page.offset)


probe.add_router("/", router)

urlpatterns = [path("probe/v1/", probe.urls), *site_urlpatterns]
