"""The public open-data pages, mounted at /open-data/ (namespace "opendata"): no sign-in."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_open

app_name = "opendata"
urlpatterns: list[URLPattern] = [
    path("", views_open.index, name="index"),
    path("schema.json", views_open.schema, name="schema"),
    path("<int:year>/<slug:measure>/", views_open.table_page, name="table"),
    path("<int:year>/<slug:measure>.csv", views_open.table_csv, name="csv"),
    path("<int:year>/<slug:measure>.json", views_open.table_json, name="json"),
]
