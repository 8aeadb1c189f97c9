from django.urls import path

from eprok.training import views, views_analysis, views_meetings, views_plans, views_record

app_name = "training"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("my/", views.my_training, name="my"),
    path("new/", views.event_new, name="new"),
    path("invitations/<int:pk>/answer/", views.respond, name="respond"),
    path("export.<str:fmt>", views_analysis.event_export, name="export"),
    path("analysis/", views_analysis.units, name="analysis"),
    path("analysis/employees/", views_analysis.employees, name="analysis_employees"),
    path("analysis/employees.<str:fmt>", views_analysis.employees_export, name="analysis_employees_export"),
    path("analysis/units.<str:fmt>", views_analysis.units_export, name="analysis_units_export"),
    path("analysis/coverage/", views_analysis.coverage, name="analysis_coverage"),
    path("analysis/coverage.<str:fmt>", views_analysis.coverage_export, name="analysis_coverage_export"),
    path("analysis/trainers/", views_analysis.trainers, name="analysis_trainers"),
    path("analysis/trainers.<str:fmt>", views_analysis.trainers_export, name="analysis_trainers_export"),
    path("analysis/scores/", views_analysis.scores, name="analysis_scores"),
    path("analysis/scores-<str:table>.<str:fmt>", views_analysis.scores_export, name="analysis_scores_exp"),
    path("<uuid:public_id>/", views.event_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.event_edit, name="edit"),
    path("<uuid:public_id>/publish/", views.event_publish, name="publish"),
    path("<uuid:public_id>/held/", views.event_mark_held, name="held"),
    path("<uuid:public_id>/cancel/", views.event_cancel, name="cancel"),
    path("<uuid:public_id>/trainers/", views.trainer_add, name="trainer_add"),
    path("<uuid:public_id>/invite/", views.invite, name="invite"),
    path("<uuid:public_id>/attendance/", views.attendance_mark, name="attendance"),
    path("<uuid:public_id>/qr/", views.qr_page, name="qr"),
    path("<uuid:public_id>/qr/code/", views.qr_fragment, name="qr_code"),
    path("<uuid:public_id>/check-in/", views.check_in, name="checkin"),
    path("<uuid:public_id>/evaluate/", views.evaluate, name="evaluate"),
    path("<uuid:public_id>/protocol/", views.protocol_edit, name="protocol"),
    path("<uuid:public_id>/protocol.pdf", views.protocol_pdf, name="protocol_pdf"),
    path("plans/", views_plans.plan_list, name="plans"),
    path("plans/new/", views_plans.plan_new, name="plan_new"),
    path("plans/<uuid:public_id>/", views_plans.plan_detail, name="plan"),
    path("plans/<uuid:public_id>/note/", views_plans.plan_note, name="plan_note"),
    path("plans/<uuid:public_id>/submit/", views_plans.plan_submit, name="plan_submit"),
    path("plans/<uuid:public_id>/decide/", views_plans.plan_decide, name="plan_decide"),
    path("plans/<uuid:public_id>/items/<int:pk>/", views_plans.plan_item_edit, name="plan_item"),
    path(
        "plans/<uuid:public_id>/items/<int:pk>/remove/", views_plans.plan_item_remove, name="plan_item_remove"
    ),
    path("areas/", views_plans.area_list, name="areas"),
    path("areas/new/", views_plans.area_edit, name="area_new"),
    path("areas/<int:pk>/", views_plans.area_edit, name="area_edit"),
    path("record/", views_record.my_record, name="my_record"),
    path("record/unit/", views_record.unit_record, name="unit_record"),
    path("record/<uuid:public_id>/", views_record.employee_record, name="record"),
    path("<uuid:public_id>/meeting/", views_meetings.meeting_create, name="meeting_create"),
    path("<uuid:public_id>/meeting/retry/", views_meetings.meeting_retry, name="meeting_retry"),
    path(
        "<uuid:public_id>/meeting/attendance/", views_meetings.meeting_attendance, name="meeting_attendance"
    ),
]
