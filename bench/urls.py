"""Wotum's URLs plus the two baseline views under ``/bench/``."""
from django.urls import include, path

urlpatterns = [
    path("bench/", include("bench.baseline.urls")),
    path("", include("wotum.urls")),
]
