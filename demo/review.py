"""Demo review: Rybnik's 2026 edition in review, with tasks waiting in both reviewers' queues.

Formal reviewer (formal@): three proposals to take. Merit reviewer (merit@): two proposals
that passed formal review. One proposal accepted for the ballot, one rejected with its
justification. Proposals come from the demo resident (online) and the clerk (paper).
"""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from intake.models import Edition, Proposal
from intake.services import edition_move, edition_save, proposal_create, proposal_submit
from organisations.models import Organisation
from workflows import selectors, services

EDITION_NAME = "Budżet Obywatelski Rybnik 2026"
DISTRICTS = ["Boguszowice", "Chwałowice", "Niedobczyce", "Śródmieście", "Zamysłów"]
RESIDENT, CLERK = "resident@wotum.localhost", "clerk@wotum.localhost"
FORMAL, MERIT = "formal@wotum.localhost", "merit@wotum.localhost"

# (who entered it, title, pool, estimated cost, where the review stands)
PROPOSALS = [
    (RESIDENT, "Park kieszonkowy przy ul. Kościuszki", "Śródmieście", "180000.00", "formal"),
    (CLERK, "Oświetlenie boiska w Chwałowicach", "Chwałowice", "120000.00", "formal"),
    (CLERK, "Ławki i stojaki rowerowe na Zamysłowie", "Zamysłów", "45000.00", "formal"),
    (RESIDENT, "Siłownia plenerowa w Niedobczycach", "Niedobczyce", "150000.00", "merit"),
    (CLERK, "Zielone przystanki w centrum", "Ogólnomiejski", "900000.00", "merit"),
    (CLERK, "Budki lęgowe dla jerzyków", "Ogólnomiejski", "60000.00", "accepted"),
    (RESIDENT, "Parking wielopoziomowy przy rynku", "Śródmieście", "9500000.00", "rejected"),
]
REJECTION = ("Budowa parkingu wielopoziomowego przekracza pulę dzielnicy i wymaga decyzji "
             "inwestycyjnych miasta; nie może być realizowana z budżetu obywatelskiego.")


def _edition_create(organisation, admin) -> Edition:
    fields = {"name": EDITION_NAME, "year": 2026, "max_proposals_per_applicant": 5,
              "intake_starts_at": timezone.now() - datetime.timedelta(days=60)}
    pools = [{"kind": "citywide", "name": "Ogólnomiejski", "budget": Decimal("2000000.00"),
              "choices_per_ballot": 1, "position": 0}]
    pools += [{"kind": "district", "name": name, "budget": Decimal("300000.00"),
               "choices_per_ballot": 1, "position": index}
              for index, name in enumerate(DISTRICTS, start=1)]
    edition = edition_save(organisation=organisation, actor=admin, fields=fields, pools=pools)
    return edition_move(edition=edition, transition="open_intake", actor=admin)


def _proposal_submit(edition, email, title, pool_name, cost) -> Proposal:
    person = User.objects.get(email=email)
    fields = {"title": title, "pool": edition.pools.get(name=pool_name), "location": "Rybnik",
              "description": "Projekt przygotowany do demonstracji oceny wniosków w Wotum.",
              "justification": "Mieszkańcy od lat o to proszą.", "estimated_cost": Decimal(cost)}
    if email == RESIDENT:
        fields["applicant_name"] = person.get_full_name()
        proposal = proposal_create(edition=edition, actor=person, fields=fields,
                                   applicant=person)
    else:
        fields["applicant_name"] = "Jan Nowak"
        proposal = proposal_create(edition=edition, actor=person, fields=fields,
                                   channel=Proposal.Channel.PAPER)
    return proposal_submit(proposal=proposal, actor=person)


def _decide(email, proposal, outcome, **fields) -> None:
    reviewer = User.objects.get(email=email)
    task = selectors.queue_for(reviewer).get(process__proposalreviewprocess__proposal=proposal)
    services.review_task_assign(task=task, user=reviewer)
    services.review_task_decide(task=task, user=reviewer, outcome=outcome, **fields)


def _review_start(edition, admin) -> Edition:
    edition = edition_move(edition=edition, transition="start_review", actor=admin)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    day = datetime.timedelta(days=1)
    # Phase dates as if intake had closed yesterday; voting opens in six weeks.
    Edition.objects.filter(pk=edition.pk).update(
        intake_ends_at=today - datetime.timedelta(minutes=1), review_ends_at=today + 30 * day,
        voting_starts_at=today + 45 * day, voting_ends_at=today + 52 * day)
    return edition


@transaction.atomic
def review_demo_load() -> Edition:
    """Load the demo edition in review (idempotent); needs people_load() first."""
    organisation = Organisation.objects.get(slug="rybnik")
    edition = Edition.objects.filter(organisation=organisation, name=EDITION_NAME).first()
    if edition is not None:
        return edition
    admin = User.objects.get(email="budget@wotum.localhost")
    edition = _edition_create(organisation, admin)
    submitted = [(_proposal_submit(edition, email, title, pool, cost), stage)
                 for email, title, pool, cost, stage in PROPOSALS]
    edition = _review_start(edition, admin)
    for proposal, stage in submitted:
        if stage in ("merit", "accepted"):
            _decide(FORMAL, proposal, "accepted")
        if stage == "accepted":
            _decide(MERIT, proposal, "accepted", verified_cost=Decimal("58500.00"),
                    justification="Wycena potwierdzona przez Wydział Ekologii.")
        if stage == "rejected":
            _decide(FORMAL, proposal, "rejected", justification=REJECTION)
    return edition
