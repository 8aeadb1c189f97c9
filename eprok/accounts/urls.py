from django.urls import path

from eprok.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_totp, name="login_totp"),
    path("two-factor/enrol/", views.totp_enroll, name="totp_enroll"),
    path("logout/", views.logout_view, name="logout"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("security/", views.security, name="security"),
    path("security/tokens/", views.token_create, name="token_create"),
    path("security/tokens/<str:prefix>/revoke/", views.token_revoke, name="token_revoke"),
]
