from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    # A ballot box's exports keep their address: links in e-mails and bookmarks still work.
    path("box/<int:pk>/<slug:kind>.xlsx", views.object_export, {"scope": "box"},
         name="box_export"),
    path("<slug:scope>/<int:pk>/<slug:kind>.xlsx", views.object_export, name="export"),
    path("exports/<uuid:key>/", views.export_job, name="export_job"),
    path("exports/<uuid:key>/download/", views.export_download, name="export_download"),
]
