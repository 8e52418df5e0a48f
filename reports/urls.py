from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("box/<int:box_id>/<slug:kind>.xlsx", views.box_export, name="box_export"),
    path("exports/<uuid:key>/", views.export_job, name="export_job"),
    path("exports/<uuid:key>/download/", views.export_download, name="export_download"),
]
