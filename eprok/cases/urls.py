from django.urls import path

from eprok.cases import views

app_name = "cases"

# Actions on a case: (route under /cases/<number>/, name); the view looks the action up in views.ACTIONS.
_CASE_ACTIONS = [
    ("qualify/", "qualify"),
    ("requalify/", "requalify"),
    ("parties/add/", "party_add"),
    ("parties/<int:pk>/status/", "party_status"),
    ("parties/<int:pk>/remove/", "party_remove"),
    ("acts/add/", "act_add"),
    ("measures/apply/", "measure_apply"),
    ("measures/<int:pk>/extend/", "measure_extend"),
    ("measures/<int:pk>/end/", "measure_end"),
    ("extend/", "extend"),
    ("suspend/", "suspend"),
    ("resume/", "resume"),
    ("join/", "join"),
    ("separate/", "separate"),
    ("transfer/", "transfer"),
    ("team/add/", "team_add"),
    ("team/<int:pk>/remove/", "team_remove"),
    ("instructions/give/", "instruction_give"),
    ("instructions/<int:pk>/acknowledge/", "instruction_acknowledge"),
    ("instructions/<int:pk>/report/", "instruction_report"),
    ("indictment/submit/", "indictment_submit"),
    ("indictment/approve/", "indictment_approve"),
    ("indictment/return/", "indictment_return"),
    ("terminate/", "terminate"),
    ("refer/", "refer"),
    ("reopen/", "reopen"),
]

urlpatterns = [
    path("", views.case_list, name="list"),
    path("export/csv/", views.case_export, {"fmt": "csv"}, name="export_csv"),
    path("export/xlsx/", views.case_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("open/", views.case_open, name="open"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/tabs/<slug:tab>/", views.case_tab, name="tab"),
    path("<str:number>/term/", views.case_next_term, name="next_term"),
    *(
        path(f"<str:number>/{route}", views.case_action, {"action": name}, name=name)
        for route, name in _CASE_ACTIONS
    ),
]
