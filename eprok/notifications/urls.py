from django.urls import path

from eprok.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("unread-count", views.unread_count, name="unread_count"),
    path("read-all", views.mark_all_read, name="mark_all_read"),
    path("<uuid:public_id>/read", views.mark_read, name="mark_read"),
]
