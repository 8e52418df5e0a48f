from django.urls import path

from evaluation import views as lists

from . import views

app_name = "workflows"
urlpatterns = [
    path("queue/", views.TaskQueueView.as_view(), name="queue"),
    path("inbox/", views.TaskInboxView.as_view(), name="inbox"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task"),
    path("tasks/<int:pk>/claim/", views.TaskClaimView.as_view(), name="task_claim"),
    path("tasks/<int:pk>/release/", views.TaskReleaseView.as_view(), name="task_release"),
    # PB-12: the lists of all, accepted and rejected proposals, each with its xlsx export.
    path("<slug:organisation>/proposals/<kind>/", lists.ProposalListView.as_view(),
         name="proposals"),
    path("<slug:organisation>/proposals/<kind>/export.xlsx",
         lists.ProposalExportView.as_view(), name="proposals_export"),
]
