"""(filled in by its module): the public open-data pages, mounted at /open-data/ (namespace "opendata")."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "opendata"
urlpatterns: list[URLPattern] = []
