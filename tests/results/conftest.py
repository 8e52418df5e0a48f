"""Results, exports and open data: a known edition in voting (the pabulib sample files
and their references are fixtures of tests/conftest.py)."""
import pytest

# A known edition in voting: three pools, six projects, nine valid cards and one invalid.
CITYWIDE = [("Rowery miejskie", "600000"), ("Psi park", "500000"), ("Koncerty", "300000")]
LOCAL = [("Śródmieście", "Ławki", "100000"), ("Śródmieście", "Plac zabaw", "250000"),
         ("Boguszowice", "Drzewa", "120000")]
# (district project, city-wide projects) per card, as cast.
CARDS = ([("Ławki", ["Rowery miejskie"])] * 3 + [("Plac zabaw", ["Rowery miejskie"])] * 2
         + [("Plac zabaw", ["Psi park", "Koncerty"])] * 2
         + [("Drzewa", ["Psi park", "Koncerty"])] * 2)


def _accepted(edition, pool, number, title, cost):
    from decimal import Decimal

    from intake.models import Proposal

    proposal = Proposal.objects.create(
        edition=edition, pool=pool, number=number, title=title, description=title,
        estimated_cost=Decimal(cost), verified_cost=Decimal(cost), applicant_name="Jan Nowak")
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.ACCEPTED)


@pytest.fixture
def voting(city, staff):
    """The edition in voting with its cards cast: ``(edition, clerk)``."""
    from organisations.roles import Role

    clerk = staff(Role.INTAKE_CLERK)
    return voting_make(city, clerk), clerk


def voting_make(organisation, clerk):
    """Build the known edition in ``organisation`` and cast its cards (the clerk's on paper)."""
    import datetime
    from decimal import Decimal

    from ballots.models import Option
    from ballots.pesel import pesel_check
    from ballots.services import CardChoices, ballot_cast
    from demo.voting import pesel_make
    from intake.models import Edition
    from intake.services import edition_move
    from tests.factories import EditionFactory

    edition = EditionFactory(organisation=organisation, phase="review")
    pools = {pool.name: pool for pool in edition.pools.all()}
    pools["Ogólnomiejski"].budget, pools["Ogólnomiejski"].choices_per_ballot = (
        Decimal("1000000"), 2)
    pools["Ogólnomiejski"].save()
    number = 0
    for pool, title, cost in LOCAL:
        number += 1
        _accepted(edition, pools[pool], number, title, cost)
    for title, cost in CITYWIDE:
        number += 1
        _accepted(edition, pools["Ogólnomiejski"], number, title, cost)
    edition = edition_move(edition=Edition.objects.get(pk=edition.pk), transition="open_voting",
                           actor=None)
    box = edition.ballot_box
    options = {o.label: o for o in Option.objects.filter(poll__box=box)}
    pesels = [pesel_make(datetime.date(1950 + 7 * n, 1 + n, 10 + n), n, female=n % 2 == 0)
              for n in range(len(CARDS))]
    for n, (local, citywide) in enumerate([*CARDS, CARDS[0]]):
        chosen = [options[local], *(options[title] for title in citywide)]
        by_poll: dict[int, list[int]] = {}
        for option in chosen:
            by_poll.setdefault(option.poll_id, []).append(option.pk)
        facts = pesel_check(pesels[n % len(CARDS)], on=datetime.date.today(), minimum_age=16)
        ballot_cast(box=box, choices=CardChoices(by_poll), pesel=facts,
                    channel="paper" if n % 3 == 0 else "email",
                    entered_by=clerk if n % 3 == 0 else None)
    return Edition.objects.get(pk=edition.pk)
