"""The certificate pages, appended to the "learning" namespace by eprok.learning.urls."""

from django.urls import path

from eprok.learning import views_certificates as views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<str:number>/", views.certificate_detail, name="certificate"),
    path("certificates/<str:number>/download/", views.certificate_download, name="certificate_download"),
]
