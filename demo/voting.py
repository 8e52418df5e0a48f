"""Demo votes: Rybnik 2025 in voting (cards to cast, a live report), 2024 closed (results).

The projects come through the real path: proposals submitted, reviewed by the demo
reviewers, put on the ballot when the vote opens. Paper cards are typed in by the clerk
with made-up but valid PESELs; one repeats a PESEL and is kept as invalid.
"""
import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ballots.models import Ballot
from ballots.pesel import pesel_check
from ballots.services import CardChoices, ballot_cast, ballot_link_request
from intake.models import Edition
from intake.services import edition_move, edition_save
from intake.voting import edition_results_compute
from organisations.models import Organisation

from .review import CLERK, DISTRICTS, FORMAL, MERIT, RESIDENT, _decide, _proposal_submit

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
PROJECTS = [
    ("Boguszowice", "Ścieżka rowerowa wzdłuż Kłokocinki", "280000"),
    ("Boguszowice", "Plac zabaw przy ul. Żurawiej", "150000"),
    ("Chwałowice", "Remont boiska przy SP 5", "260000"),
    ("Chwałowice", "Drzewa na ul. 1 Maja", "90000"),
    ("Niedobczyce", "Skatepark w parku Wiśniowiec", "240000"),
    ("Śródmieście", "Tężnia solankowa na Bulwarach", "300000"),
    ("Śródmieście", "Koncerty letnie na rynku", "60000"),
    ("Zamysłów", "Chodnik przy ul. Zebrzydowickiej", "210000"),
    ("Ogólnomiejski", "Rower miejski: 10 nowych stacji", "1200000"),
    ("Ogólnomiejski", "Psi park w Kampusie", "400000"),
    ("Ogólnomiejski", "Darmowe warsztaty kodowania dla seniorów", "150000"),
]


def pesel_make(birth: datetime.date, serial: int, female: bool) -> str:
    """A PESEL with a valid checksum for ``birth`` (1900–2099)."""
    month = birth.month + (20 if birth.year >= 2000 else 0)
    sex_digit = (serial % 5) * 2 + (0 if female else 1)
    digits = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{serial % 1000:03d}{sex_digit}"
    check = (10 - sum(w * int(d) for w, d in zip(PESEL_WEIGHTS, digits, strict=True)) % 10) % 10
    return digits + str(check)


def _edition(organisation, admin, name, year, days_ago) -> Edition:
    now = timezone.now()
    fields = {"name": name, "year": year,
              "intake_starts_at": now - datetime.timedelta(days=days_ago)}
    pools = [{"kind": "citywide", "name": "Ogólnomiejski", "budget": Decimal("1500000.00"),
              "choices_per_ballot": 1, "position": 0}]
    pools += [{"kind": "district", "name": district, "budget": Decimal("300000.00"),
               "choices_per_ballot": 1, "position": index}
              for index, district in enumerate(DISTRICTS, start=1)]
    edition = edition_save(organisation=organisation, actor=admin, fields=fields, pools=pools)
    return edition_move(edition=edition, transition="open_intake", actor=admin)


def _projects_on_ballot(edition, admin, voting_from, voting_until) -> Edition:
    proposals = [_proposal_submit(edition, CLERK if n % 3 else RESIDENT, title, pool, cost)
                 for n, (pool, title, cost) in enumerate(PROJECTS)]
    edition = edition_move(edition=edition, transition="start_review", actor=admin)
    for proposal in proposals:
        _decide(FORMAL, proposal, "accepted")
        _decide(MERIT, proposal, "accepted", verified_cost=proposal.estimated_cost)
    Edition.objects.filter(pk=edition.pk).update(
        intake_ends_at=voting_from - datetime.timedelta(days=40),
        review_ends_at=voting_from - datetime.timedelta(days=5),
        voting_starts_at=voting_from, voting_ends_at=voting_until)
    return edition_move(edition=Edition.objects.get(pk=edition.pk), transition="open_voting",
                        actor=admin)


def _paper_cards(edition, clerk, count: int, seed: int) -> None:
    box = edition.ballot_box
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    polls = list(box.polls.prefetch_related("options"))
    districts = [p for p in polls if p.choice_group]
    citywide = next(p for p in polls if not p.choice_group)
    pesels = []
    for n in range(count):
        birth = datetime.date(rng.randint(1940, 2008), rng.randint(1, 12), rng.randint(1, 28))
        pesels.append(pesel_make(birth, n, female=rng.random() < 0.55))
    pesels.append(pesels[0])  # the same person twice: the second card is kept as invalid
    for pesel in pesels:
        district = rng.choice(districts)
        local = rng.choice(list(district.options.all()))
        city_wide = rng.choice(list(citywide.options.all()))
        choices = CardChoices({district.pk: [local.pk], citywide.pk: [city_wide.pk]})
        facts = pesel_check(pesel, on=timezone.localdate(), minimum_age=box.minimum_age)
        ballot_cast(box=box, choices=choices, pesel=facts, channel=Ballot.Channel.PAPER,
                    entered_by=clerk)


@transaction.atomic
def voting_demo_load() -> None:
    """Load the edition in voting and the closed one with results (idempotent)."""
    organisation = Organisation.objects.get(slug="rybnik")
    admin = User.objects.get(email="budget@wotum.localhost")
    clerk = User.objects.get(email=CLERK)
    now = timezone.now()
    if not Edition.objects.filter(organisation=organisation, year=2025).exists():
        edition = _edition(organisation, admin, "Budżet Obywatelski Rybnik 2025", 2025, 120)
        edition = _projects_on_ballot(edition, admin, now - datetime.timedelta(days=2),
                                      now + datetime.timedelta(days=12))
        _paper_cards(edition, clerk, 40, seed=2025)
        # One sample link in the outbox, to an address of its own: the README's example
        # (rodzina@example.org) keeps all three of its cards for the person trying the demo.
        ballot_link_request(box=edition.ballot_box, email="przyklad@example.org",
                            base_url=settings.WOTUM_BASE_URL)
    if not Edition.objects.filter(organisation=organisation, year=2024).exists():
        edition = _edition(organisation, admin, "Budżet Obywatelski Rybnik 2024", 2024, 400)
        edition = _projects_on_ballot(edition, admin, now - datetime.timedelta(days=300),
                                      now + datetime.timedelta(days=1))
        _paper_cards(edition, clerk, 150, seed=2024)
        Edition.objects.filter(pk=edition.pk).update(voting_ends_at=now)
        edition = edition_move(edition=Edition.objects.get(pk=edition.pk), transition="close",
                               actor=admin)
        edition_results_compute(edition=edition, actor=admin)
