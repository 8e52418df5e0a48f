"""How many residents took part in an edition's vote, cheap enough for the front page.

One grouped COUNT for every edition on a page, cached for a minute: the front page and the
results page are read by everyone while the vote is open, and a figure a minute old is still
true enough.
"""
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count

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


def _cards_by_box(box_ids: list[int]) -> dict[int, int]:
    """Valid cards per ballot box: one cache read, and one grouped count when it misses."""
    box_ids = sorted(set(box_ids))
    if not box_ids:
        return {}
    ids = ",".join(map(str, box_ids))
    if len(ids) > 60:  # a cache key stays short whatever the number of editions
        ids = hashlib.sha256(ids.encode()).hexdigest()
    key = f"intake:participation:{ids}"
    counts = cache.get(key)
    if counts is None:
        rows = (Ballot.objects.filter(box_id__in=box_ids, state__in=VALID).order_by()
                .values("box_id").annotate(cards=Count("pk")))
        counts = dict.fromkeys(box_ids, 0) | {row["box_id"]: row["cards"] for row in rows}
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def editions_participation(editions: list[Edition]) -> dict[int, Participation | None]:
    """Participation per edition (by pk); None for an edition whose vote has not opened."""
    counts = _cards_by_box([e.ballot_box_id for e in editions if e.ballot_box_id is not None])
    return {e.pk: Participation(cards=counts[e.ballot_box_id], population=e.population)
            if e.ballot_box_id is not None else None for e in editions}


def edition_participation(edition: Edition) -> Participation | None:
    """Valid cards cast so far (and turnout); None before the vote opens."""
    return editions_participation([edition])[edition.pk]
