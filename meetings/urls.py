from django.urls import path

from . import live, setup, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/<slug:organisation>/", setup.meeting_new, name="new"),
    path("register/<str:token>/", views.register, name="register"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/state.json", live.meeting_state, name="state"),
    path("<int:pk>/setup/", setup.meeting_setup, name="setup"),
    path("<int:pk>/step/<slug:step>/", views.meeting_step, name="step"),
    path("<int:pk>/resolutions/<int:resolution_pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/resolutions/<int:resolution_pk>/<slug:step>/", views.resolution_step,
         name="resolution_step"),
    path("<int:pk>/votes/<int:vote_pk>/", views.confirmation, name="confirmation"),
    path("<int:pk>/results.xlsx", views.results_download, name="results_xlsx"),
    path("<int:pk>/record.xlsx", views.record_download, name="record_xlsx"),
]
