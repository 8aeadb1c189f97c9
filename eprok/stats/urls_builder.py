"""The report builder, its saved queries and the background exports (under /stats/, namespace "stats")."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_builder as views

urlpatterns: list[URLPattern] = [
    path("builder/", views.builder_page, name="builder"),
    path("builder/save/", views.builder_save, name="builder_save"),
    path("builder/export/", views.builder_export, name="builder_export"),
    path("builder/saved/", views.saved_queries, name="saved_queries"),
    path("builder/saved/<uuid:public_id>/", views.saved_query, name="saved_query"),
    path("builder/saved/<uuid:public_id>/edit/", views.saved_query_edit, name="saved_query_edit"),
    path("builder/saved/<uuid:public_id>/delete/", views.saved_query_delete, name="saved_query_delete"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<uuid:public_id>/", views.export_detail, name="export"),
    path("exports/<uuid:public_id>/download/", views.export_download, name="export_download"),
]
