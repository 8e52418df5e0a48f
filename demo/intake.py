"""Demo participatory budget: Rybnik's 2027 edition taking proposals, with a few in it."""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from intake.models import Edition, Proposal
from intake.services import edition_move, edition_save, proposal_create, proposal_submit
from organisations.models import Organisation

EDITION_NAME = "Budżet Obywatelski Rybnik 2027"
DISTRICTS = ["Boguszowice", "Chwałowice", "Niedobczyce", "Śródmieście", "Zamysłów"]

# (e-mail of the account or None for paper, title, pool, cost, submit?)
PROPOSALS = [
    ("resident@wotum.localhost", "Zielone podwórko przy ul. Hallera", "Śródmieście",
     "85000.00", False),
    ("resident@wotum.localhost", "Plac zabaw w Parku Wiśniowiec", "Śródmieście",
     "240000.00", True),
    (None, "Ścieżka rowerowa wzdłuż Nacyny", "Ogólnomiejski", "1200000.00", True),
    (None, "Siłownia pod chmurką w Boguszowicach", "Boguszowice", "95000.00", True),
]
DESCRIPTIONS = {
    True: "Projekt przygotowany do demonstracji Wotum. Opis, mapka i kosztorys w załącznikach.",
    False: "Szkic wniosku: do uzupełnienia przed złożeniem.",
}


def _edition_ensure(organisation, admin) -> Edition:
    edition = Edition.objects.filter(organisation=organisation, name=EDITION_NAME).first()
    if edition is not None:
        return edition
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    day = datetime.timedelta(days=1)
    fields = {
        "name": EDITION_NAME, "year": 2027,
        "intake_starts_at": today - 14 * day,
        "intake_ends_at": today + 30 * day - datetime.timedelta(minutes=1),
        "review_ends_at": today + 60 * day, "voting_starts_at": today + 75 * day,
        "voting_ends_at": today + 82 * day, "max_proposals_per_applicant": 5,
        "pesel_required": True,
    }
    pools = [{"kind": "citywide", "name": "Ogólnomiejski", "budget": Decimal("2000000.00"),
              "choices_per_ballot": 1, "position": 0}]
    pools += [{"kind": "district", "name": name, "budget": Decimal("300000.00"),
               "choices_per_ballot": 1, "position": index}
              for index, name in enumerate(DISTRICTS, start=1)]
    edition = edition_save(organisation=organisation, actor=admin, fields=fields, pools=pools)
    return edition_move(edition=edition, transition="open_intake", actor=admin)


def _proposal_ensure(edition, clerk, email, title, pool_name, cost, submit) -> None:
    if Proposal.objects.filter(edition=edition, title=title).exists():
        return
    fields = {"title": title, "pool": edition.pools.get(name=pool_name),
              "location": "Rybnik", "description": DESCRIPTIONS[submit],
              "justification": "Mieszkańcy od lat o to proszą." if submit else "",
              "estimated_cost": Decimal(cost)}
    if email:
        applicant = User.objects.get(email=email)
        fields["applicant_name"] = applicant.get_full_name() or email
        proposal = proposal_create(edition=edition, actor=applicant, fields=fields,
                                   applicant=applicant)
        actor = applicant
    else:
        fields["applicant_name"] = "Jan Nowak"
        proposal = proposal_create(edition=edition, actor=clerk, fields=fields,
                                   channel=Proposal.Channel.PAPER)
        actor = clerk
    if submit:
        proposal_submit(proposal=proposal, actor=actor)


@transaction.atomic
def intake_demo_load() -> Edition | None:
    """Load the demo edition and proposals (idempotent); needs people_load() first."""
    organisation = Organisation.objects.get(slug="rybnik")
    admin = User.objects.get(email="budget@wotum.localhost")
    clerk = User.objects.get(email="clerk@wotum.localhost")
    edition = _edition_ensure(organisation, admin)
    if edition.refusal("intake"):
        return edition  # intake has closed since the demo was loaded: leave it as it is
    for row in PROPOSALS:
        _proposal_ensure(edition, clerk, *row)
    return edition
