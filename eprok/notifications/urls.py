from django.urls import path

from eprok.notifications import views
from eprok.notifications.outbound import views as outbound_views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("unread-count", views.unread_count, name="unread_count"),
    path("read-all", views.mark_all_read, name="mark_all_read"),
    path("<uuid:public_id>/read", views.mark_read, name="mark_read"),
    path("outbound/", outbound_views.outbound_list, name="outbound_list"),
    path("outbound/templates/", outbound_views.outbound_templates, name="outbound_templates"),
    path("outbound/<uuid:public_id>/", outbound_views.outbound_detail, name="outbound_detail"),
    path("outbound/<uuid:public_id>/recipient", outbound_views.outbound_recipient, name="outbound_recipient"),
]
