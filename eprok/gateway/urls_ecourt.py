"""Routes of the e-Court deliveries (/gateway/ecourt/): the register, one delivery and "retry now", and the
panel of an owner with its form; the owner type is named as the documents panel names it (cases.case,
supervision.supervisedcase, courtwork.proceeding).
"""

from django.urls import path

from eprok.gateway import views_ecourt as views

app_name = "ecourt"

urlpatterns = [
    path("", views.ecourt_list, name="list"),
    path("<uuid:public_id>/", views.ecourt_detail, name="detail"),
    path("<uuid:public_id>/retry/", views.ecourt_retry, name="retry"),
    path("panel/<str:owner_type>/<str:key>/", views.ecourt_panel, name="panel"),
    path("send/<str:owner_type>/<str:key>/", views.ecourt_send, name="send"),
]
