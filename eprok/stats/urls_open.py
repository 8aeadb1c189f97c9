"""The public open-data pages, mounted at /open-data/ (namespace "opendata"): no sign-in."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_open

app_name = "opendata"
urlpatterns: list[URLPattern] = [
    path("", views_open.index, name="open_data_index"),
    path("schema.json", views_open.schema, name="open_data_schema"),
    path("<int:year>/<slug:measure>/", views_open.table_page, name="open_data_table"),
    path("<int:year>/<slug:measure>.csv", views_open.table_csv, name="open_data_csv"),
    path("<int:year>/<slug:measure>.json", views_open.table_json, name="open_data_json"),
]
