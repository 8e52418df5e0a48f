from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("<slug:organisation>/", views.OrganisationDashboardView.as_view(), name="dashboard"),
]
