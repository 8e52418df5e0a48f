"""What the public sees of an edition: its page, its projects from the opening of the vote."""
import re

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from .. import projects as selectors
from ..models import Edition
from ..participation import edition_participation
from ..timeline import edition_timeline

_NUMBER = re.compile(r"[0-9]{1,9}")


def _edition(pk) -> Edition:
    return get_object_or_404(Edition.objects.select_related("organisation", "ballot_box")
                             .exclude(state=Edition.State.DRAFT), pk=pk)


class EditionPublicView(TemplateView):
    """An edition for residents: its phases, what to do now, participation (PB-1)."""

    template_name = "intake/edition_public.html"

    def get_context_data(self, **kwargs):
        edition = _edition(self.kwargs["edition"])
        kwargs.update(edition=edition, timeline=edition_timeline(edition),
                      participation=edition_participation(edition))
        return super().get_context_data(**kwargs)


def _filters(request, edition) -> selectors.ProjectFilters:
    pool = request.GET.get("district", "")
    pool = int(pool) if _NUMBER.fullmatch(pool) else None
    if pool is not None and not edition.pools.filter(pk=pool).exists():
        pool = None
    return selectors.ProjectFilters(text=request.GET.get("q", "").strip()[:100], pool=pool,
                                    category=request.GET.get("category", "").strip()[:100])


class ProjectListView(TemplateView):
    """The projects on the ballot, searchable by words, district and category (PB-14)."""

    template_name = "intake/project_list.html"

    def get_context_data(self, **kwargs):
        edition = _edition(self.kwargs["edition"])
        if edition.ballot_box_id is None:
            raise Http404  # before the vote opens there are proposals, not projects
        filters = _filters(self.request, edition)
        found = selectors.projects_filtered(edition, filters)
        pools = selectors.projects_by_pool(edition, found)
        if filters.active:
            pools = [entry for entry in pools if entry["projects"]]
        kwargs.update(edition=edition, pools=pools, filters=filters,
                      found=sum(len(entry["projects"]) for entry in pools),
                      all_pools=sorted(edition.pools.all(),
                                       key=lambda p: (p.kind != "district", p.position, p.name)),
                      categories=selectors.project_categories(edition))
        return super().get_context_data(**kwargs)


class ProjectDetailView(TemplateView):
    """One project's page: what, where, how much, and its pictures (PB-14)."""

    template_name = "intake/project_detail.html"

    def get_context_data(self, **kwargs):
        project = selectors.project_public(self.kwargs["edition"], self.kwargs["number"])
        kwargs.update(project=project, edition=project.edition,
                      pictures=selectors.project_pictures(project),
                      map_url=selectors.project_map_url(project))
        return super().get_context_data(**kwargs)


def project_picture(request, edition, number, pk):
    """A picture the applicant marked public, shown inline on the project's page."""
    project = selectors.project_public(edition, number)
    picture = get_object_or_404(selectors.project_pictures(project), pk=pk)
    response = FileResponse(picture.file.open("rb"), content_type=picture.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
