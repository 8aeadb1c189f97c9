from django.urls import path

from eprok.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("statistics/", views.statistics, name="statistics"),
    path("bodies/", views.body_list, name="bodies"),
    path("<uuid:public_id>/", views.case_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:public_id>/supervisor/", views.case_assign, name="assign"),
    path("<uuid:public_id>/suspend/", views.case_suspend, name="suspend"),
    path("<uuid:public_id>/resume/", views.case_resume, name="resume"),
    path("<uuid:public_id>/terminate/", views.case_terminate, name="terminate"),
    path("<uuid:public_id>/extend/", views.case_extend, name="extend"),
    path("<uuid:public_id>/indictment/", views.indictment_receive, name="indictment"),
    path("<uuid:public_id>/indictment/approve/", views.indictment_approve, name="approve"),
    path("<uuid:public_id>/indictment/return/", views.indictment_return, name="return"),
    path("<uuid:public_id>/acts/", views.act_issue, name="act"),
    path("<uuid:public_id>/acts/<int:act_id>/answer/", views.act_answer, name="answer"),
    path("<uuid:public_id>/violations/", views.violation_record, name="violation"),
    path("<uuid:public_id>/violations/<int:violation_id>/remedy/", views.violation_remedy, name="remedy"),
]
