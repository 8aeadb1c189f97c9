from django.urls import path

from eprok.courtwork import views

app_name = "courtwork"

# Actions on a proceeding: (route under /courtwork/<public_id>/, name); the view looks it up in views.ACTIONS.
_ACTIONS = [
    ("edit/", "edit"),
    ("hearings/add/", "hearing_add"),
    ("hearings/<int:pk>/postpone/", "hearing_postpone"),
    ("hearings/<int:pk>/hold/", "hearing_hold"),
    ("hearings/<int:pk>/cancel/", "hearing_cancel"),
    ("positions/add/", "position_add"),
    ("positions/<int:pk>/outcome/", "position_outcome"),
    ("decisions/add/", "decision_add"),
    ("decisions/<int:pk>/appeal/", "appeal_file"),
    ("appeals/<int:pk>/outcome/", "appeal_outcome"),
    ("force/", "force"),
]

urlpatterns = [
    path("", views.proceeding_list, name="list"),
    path("overview/", views.overview, name="overview"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/feed/", views.calendar_feed_create, name="feed_create"),
    path("calendar/feed/revoke/", views.calendar_feed_revoke, name="feed_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("open/case/<str:number>/", views.open_for_case, name="open_case"),
    path("open/supervised/<uuid:public_id>/", views.open_for_supervised, name="open_supervised"),
    path("<uuid:public_id>/", views.proceeding_detail, name="detail"),
    *(
        path(f"<uuid:public_id>/{route}", views.proceeding_action, {"action": name}, name=name)
        for route, name in _ACTIONS
    ),
]
