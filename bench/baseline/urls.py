from django.urls import path

from . import views

app_name = "bench_baseline"
urlpatterns = [
    path("trivial/", views.trivial, name="trivial"),
    path("ballot/<int:quota_id>/", views.minimal_ballot, name="minimal_ballot"),
]
