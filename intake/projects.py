"""What the public reads of the projects on an edition's ballot (PB-14): lists, filters, pages."""
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Attachment, Edition, Pool, Proposal

PICTURE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


@dataclass(frozen=True)
class ProjectFilters:
    text: str = ""
    pool: int | None = None
    category: str = ""

    @property
    def active(self) -> bool:
        return bool(self.text or self.pool or self.category)


def projects_on_ballot(edition: Edition) -> QuerySet[Proposal]:
    return (Proposal.objects.filter(edition=edition, state=Proposal.State.ON_BALLOT)
            .select_related("pool", "edition").order_by("number"))


def projects_filtered(edition: Edition, filters: ProjectFilters) -> QuerySet[Proposal]:
    """Projects matching a resident's search: words in title, description or place."""
    projects = projects_on_ballot(edition)
    if filters.pool:
        projects = projects.filter(pool_id=filters.pool)
    if filters.category:
        projects = projects.filter(category=filters.category)
    for word in filters.text.split()[:8]:
        projects = projects.filter(Q(title__icontains=word) | Q(description__icontains=word)
                                   | Q(location__icontains=word))
    return projects


def projects_by_pool(edition: Edition, projects: QuerySet[Proposal]) -> list[dict]:
    """``projects`` grouped by pool, districts first, empty pools left out when filtering."""
    by_pool: dict[int, list] = {}
    for proposal in projects:
        by_pool.setdefault(proposal.pool_id, []).append(proposal)
    pools = sorted(edition.pools.all(),
                   key=lambda pool: (pool.kind != Pool.Kind.DISTRICT, pool.position, pool.name))
    return [{"pool": pool, "projects": by_pool.get(pool.pk, [])} for pool in pools]


def project_categories(edition: Edition) -> list[str]:
    return sorted(set(projects_on_ballot(edition).exclude(category="")
                      .values_list("category", flat=True)))


def project_public(edition_id: int, number: int) -> Proposal:
    """A project of an edition whose vote has opened; a 404 for anything else."""
    return get_object_or_404(
        Proposal.objects.select_related("pool", "edition", "edition__organisation"),
        edition_id=edition_id, number=number, state=Proposal.State.ON_BALLOT,
        edition__ballot_box__isnull=False)


def project_pictures(project: Proposal) -> QuerySet[Attachment]:
    """Pictures the applicant marked public; other files stay with the office."""
    return project.attachments.filter(public=True, content_type__in=PICTURE_TYPES)


def project_map_url(project: Proposal) -> str:
    """A link to the place on OpenStreetMap, where the city gave coordinates."""
    if project.latitude is None or project.longitude is None:
        return ""
    lat, lon = project.latitude, project.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def box_project_pages(box) -> dict[str, str]:
    """{project reference: its page} for the edition that owns ``box`` (the card links them)."""
    from django.urls import reverse

    edition = Edition.objects.filter(ballot_box=box).only("pk", "year").first()
    if edition is None:
        return {}
    return {f"{edition.year}/{number:03d}": reverse("intake:project_detail",
                                                     args=[edition.pk, number])
            for number in projects_on_ballot(edition).values_list("number", flat=True)}
