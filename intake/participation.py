"""How many residents took part in an edition's vote, cheap enough for the front page.

One COUNT per edition, cached for a minute: the front page and the results page are read
by everyone while the vote is open, and a figure a minute old is still true enough.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache

from ballots.models import Ballot

from .models import Edition

CACHE_SECONDS = 60
VALID = [Ballot.State.CAST, Ballot.State.COUNTED]


@dataclass(frozen=True)
class Participation:
    cards: int
    population: int | None

    @property
    def turnout(self) -> Decimal | None:
        """Valid cards per 100 residents; None where the city gave no count.

        One decimal, or two below 1% (an early vote in a big city would read "0,0%").
        """
        if not self.population:
            return None
        percent = Decimal(100 * self.cards) / self.population
        return percent.quantize(Decimal("0.1") if percent >= 1 else Decimal("0.01"),
                                rounding=ROUND_HALF_UP)


def edition_participation(edition: Edition) -> Participation | None:
    """Valid cards cast so far (and turnout); None before the vote opens."""
    if edition.ballot_box_id is None:
        return None
    key = f"intake:participation:{edition.ballot_box_id}"
    cards = cache.get(key)
    if cards is None:
        cards = Ballot.objects.filter(box_id=edition.ballot_box_id, state__in=VALID).count()
        cache.set(key, cards, CACHE_SECONDS)
    return Participation(cards=cards, population=edition.population)
