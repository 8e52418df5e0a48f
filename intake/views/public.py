"""What the public sees of an edition: its projects, from the opening of the vote (PB-14)."""
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from ..models import Edition
from ..selectors import edition_projects


class ProjectListView(TemplateView):
    template_name = "intake/project_list.html"

    def get_context_data(self, **kwargs):
        edition = get_object_or_404(Edition.objects.select_related("organisation"),
                                    pk=self.kwargs["edition"])
        if edition.ballot_box_id is None:
            raise Http404  # before the vote opens there are proposals, not projects
        kwargs.update(edition=edition, pools=edition_projects(edition))
        return super().get_context_data(**kwargs)
