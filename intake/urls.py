from django.urls import path

from .views import clerk, editions, proposals, public, results

app_name = "intake"

_edition = "org/<slug:organisation>/editions/<int:pk>/"
urlpatterns = [
    # Residents (and staff, for what they may see).
    path("", proposals.MyProposalsView.as_view(), name="my_proposals"),
    path("editions/<int:edition>/new/", proposals.ProposalCreateView.as_view(),
         name="proposal_create"),
    path("proposals/<int:pk>/", proposals.ProposalDetailView.as_view(), name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposals.ProposalUpdateView.as_view(),
         name="proposal_update"),
    path("proposals/<int:pk>/submit/", proposals.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/print/", proposals.ProposalPrintView.as_view(),
         name="proposal_print"),
    path("attachments/<int:pk>/", proposals.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", proposals.attachment_remove, name="attachment_remove"),
    # The public, once the vote has opened.
    path("editions/<int:edition>/", public.EditionPublicView.as_view(), name="edition_public"),
    path("editions/<int:edition>/projects/", public.ProjectListView.as_view(), name="projects"),
    path("editions/<int:edition>/projects/<int:number>/", public.ProjectDetailView.as_view(),
         name="project_detail"),
    path("editions/<int:edition>/projects/<int:number>/pictures/<int:pk>/",
         public.project_picture, name="project_picture"),
    path("editions/<int:edition>/results/", results.PublicResultsView.as_view(),
         name="results_public"),
    # Staff of one organisation.
    path("org/<slug:organisation>/editions/", editions.EditionListView.as_view(),
         name="edition_list"),
    path("org/<slug:organisation>/editions/new/", editions.EditionFormView.as_view(),
         name="edition_create"),
    path(_edition, editions.EditionDetailView.as_view(), name="edition_detail"),
    path(f"{_edition}edit/", editions.EditionFormView.as_view(), name="edition_update"),
    path(f"{_edition}move/", editions.EditionMoveView.as_view(), name="edition_move"),
    path(f"{_edition}paper/", clerk.PaperProposalCreateView.as_view(),
         name="paper_proposal_create"),
    path(f"{_edition}import/", clerk.ProposalImportView.as_view(), name="proposal_import"),
    path(f"{_edition}import/<uuid:key>/", clerk.ProposalImportJobView.as_view(),
         name="proposal_import_job"),
    path(f"{_edition}results/", results.EditionResultsView.as_view(), name="edition_results"),
    path(f"{_edition}results/compute/", results.EditionResultsComputeView.as_view(),
         name="edition_results_compute"),
    path(f"{_edition}results/publish/", results.EditionResultsPublishView.as_view(),
         name="edition_results_publish"),
    path(f"{_edition}import/template.xlsx", clerk.ImportTemplateView.as_view(),
         name="import_template"),
]
