"""Writes of the poll store: voting links, ballot cards, votes."""
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed

from audit.services import audit_chain_nudge, audit_entry
from audit.transitions import transition_audit_many, transition_run
from notifications.services import delivery_nudge, email_build_template
from wotum.db import fetch_with_parent

from .card import CardOption, card_of
from .hashing import keyed_digest, token_digest
from .models import Ballot, BallotBox, BallotLink, Option, Poll, Vote
from .pesel import PeselFacts
from .store import BoxClosed, LinkUsed, cast_store
from .windows import format_moment, window_closed_reason, window_end

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


class BallotRefused(Exception):
    """A link or card refused; ``code`` says why, ``message`` says it to the voter."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


def email_normalise(address: str) -> str:
    return (address or "").strip().lower()


def box_refusal(box: BallotBox, now=None) -> str | None:
    """Why cards cannot be requested or cast in ``box`` now; None while voting is open."""
    closed = window_closed_reason(is_open_state=box.state == BallotBox.State.OPEN,
                                  is_past_state=box.state == BallotBox.State.CLOSED,
                                  starts=box.opens_at, ends=box.closes_at, now=now,
                                  closed_at=box.closed_at)
    if closed is None:
        return None
    reason, moment = closed
    # The edition's phase refusals say the same, word for word (intake/phases.py).
    sentences = {"closed_on": _("Voting closed on %(date)s."),
                 "closed": _("Voting is closed."),
                 "opens_on": _("Voting opens on %(date)s."),
                 "not_open": _("Voting has not opened yet.")}
    return sentences[reason] % {"date": format_moment(moment) if moment else ""}


def box_ends_at(box: BallotBox):
    """When voting in ``box`` ends (or ended): what every page about it quotes."""
    return window_end(ends=box.closes_at,
                      closed_at=box.closed_at if box.state == BallotBox.State.CLOSED else None)


def box_schedule(box: BallotBox, now=None) -> str:
    """One sentence on when voting in ``box`` ends, or why it is not open now."""
    refusal = box_refusal(box, now)
    if refusal or box.closes_at is None:
        return refusal or ""
    return _("Voting is open until %(date)s.") % {"date": format_moment(box.closes_at)}


def ballot_link_request(*, box: BallotBox, email: str, base_url: str) -> BallotLink:
    """Send a single-use link to a ballot card, at most ``cards_per_email`` per address.

    The cap is a conditional UPDATE on the address's quota row: concurrent requests queue
    on the row lock and re-check the condition, so exactly the allowed number pass.
    """
    address = email_normalise(email)
    refusal = box_refusal(box)
    if refusal:
        raise BallotRefused("closed", refusal)
    digest = keyed_digest("email", address)
    token = secrets.token_urlsafe(32)
    link = BallotLink(box=box, token_digest=token_digest(token), email_digest=digest,
                      email=address, expires_at=box.closes_at)
    # Rendered by the worker; the link waits in the row as it would in a rendered body,
    # and is wiped with it once sent.
    message = email_build_template(
        to=address, template="ballots/email/link", kind="ballot_link",
        organisation=box.organisation_id, forget_recipient=True, render_later=True,
        context={"title": box.title,
                 "url": base_url.rstrip("/") + reverse("ballots:card", args=[token]),
                 "closes": format_moment(box.closes_at) if box.closes_at else ""})
    if box.cards_per_email < 1 or not cast_store().link_issue(
            box=box, email_digest=digest, link=link, message=message):
        raise BallotRefused("quota", _("The maximum number of forms has been sent for "
                                       "address %(address)s.") % {"address": address})
    transaction.on_commit(delivery_nudge)
    return link


def ballot_link_resolve(token: str, now=None) -> BallotLink:
    """The link behind ``token``, or a refusal that tells the voter what happened."""
    link = _link_with_box(token_digest(token or ""))
    if link is None:
        raise BallotRefused("forged", _("This link is not valid. Check that you opened the "
                                        "whole link from the e-mail, or request a new one."))
    if link.state == BallotLink.State.USED:
        raise BallotRefused("used", _("This link has already been used to cast a ballot. "
                                      "Each link works once."))
    now = now or timezone.now()
    refusal = box_refusal(link.box, now)
    if refusal:
        raise BallotRefused("closed", refusal)
    if link.expires_at is not None and now >= link.expires_at:
        raise BallotRefused("expired", _("This link has expired."))
    return link


def _link_with_box(digest: str) -> BallotLink | None:
    """The link with ``digest`` and its box, in one prepared query."""
    return fetch_with_parent(BallotLink, "box", token_digest=digest)


@dataclass
class CardChoices:
    """What a voter marked: option ids per poll id (an empty list: did not vote there), and
    the weight of a vote by option id where it is not 1 (points on a cumulative card)."""

    by_poll: dict[int, list[int]] = field(default_factory=dict)
    weights: dict[int, int] = field(default_factory=dict)


def _checked_options(box: BallotBox, choices: CardChoices) -> list[CardOption]:
    card = card_of(box)
    wanted = [pk for pks in choices.by_poll.values() for pk in pks]
    groups_used: set[str] = set()
    for poll_id, option_ids in choices.by_poll.items():
        poll = card.polls.get(poll_id)
        if poll is None or any(card.options.get(pk) is None
                               or card.options[pk].poll_id != poll_id for pk in option_ids):
            raise BallotRefused("choices", _("The card lists a project that is not on it."))
        if len(option_ids) > poll.max_choices:
            raise BallotRefused("choices", _("Too many projects chosen in “%(poll)s”.")
                                % {"poll": poll.title})
        if option_ids and poll.choice_group:
            if poll.choice_group in groups_used:
                raise BallotRefused("choices", _("Projects may be chosen in one district only."))
            groups_used.add(poll.choice_group)
    return [card.options[pk] for pk in wanted]


def _receipt_code() -> str:
    # One read of the system's random source, not ten: 32 letters divide 256, so each byte
    # taken modulo 32 picks a letter with no bias.
    return "".join(RECEIPT_ALPHABET[byte % 32] for byte in secrets.token_bytes(10))


def ballot_cast(*, box: BallotBox, choices: CardChoices, pesel: PeselFacts | None,
                channel: str, link: BallotLink | None = None, entered_by=None) -> Ballot:
    """Record a card: valid, or — its PESEL having voted already — invalid with the reason.

    One transaction: the link is consumed, the card and its votes stored, the audit row
    written. The partial unique index on (box, PESEL digest) of valid cards decides which
    of two simultaneous cards with one PESEL is valid: the loser's transaction is rolled
    back whole and run again, storing its card as invalid. The common case, a first card,
    costs no savepoint and no second write of the card.
    """
    refusal = box_refusal(box)
    if refusal:
        raise BallotRefused("closed", refusal)
    options = _checked_options(box, choices)
    weights = {o.pk: int(choices.weights.get(o.pk, 1)) for o in options}
    if any(weight < 1 for weight in weights.values()):
        raise BallotRefused("choices", _("A vote's weight must be at least 1."))
    try:
        return _cast(box, options, weights, pesel, channel, link, entered_by, valid=True)
    except IntegrityError:
        if pesel is None or not _pesel_has_voted(box, pesel.digest):
            raise
    if link is not None:
        link.refresh_from_db()
    return _cast(box, options, weights, pesel, channel, link, entered_by, valid=False)


def _pesel_has_voted(box: BallotBox, digest: str) -> bool:
    return Ballot.objects.filter(box=box, pesel_digest=digest,
                                 state__in=[Ballot.State.CAST, Ballot.State.COUNTED]).exists()


def _cast(box, options, weights, pesel, channel, link, entered_by, *, valid: bool) -> Ballot:
    receipt_code = _receipt_code()
    ballot = Ballot(box=box, channel=channel, link=link, entered_by=entered_by,
                    receipt_code=receipt_code,
                    pesel_digest=pesel.digest if pesel else "",
                    birth_date=pesel.birth_date if pesel else None,
                    sex=pesel.sex if pesel else "")
    # The transition runs before the row is written: a card is born cast or invalid.
    if valid:
        ballot.accept()
    else:
        ballot.invalidate(reason=Ballot.InvalidReason.PESEL_ALREADY_VOTED)
    if link is not None:
        try:
            link.use()  # the state machine's check, in memory; the stores' UPDATE guards it
        except TransitionNotAllowed:
            raise _link_used() from None
    votes = [Vote(poll_id=o.poll_id, option_id=o.pk, weight=weights[o.pk], counts=valid)
             for o in options]
    # Unchained: the chaining step links the box's rows after commit (audit_chain_nudge).
    audit = audit_entry(action="ballot.cast", actor=entered_by, obj=ballot,
                        organisation=box.organisation_id, from_state=Ballot.State.RECEIVED,
                        to_state=ballot.state, details={"channel": channel,
                                                        "reason": ballot.invalid_reason},
                        stream=f"box:{box.pk}")
    receipt = None
    if link is not None and link.email:  # read when the link was opened; blanked on use
        receipt = email_build_template(
            to=link.email, template="ballots/email/receipt", kind="ballot_receipt",
            organisation=box.organisation_id, forget_recipient=True, render_later=True,
            context={"title": box.title, "receipt_code": receipt_code,
                     "invalid_reason": ballot.invalid_reason})
    try:
        cast_store().card_store(ballot=ballot, votes=votes, link=link, audit=audit,
                                receipt=receipt)
    except LinkUsed:
        raise _link_used() from None
    except BoxClosed:
        # Closed while this card was on its way: it was not stored.
        raise BallotRefused("closed", _("Voting is closed.")) from None
    transaction.on_commit(audit_chain_nudge)
    if receipt is not None:
        transaction.on_commit(delivery_nudge)
    return ballot


def _link_used() -> BallotRefused:
    return BallotRefused("used", _("This link has already been used to cast a ballot. "
                                   "Each link works once."))


def box_open(*, box: BallotBox, actor) -> BallotBox:
    """Open a prepared box and its polls, each by its audited transition."""
    with transaction.atomic():
        box = transition_run(box, "open", actor=actor)
        for poll in box.polls.filter(state=Poll.State.DRAFT):
            transition_run(poll, "open", actor=actor)
    return box


def box_close(*, box: BallotBox, actor) -> int:
    """Close the box and its polls; count its valid cards. Return how many.

    The box's row is locked first: a card being cast holds the lock a close waits for,
    and a card cast after it finds the box closed (see ``ballots.store``). So the number
    counted here, which the close's audit row records, is every card the box holds. The
    cards move by one set-based UPDATE, with one "ballot.count" audit row each, written
    together: a city's million cards are counted in a few statements.
    """
    with transaction.atomic():
        locked = BallotBox.objects.select_for_update().get(pk=box.pk)
        if locked.state != BallotBox.State.OPEN:
            return 0
        if actor is not None and not locked.close.has_perm(actor):
            raise PermissionDenied(f"{actor} may not close {locked}")
        cards = Ballot.objects.filter(box=locked, state=Ballot.State.CAST)
        counted = transition_audit_many(
            Ballot, "count", (Ballot(pk=pk, receipt_code=code) for pk, code in
                              cards.values_list("pk", "receipt_code").iterator()),
            actor=actor, organisation=locked.organisation_id, stream=f"box:{locked.pk}")
        updated = cards.update(state=Ballot.State.COUNTED)
        assert updated == counted, "cards changed under the box's lock"  # noqa: S101
        for poll in locked.polls.filter(state=Poll.State.OPEN):
            transition_run(poll, "close", actor=actor)
        transition_run(locked, "close", actor=actor, details={"counted": counted})
    return counted


# Boxes set up by a process app, and cards counted elsewhere ---------------------------------

def box_create(*, organisation, title: str, opens_at=None, closes_at=None,
               cards_per_email: int = 3, pesel_required: bool = True,
               minimum_age: int = 16, result_rule: str = "greedy") -> BallotBox:
    """A prepared (draft) box; its polls are added with ``poll_create``."""
    return BallotBox.objects.create(
        organisation_id=getattr(organisation, "pk", organisation), title=title,
        opens_at=opens_at, closes_at=closes_at, cards_per_email=cards_per_email,
        pesel_required=pesel_required, minimum_age=minimum_age, result_rule=result_rule)


def poll_create(*, box: BallotBox, title: str, options: list[dict], choice_group: str = "",
                max_choices: int = 1, budget=None, position: int = 0) -> Poll:
    """A draft poll of ``box`` with its options (``Option``'s fields as dicts)."""
    poll = Poll.objects.create(organisation_id=box.organisation_id, box=box, title=title,
                               choice_group=choice_group, max_choices=max_choices,
                               budget=budget, position=position)
    Option.objects.bulk_create([Option(poll=poll, **fields) for fields in options])
    return poll


@dataclass(frozen=True)
class CountedCard:
    """A card validated and counted outside Wotum (a pabulib file): its facts and votes."""

    channel: str
    votes: list[tuple[int, int]]  # (option id, weight)
    birth_date: object = None
    sex: str = ""


def ballots_import(*, box: BallotBox, poll: Poll, cards: list[CountedCard],
                   batch_size: int = 2000) -> int:
    """Store cards another body validated as valid cards of ``box`` (while it is open),
    each with a receipt code and the "ballot.cast" audit row a cast writes."""
    if not box_is_open(box):
        raise BallotRefused("closed", _("Voting is closed."))
    stored = 0
    with transaction.atomic():
        for start in range(0, len(cards), batch_size):
            chunk = cards[start:start + batch_size]
            ballots = [Ballot(box=box, receipt_code=_receipt_code(), channel=card.channel,
                              birth_date=card.birth_date, sex=card.sex) for card in chunk]
            for ballot in ballots:
                ballot.accept()
            ballots = Ballot.objects.bulk_create(ballots)
            Vote.objects.bulk_create([
                Vote(poll=poll, option_id=option_id, ballot=ballot, weight=weight)
                for ballot, card in zip(ballots, chunk, strict=True)
                for option_id, weight in card.votes])
            stored += transition_audit_many(
                Ballot, "accept", ballots, organisation=box.organisation_id,
                stream=f"box:{box.pk}", details={"imported": True})
    return stored


def box_is_open(box: BallotBox) -> bool:
    return BallotBox.objects.filter(pk=box.pk, state=BallotBox.State.OPEN).exists()


def poll_counting_set(*, poll: Poll, scoring: str, threshold: int | None,
                      greedy_skip: bool) -> None:
    """How ``poll``'s projects are ranked and selected (a city's rules, PB-21)."""
    Poll.objects.filter(pk=poll.pk).update(scoring=scoring, threshold=threshold,
                                           greedy_skip=greedy_skip)


def option_codes_set(*, box: BallotBox, codes: dict[str, str]) -> None:
    """Renumber ``box``'s options by their source id (a city's own project numbers)."""
    for source_id, code in codes.items():
        Option.objects.filter(poll__box=box, source_id=source_id).update(code=code)
