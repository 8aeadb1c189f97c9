"""Bench-only URLs; config/urls.py includes them only when settings.BENCH_BASELINE is true."""

from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [
    path("baseline/<slug:name>", views.baseline, name="baseline"),
    path("one-row/<slug:name>", views.one_row, name="one_row"),
]
