from django.urls import path

from eprok.drafting import views

app_name = "drafting"

urlpatterns = [
    path("generate/<str:owner_type>/<str:key>/", views.generate, name="generate"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<slug:code>/", views.template_detail, name="template"),
    path("templates/<slug:code>/edit/", views.template_edit, name="edit"),
    path("templates/<slug:code>/compare/", views.version_compare, name="compare"),
    path("templates/<slug:code>/versions/<int:number>/", views.version_detail, name="version"),
    path("templates/<slug:code>/versions/<int:number>/publish/", views.version_publish, name="publish"),
    path("templates/<slug:code>/versions/<int:number>/retire/", views.version_retire, name="retire"),
]
