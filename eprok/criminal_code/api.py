"""API operations of this app (mounted in eprok.core.api at /api/v1/criminal-code): the article catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from eprok.core.api import ERRORS, require_scope
from eprok.core.pagination import Page, PageParams, paginate
from eprok.criminal_code import access, selectors
from eprok.criminal_code.models import Article, GravityCategory

router = Router(tags=["criminal-code"])


class ArticleOut(Schema):
    number: str
    title: str = Field(
        ..., description="The title in the language of the request (Russian falls back to English)."
    )
    title_az: str
    title_en: str
    title_ru: str
    chapter: int
    section: str
    category: int | None = Field(
        None, description="Gravity per CC art. 15: 1 (least) to 4 (especially grave)."
    )
    category_label: str | None
    max_prison_years: Decimal | None = Field(
        None, description="Maximum fixed-term imprisonment in the basic part."
    )
    life_imprisonment: bool
    max_prison_years_any_part: Decimal | None
    life_imprisonment_any_part: bool
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_category_label(obj: Article) -> str | None:
        return str(GravityCategory(obj.category).label) if obj.category else None


class ArticleFilter(Schema):
    q: str = Field("", max_length=100, description="The start of an article number, or words of a title.")
    chapter: int | None = Field(None, ge=1, le=99, description="Only articles of this chapter.")
    category: int | None = Field(None, ge=1, le=4, description="Only articles of this gravity category.")
    on: dt.date | None = Field(None, description="The versions in force on this date (default: today).")


class OnDate(Schema):
    on: dt.date | None = Field(None, description="The version in force on this date (default: today).")


@router.get("/articles", response={200: Page[ArticleOut], **ERRORS}, summary="List articles")
def article_list(request: HttpRequest, page: Query[PageParams], filters: Query[ArticleFilter]) -> Any:
    require_scope(request, "read")
    qs = selectors.article_list(
        user=request.user, q=filters.q, chapter=filters.chapter, category=filters.category, on=filters.on
    )
    return paginate(qs, limit=page.limit, offset=page.offset)


@router.get("/articles/{number}", response={200: ArticleOut, **ERRORS}, summary="Get an article")
def article_get(request: HttpRequest, number: str, when: Query[OnDate]) -> Any:
    require_scope(request, "read")
    return access.get_article_for(request.user, number, on=when.on)
