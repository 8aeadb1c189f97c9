from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from eprok.contact import views

app_name = "contact"

urlpatterns = [
    path("", login_required(RedirectView.as_view(pattern_name="contact:workspace")), name="home"),
    path("centre/", views.workspace, name="workspace"),
    path("centre/incoming/", views.incoming, name="incoming"),
    path("centre/supervisor/", views.supervisor, name="supervisor"),
    # Calls
    path("centre/calls/", views.call_list, name="call_list"),
    path("centre/calls/new/", views.call_open, name="call_open"),
    path("centre/calls/export.csv", views.call_export, {"fmt": "csv"}, name="call_export_csv"),
    path("centre/calls/export.xlsx", views.call_export, {"fmt": "xlsx"}, name="call_export_xlsx"),
    path("centre/calls/<uuid:public_id>/", views.call_detail, name="call_detail"),
    path("centre/calls/<uuid:public_id>/take/", views.call_take, name="call_take"),
    path("centre/calls/<uuid:public_id>/register/", views.call_register, name="call_register"),
    path("centre/calls/<uuid:public_id>/appeal/", views.call_appeal, name="call_appeal"),
    path("centre/calls/<uuid:public_id>/crime-report/", views.call_crime_report, name="call_crime_report"),
    path(
        "centre/calls/<uuid:public_id>/hotline-report/", views.call_hotline_report, name="call_hotline_report"
    ),
    path("centre/calls/<uuid:public_id>/callback/", views.call_callback, name="call_callback"),
    path("centre/calls/<uuid:public_id>/copy-request/", views.call_copy_request, name="call_copy_request"),
    path("centre/calls/<uuid:public_id>/recording/", views.call_recording, name="call_recording"),
    # Callbacks and copies of recordings
    path("centre/callbacks/", views.callback_list, name="callback_list"),
    path("centre/callbacks/<int:pk>/complete/", views.callback_complete, name="callback_complete"),
    path("centre/callbacks/<int:pk>/reassign/", views.callback_reassign, name="callback_reassign"),
    path("centre/recordings/", views.recording_requests, name="recording_requests"),
    path("centre/recordings/<int:pk>/", views.recording_request, name="recording_request"),
    path("centre/recordings/<int:pk>/prepare/", views.recording_prepare, name="recording_prepare"),
    path("centre/recordings/<int:pk>/hand-over/", views.recording_hand_over, name="recording_hand_over"),
    path("centre/recordings/<int:pk>/refuse/", views.recording_refuse, name="recording_refuse"),
    # The 161 hotline (register numbers contain no "/": eprok.core.numbering refuses such patterns)
    path("hotline/", views.hotline_list, name="hotline_list"),
    path("hotline/new/", views.hotline_register, name="hotline_register"),
    path("hotline/analytics/", views.hotline_analytics, name="hotline_analytics"),
    path("hotline/export.csv", views.hotline_export, {"fmt": "csv"}, name="hotline_export_csv"),
    path("hotline/export.xlsx", views.hotline_export, {"fmt": "xlsx"}, name="hotline_export_xlsx"),
    path("hotline/<str:number>/", views.hotline_detail, name="hotline_detail"),
    path("hotline/<str:number>/assign/", views.hotline_assign, name="hotline_assign"),
    path(
        "hotline/<str:number>/triage/material/", views.hotline_triage_material, name="hotline_triage_material"
    ),
    path("hotline/<str:number>/triage/forward/", views.hotline_triage_forward, name="hotline_triage_forward"),
    path("hotline/<str:number>/triage/explain/", views.hotline_triage_explain, name="hotline_triage_explain"),
    path("hotline/<str:number>/reply/", views.hotline_reply, name="hotline_reply"),
    path("hotline/<str:number>/identity/", views.hotline_identity, name="hotline_identity"),
]
