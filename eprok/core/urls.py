from django.urls import path

from eprok.core import views

app_name = "core"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("healthz", views.healthz, name="healthz"),
    path("help/<slug:slug>/", views.help_page, name="help"),
]
