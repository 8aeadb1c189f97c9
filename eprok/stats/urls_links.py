"""Related proceedings: the panel of a crime report's or a case's card (/stats/links/<label>/<key>/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_links

urlpatterns: list[URLPattern] = [
    path("links/<str:label>/<str:key>/", views_links.links_panel, name="links_panel"),
]
