from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from eprok.org import views

app_name = "org"

urlpatterns = [
    # /org/ has no page of its own: it opens the unit tree (after sign-in, like every page).
    path("", login_required(RedirectView.as_view(pattern_name="org:unit_list")), name="index"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<slug:code>/", views.unit_detail, name="unit_detail"),
    path("units/<slug:code>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<slug:code>/deactivate/", views.unit_deactivate, name="unit_deactivate"),
    path("employees/", views.employee_list, name="employee_list"),
    path("employees/new/", views.employee_create, name="employee_create"),
    path("employees/<uuid:public_id>/", views.employee_detail, name="employee_detail"),
    path("employees/<uuid:public_id>/edit/", views.employee_edit, name="employee_edit"),
    path("employees/<uuid:public_id>/clearance/", views.employee_clearance, name="employee_clearance"),
    path("employees/<uuid:public_id>/deactivate/", views.employee_deactivate, name="employee_deactivate"),
    path("employees/<uuid:public_id>/roles/add/", views.role_add, name="role_add"),
    path("employees/<uuid:public_id>/roles/<int:pk>/end/", views.role_end, name="role_end"),
    path("roles/", views.role_list, name="role_list"),
    path("why/", views.why, name="why"),
]
