"""The dashboard, the drill-down and the crime map (namespace "stats")."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_dashboard as views

urlpatterns: list[URLPattern] = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("drill/", views.drill_view, name="drill"),
    path("map/", views.map_view, name="map"),
]
