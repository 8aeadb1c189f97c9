from django.urls import path

from eprok.criminal_code import views

app_name = "criminal_code"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("<str:number>/", views.article_detail, name="article_detail"),
]
