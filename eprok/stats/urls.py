"""Statistics pages under /stats/ (namespace "stats"); each part keeps its routes in its own module."""

from __future__ import annotations

from . import urls_builder, urls_dashboard, urls_links, urls_reports

app_name = "stats"

urlpatterns = [
    *urls_reports.urlpatterns,
    *urls_dashboard.urlpatterns,
    *urls_builder.urlpatterns,
    *urls_links.urlpatterns,
]
