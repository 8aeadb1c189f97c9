from django.urls import path

from eprok.persons import views

app_name = "persons"

urlpatterns = [
    path("", views.search, name="search"),
    path("pick/", views.pick, name="pick"),
    path("new/", views.create, name="create"),
    path("export/csv/", views.export_csv, name="export_csv"),
    path("export/xlsx/", views.export_xlsx, name="export_xlsx"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<uuid:public_id>/merge/", views.merge, name="merge"),
    path("<uuid:public_id>/documents/add/", views.document_add, name="document_add"),
    path("<uuid:public_id>/documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("<uuid:public_id>/addresses/add/", views.address_add, name="address_add"),
    path("<uuid:public_id>/addresses/<int:pk>/remove/", views.address_remove, name="address_remove"),
    path("<uuid:public_id>/phones/add/", views.phone_add, name="phone_add"),
    path("<uuid:public_id>/phones/<int:pk>/remove/", views.phone_remove, name="phone_remove"),
]
