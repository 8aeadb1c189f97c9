"""The quiz pages, appended by eprok.learning.urls into the "learning" namespace."""

from django.urls import path

from eprok.learning import views_quizzes as views

urlpatterns = [
    path("quiz-banks/", views.bank_list, name="quiz_banks"),
    path("quiz-banks/<int:pk>/", views.bank_detail, name="quiz_bank"),
    path("quiz-banks/<int:pk>/questions/new/", views.question_new, name="quiz_question_new"),
    path("quiz-questions/<int:pk>/edit/", views.question_edit, name="quiz_question_edit"),
    path("quiz-questions/<int:pk>/deactivate/", views.question_deactivate, name="quiz_question_deactivate"),
    path("lessons/<uuid:public_id>/quiz/", views.quiz_intro, name="quiz"),
    path("lessons/<uuid:public_id>/quiz/settings/", views.quiz_settings, name="quiz_settings"),
    path("lessons/<uuid:public_id>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("quiz-attempts/<uuid:public_id>/", views.attempt_page, name="quiz_attempt"),
    path("quiz-attempts/<uuid:public_id>/result/", views.attempt_result, name="quiz_result"),
]
