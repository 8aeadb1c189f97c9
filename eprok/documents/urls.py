from django.urls import path

from eprok.documents import views
from eprok.documents.correspondence import views as letters

app_name = "documents"

urlpatterns = [
    path("<uuid:public_id>/", views.document_detail, name="detail"),
    path("<uuid:public_id>/versions/<int:number>/download/", views.document_download, name="download"),
    path("<uuid:public_id>/versions/new/", views.document_new_version, name="new_version"),
    path("<uuid:public_id>/withdraw/", views.document_withdraw, name="withdraw"),
    path("<uuid:public_id>/ocr/", views.document_ocr, name="ocr"),
    path("of/<str:owner_type>/<str:key>/", views.owner_panel, name="panel"),
    path("of/<str:owner_type>/<str:key>/upload/", views.owner_upload, name="upload"),
    path("correspondence/", letters.letter_list, name="correspondence_list"),
    path("correspondence/new/", letters.letter_register, name="correspondence_register"),
    path("correspondence/<str:number>/", letters.letter_detail, name="correspondence_detail"),
    path("correspondence/<str:number>/resolutions/", letters.resolution_add, name="resolution_add"),
    path(
        "correspondence/<str:number>/resolutions/<int:pk>/complete/",
        letters.resolution_complete,
        name="resolution_complete",
    ),
    path("correspondence/<str:number>/send/", letters.letter_send, name="correspondence_send"),
]
