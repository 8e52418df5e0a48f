from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("<slug:organisation>/audit/", views.OrganisationAuditView.as_view(), name="list"),
]
