"""Routes: the gateway's administration (services and circuits, the allow-list, the message log)."""

from django.urls import URLPattern, path

from . import views_admin

urlpatterns: list[URLPattern] = [
    path("", views_admin.service_list, name="admin_services"),
    path("services/<int:pk>/", views_admin.service_edit, name="admin_service_edit"),
    path("services/<int:pk>/reset/", views_admin.circuit_reset, name="admin_circuit_reset"),
    path("allow-list/", views_admin.permission_list, name="admin_permissions"),
    path("allow-list/<int:pk>/active/", views_admin.permission_toggle, name="admin_permission_toggle"),
    path("messages/", views_admin.message_list, name="admin_messages"),
    path("messages/<int:pk>/", views_admin.message_detail, name="admin_message"),
    path("verify/", views_admin.log_verify, name="admin_verify"),
]
