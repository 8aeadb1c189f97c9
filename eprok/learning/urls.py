from django.urls import path

from eprok.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("my/", views.my_learning, name="my"),
    path("unit/", views.unit_page, name="unit"),
    path("courses/", views.course_admin, name="manage"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<uuid:public_id>/", views.course_detail, name="course"),
    path("courses/<uuid:public_id>/edit/", views.course_edit, name="course_edit"),
    path("courses/<uuid:public_id>/publish/", views.course_publish, name="course_publish"),
    path("courses/<uuid:public_id>/archive/", views.course_archive, name="course_archive"),
    path("courses/<uuid:public_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<uuid:public_id>/modules/new/", views.module_new, name="module_new"),
    path("courses/<uuid:public_id>/assign/", views.assign, name="assign"),
    path("modules/<int:pk>/edit/", views.module_edit, name="module_edit"),
    path("modules/<int:pk>/move/", views.module_move, name="module_move"),
    path("modules/<int:pk>/lessons/new/", views.lesson_new, name="lesson_new"),
    path("lessons/<uuid:public_id>/", views.lesson_detail, name="lesson"),
    path("lessons/<uuid:public_id>/edit/", views.lesson_edit, name="lesson_edit"),
    path("lessons/<uuid:public_id>/move/", views.lesson_move, name="lesson_move"),
    path("lessons/<uuid:public_id>/delete/", views.lesson_delete, name="lesson_delete"),
    path("lessons/<uuid:public_id>/done/", views.lesson_done, name="lesson_done"),
    path("enrollments/<uuid:public_id>/", views.enrollment_detail, name="enrollment"),
    path("enrollments/<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/deactivate/", views.rule_deactivate, name="rule_deactivate"),
]

from eprok.learning import urls_certificates, urls_quizzes  # noqa: E402  (built by the quiz and certificate engineers)

urlpatterns += urls_quizzes.urlpatterns + urls_certificates.urlpatterns
