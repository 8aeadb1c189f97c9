"""The report pages: the statistics home, any registered report with its exports and issuing, the issued
reports (the issued paths come first: "issued" would otherwise be taken for a report's code)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_reports as views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("reports/issued/", views.issued_list_view, name="issued_list"),
    path("reports/issued/<uuid:public_id>/", views.issued_detail, name="issued"),
    path("reports/issued/<uuid:public_id>/export/", views.issued_export, name="issued_export"),
    path("reports/<slug:code>/", views.report_page, name="report"),
    path("reports/<slug:code>/export/", views.report_export, name="report_export"),
    path("reports/<slug:code>/issue/", views.report_issue_view, name="report_issue"),
]
