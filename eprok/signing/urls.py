from django.urls import path

from eprok.signing import views

app_name = "signing"

urlpatterns = [
    path("my/", views.my_signature, name="my"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<uuid:public_id>/revoke/", views.certificate_revoke, name="revoke"),
    path("documents/<uuid:public_id>/sign/", views.document_sign, name="sign"),
    path("documents/<uuid:public_id>/asan/", views.asan_start, name="asan_start"),
    path("asan/<uuid:public_id>/", views.asan_status, name="asan_status"),
    path("verify/", views.verify, name="verify"),
]
