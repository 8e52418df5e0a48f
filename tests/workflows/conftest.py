"""An edition with people in every review role, proposals submitted, and flow drivers."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from audit.transitions import transition_run
from intake.models import Edition, Pool, Proposal
from intake.services import proposal_submit
from organisations.models import Membership
from organisations.roles import Role
from workflows import selectors, services


@pytest.fixture
def people(staff, user_factory):
    return SimpleNamespace(
        formal=staff(Role.FORMAL_REVIEWER, email="formal@example.org"),
        merit=staff(Role.MERIT_REVIEWER, email="merit@example.org"),
        clerk=staff(Role.INTAKE_CLERK, email="clerk@example.org"),
        admin=staff(Role.BUDGET_ADMIN, email="admin@example.org"),
        applicant=user_factory(email="applicant@example.org"),
    )


def edition_make(organisation, name="Budżet Obywatelski Testowo 2026") -> Edition:
    """An edition in intake, with a city-wide and a district pool."""
    edition = Edition.objects.create(organisation=organisation, name=name, year=2026)
    Pool.objects.create(edition=edition, kind=Pool.Kind.CITYWIDE, name="Ogólnomiejski",
                        budget=Decimal("1000000"))
    Pool.objects.create(edition=edition, kind=Pool.Kind.DISTRICT, name="Dzielnica Północ",
                        budget=Decimal("200000"))
    return transition_run(edition, "open_intake", actor=None)


@pytest.fixture
def edition(city):
    return edition_make(city)


def proposal_make(edition, *, title="Park kieszonkowy", applicant=None, clerk=None,
                  applicant_email="") -> Proposal:
    """A proposal submitted online by ``applicant`` or typed in from paper by ``clerk``."""
    proposal = Proposal.objects.create(
        edition=edition, pool=edition.pools.order_by("kind").last(), title=title,
        description="Ławki, zieleń i mała architektura.", location="ul. Zielona 1",
        estimated_cost=Decimal("150000.00"), applicant=applicant,
        applicant_name="Anna Wnioskodawczyni",
        applicant_email=applicant_email or ("" if applicant else "papier@example.org"),
        entered_by=clerk or applicant,
        channel=Proposal.Channel.PAPER if clerk else Proposal.Channel.ONLINE)
    return proposal_submit(proposal=proposal, actor=clerk or applicant)


@pytest.fixture
def submit(edition, people):
    def make(title="Park kieszonkowy", *, applicant=None, clerk=None, **kwargs):
        if clerk is None and applicant is None:
            applicant = people.applicant
        return proposal_make(edition, title=title, applicant=applicant, clerk=clerk, **kwargs)

    return make


def review_start(edition) -> Edition:
    return transition_run(Edition.objects.get(pk=edition.pk), "start_review", actor=None)


@pytest.fixture
def reviewing(submit, edition):
    """One proposal submitted online by the applicant, and the edition in review."""
    proposal = submit()
    review_start(edition)
    return proposal


def task_for(user, proposal):
    """The review task of ``proposal`` in ``user``'s queue or inbox (or None)."""
    key = {"process__proposalreviewprocess__proposal": proposal}
    return (selectors.inbox_for(user).filter(**key).first()
            or selectors.queue_for(user).filter(**key).first())


def decide(user, proposal, outcome, **fields):
    """Take ``proposal``'s task from ``user``'s queue and record ``outcome``."""
    task = task_for(user, proposal)
    assert task is not None, f"{user} has no task for {proposal}"
    if task.owner_id is None:
        services.review_task_assign(task=task, user=user)
    return services.review_task_decide(task=task, user=user, outcome=outcome, **fields)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def grant(user, organisation, role):
    Membership.objects.create(user=user, organisation=organisation, role=role)
    for cache in ("_wotum_roles", "_wotum_role_perms", "_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    return user
