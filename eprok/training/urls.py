from django.urls import path

from eprok.training import views

app_name = "training"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("my/", views.my_training, name="my"),
    path("new/", views.event_new, name="new"),
    path("invitations/<int:pk>/answer/", views.respond, name="respond"),
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
]
