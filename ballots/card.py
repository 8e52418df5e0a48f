"""What a box's ballot card lists: its sections, polls and options, read once per open box.

Every card page and every cast needs the box's polls and options: the form is built from
them and the choices are checked against them. While a box is open they do not change
(projects are placed on the ballot before it opens), so each process keeps one immutable
copy per open box instead of reading and instantiating them on every request. A draft or
closed box is read afresh each time; a saved or deleted poll or option drops the copies.
"""
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from .models import BallotBox, Option, Poll

CACHE_SECONDS = 300  # a bound on staleness should a poll be edited outside the ORM
CACHE_BOXES = 64  # boxes open at once in one deployment: a handful; this is a cap, not a size


@dataclass(frozen=True, slots=True)
class CardOption:
    pk: int
    poll_id: int
    code: str
    label: str
    cost: Decimal | None

    def __str__(self):
        return f"{self.code} {self.label}".strip()


@dataclass(frozen=True, slots=True)
class CardPoll:
    pk: int
    title: str
    choice_group: str
    max_choices: int
    options: tuple[CardOption, ...]

    def __str__(self):
        return self.title


@dataclass(frozen=True)
class CardSection:
    """One part of the card: a group of alternative polls (districts) or one poll."""

    key: str
    polls: tuple[CardPoll, ...]
    grouped: bool
    max_choices: int = field(init=False)
    poll_by_option: dict[int, CardPoll] = field(init=False)
    choices: tuple[tuple[int, str], ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "max_choices", max(p.max_choices for p in self.polls))
        object.__setattr__(self, "poll_by_option",
                           {o.pk: p for p in self.polls for o in p.options})
        object.__setattr__(self, "choices",
                           tuple((o.pk, str(o)) for p in self.polls for o in p.options))

    @property
    def abstain_label(self):
        if self.grouped:
            return _("I do not vote for a local project")
        return _("I do not vote for a city-wide project")


@dataclass(frozen=True)
class Card:
    sections: tuple[CardSection, ...]
    polls: dict[int, CardPoll]
    options: dict[int, CardOption]


def _card_read(box: BallotBox) -> Card:
    options: dict[int, list[CardOption]] = {}
    for pk, poll_id, code, label, cost in (Option.objects.filter(poll__box=box)
                                           .order_by("poll", "position", "id")
                                           .values_list("pk", "poll_id", "code", "label", "cost")):
        options.setdefault(poll_id, []).append(CardOption(pk, poll_id, code, label, cost))
    polls = [CardPoll(pk, title, group, max_choices, tuple(options.get(pk, ())))
             for pk, title, group, max_choices in (
                 Poll.objects.filter(box=box).order_by("position", "id")
                 .values_list("pk", "title", "choice_group", "max_choices"))]
    # Sections in poll order: each choice group once, where its first poll appears.
    keys: list[str] = []
    members: dict[str, list[CardPoll]] = {}
    for poll in polls:
        key = f"g-{poll.choice_group}" if poll.choice_group else f"p-{poll.pk}"
        if key not in members:
            keys.append(key)
            members[key] = []
        members[key].append(poll)
    return Card(sections=tuple(CardSection(key, tuple(members[key]), key.startswith("g-"))
                               for key in keys),
                polls={poll.pk: poll for poll in polls},
                options={o.pk: o for poll in polls for o in poll.options})


_cache: dict[tuple, tuple[float, Card]] = {}
_cache_lock = threading.Lock()


def card_of(box: BallotBox) -> Card:
    """The card of ``box``; one read per process while the box is open."""
    if box.state != BallotBox.State.OPEN:
        return _card_read(box)
    # created_at as well as the id: a test database may give a new box an old box's id.
    key = (box.pk, box.created_at)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    card = _card_read(box)
    with _cache_lock:
        if len(_cache) >= CACHE_BOXES:
            _cache.clear()
        _cache[key] = (now + CACHE_SECONDS, card)
    return card


def card_cache_clear(**_kwargs) -> None:
    with _cache_lock:
        _cache.clear()


for _model in (Poll, Option):
    post_save.connect(card_cache_clear, sender=_model, dispatch_uid=f"card-cache-{_model}")
    post_delete.connect(card_cache_clear, sender=_model, dispatch_uid=f"card-cache-d-{_model}")
