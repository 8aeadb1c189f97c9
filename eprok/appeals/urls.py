from django.urls import path

from eprok.appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/", views.appeal_register, name="register"),
    path("new/officials/", views.appeal_officials, name="officials"),
    path("new/repeats/", views.appeal_repeat_check, name="repeat_check"),
    path("dashboard/", views.appeal_dashboard, name="dashboard"),
    path("export.csv", views.appeal_export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.appeal_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("reception/", views.reception_list, name="reception"),
    path("reception/new/", views.reception_new, name="reception_new"),
    path("classifiers/topics/", views.classifier_list, {"kind": "topic"}, name="topic_list"),
    path("classifiers/topics/new/", views.classifier_edit, {"kind": "topic"}, name="topic_new"),
    path("classifiers/topics/<int:pk>/", views.classifier_edit, {"kind": "topic"}, name="topic_edit"),
    path(
        "classifiers/topics/<int:pk>/active/", views.classifier_toggle, {"kind": "topic"}, name="topic_toggle"
    ),
    path("classifiers/sectors/", views.classifier_list, {"kind": "sector"}, name="sector_list"),
    path("classifiers/sectors/new/", views.classifier_edit, {"kind": "sector"}, name="sector_new"),
    path("classifiers/sectors/<int:pk>/", views.classifier_edit, {"kind": "sector"}, name="sector_edit"),
    path(
        "classifiers/sectors/<int:pk>/active/",
        views.classifier_toggle,
        {"kind": "sector"},
        name="sector_toggle",
    ),
    # Register numbers contain no "/" (eprok.core.numbering refuses such patterns).
    path("<str:number>/", views.appeal_detail, name="detail"),
    path("<str:number>/receipt/", views.appeal_receipt, name="receipt"),
    path("<str:number>/files/<int:pk>/", views.appeal_attachment, name="attachment"),
    path("<str:number>/files/new/", views.appeal_attach, name="attach"),
    path("<str:number>/route/", views.appeal_route, name="route"),
    path("<str:number>/forward/", views.appeal_forward, name="forward"),
    path("<str:number>/extend/", views.appeal_extend, name="extend"),
    path("<str:number>/classify/", views.appeal_classify, name="classify"),
    path("<str:number>/answer/", views.appeal_answer_draft, name="answer"),
    path("<str:number>/answer/approve/", views.appeal_answer_approve, name="answer_approve"),
    path("<str:number>/answer/send/", views.appeal_answer_send, name="answer_send"),
    path("<str:number>/answer/delivered/", views.appeal_answer_deliver, name="answer_deliver"),
    path("<str:number>/close-repeat/", views.appeal_close_repeat, name="close_repeat"),
]
