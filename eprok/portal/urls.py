from django.urls import path

from eprok.portal import views

app_name = "portal"

# Every name carries the "portal_" prefix: the deny-by-default test lists public pages by name
# (without namespace), and a staff page of another app must never match one by accident.
# No address holds a code or a number: they are always posted.
urlpatterns = [
    path("", views.home, name="portal_home"),
    path("help/", views.help_page, name="portal_help"),
    path("appeals/new/", views.appeal_submit, name="portal_appeal_submit"),
    path("appeals/status/", views.appeal_status, name="portal_appeal_status"),
    path("reports/new/", views.report_submit, name="portal_report_submit"),
    path("conversation/", views.conversation_open, name="portal_conversation_open"),
    path("conversation/messages/", views.conversation, name="portal_conversation"),
    path("conversation/close/", views.conversation_close, name="portal_conversation_close"),
    # Signed documents: the code is printed on the document and in its QR code, so it is in the address.
    path("verify/", views.verify_form, name="portal_verify"),
    path("verify/ca.crl", views.verify_crl, name="portal_verify_crl"),
    path("verify/<str:code>/", views.verify_code, name="portal_verify_code"),
]
