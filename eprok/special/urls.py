from django.urls import path

from eprok.special import views

app_name = "special"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("console/", views.console, name="console"),
    path("console/board/", views.console_board, name="console_board"),
    path("digest.pdf", views.digest_pdf, name="digest"),
    path("analytics/", views.analytics, name="analytics"),
    path("types/", views.type_list, name="type_list"),
    path("types/new/", views.type_edit, name="type_new"),
    path("types/<slug:code>/", views.type_edit, name="type_edit"),
    path("<uuid:public_id>/", views.report_detail, name="detail"),
    path("<uuid:public_id>/acknowledge/", views.report_acknowledge, name="acknowledge"),
    path("<uuid:public_id>/follow-up/", views.report_follow_up, name="follow_up"),
    path("<uuid:public_id>/persons/", views.report_person, name="person"),
    path("<uuid:public_id>/close/", views.report_close, name="close"),
]
