from django.urls import path

from . import views, views_councillors

app_name = "council"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("nowa/<int:council_pk>/", views.session_new, name="session_new"),
    path("moje/", views.councillor_area, name="mine"),
    path("dokumenty/<slug:kind>/<int:pk>/", views.document_download, name="document"),
    path("radni/<int:council_pk>/", views_councillors.councillor_list, name="councillors"),
    path("radni/<int:council_pk>/<int:user_pk>/<slug:step>/", views_councillors.councillor_step,
         name="councillor_step"),
    path("zaproszenie/<str:token>/", views_councillors.councillor_activate, name="activate"),
    path("sesje/<int:pk>/", views.session_detail, name="session"),
    path("sesje/<int:pk>/state.json", views.session_state, name="state"),
    path("sesje/<int:pk>/projektor/", views.projector, name="projector"),
    path("sesje/<int:pk>/krok/<slug:step>/", views.session_step, name="step"),
    path("<slug:slug>/", views.public_council, name="public"),
    path("<slug:slug>/feed.json", views.public_feed, name="feed"),
    path("<slug:slug>/sesje/<int:pk>/", views.public_session, name="public_session"),
    path("<slug:slug>/sesje/<int:pk>/dokumenty/<int:document_pk>/", views.public_document,
         name="public_document"),
    path("<slug:slug>/sesje/<int:pk>/glosowania.<slug:fmt>", views.public_export,
         name="export"),
]
