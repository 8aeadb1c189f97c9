from django.urls import path

from eprok.materials import views

app_name = "materials"

urlpatterns = [
    path("", views.material_list, name="list"),
    path("new/", views.material_register, name="register"),
    path("dashboard/", views.material_dashboard, name="dashboard"),
    path("export.csv", views.material_export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.material_export, {"fmt": "xlsx"}, name="export_xlsx"),
    # Register numbers contain no "/" (eprok.core.numbering refuses such patterns).
    path("<str:number>/", views.material_detail, name="detail"),
    path("<str:number>/receipt/", views.material_receipt, name="receipt"),
    path("<str:number>/assign/", views.material_assign, name="assign"),
    path("<str:number>/start/", views.material_start_check, name="start_check"),
    path("<str:number>/actions/new/", views.material_add_action, name="add_action"),
    path("<str:number>/parties/new/", views.material_add_party, name="add_party"),
    path("<str:number>/parties/<int:pk>/remove/", views.material_remove_party, name="remove_party"),
    path("<str:number>/extend/", views.material_extend, name="extend"),
    path("<str:number>/refuse/", views.material_refuse, name="refuse"),
    path("<str:number>/quash/", views.material_quash, name="quash"),
    path("<str:number>/transfer/", views.material_transfer, name="transfer"),
    path("<str:number>/join/", views.material_join, name="join"),
]
