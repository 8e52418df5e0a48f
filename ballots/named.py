"""Named votes on a poll with a roll of electors: cast, change, presence, tally.

Resolutions and council motions vote here; the process apps (``meetings``) call these
services and add what is theirs (who may open a poll, e-mails, live screens). The
database has the last word on every rule (see ``rolls.py``); the checks here exist to say
*why* a vote is refused, in the voter's language.
"""
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from audit.services import audit_record
from audit.transitions import transition_audit_many, transition_run

from .counting import Tally
from .models import OpenClosed, Option, Poll, Vote
from .rolls import Elector, Roll
from .selectors import poll_tally_by_code

CONFIRMATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud


class VoteRefused(Exception):
    """A named vote refused; ``code`` says why, ``message`` says it to the voter."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


def _refusal(code: str) -> VoteRefused:
    messages = {
        "not_open": _("Voting on this resolution has not been opened."),
        "closed": _("Voting on this resolution is closed; your vote was not recorded."),
        "not_on_roll": _("You are not on the roll of electors of this vote, nor anyone's "
                         "proxy on it; your vote was not recorded."),
        "absent": _("Only electors present may vote; confirm your presence first."),
        "no_option": _("Choose one of the options."),
        "refused": _("Your vote was not recorded: the vote changed state at that moment. "
                     "Reload the page and try again."),
    }
    return VoteRefused(code, messages[code])


def named_vote_refusal(*, poll: Poll, elector: Elector | None, cast_by) -> str | None:
    """Why ``cast_by`` may not vote for ``elector`` on ``poll`` now; None if they may."""
    if poll.state == OpenClosed.DRAFT:
        return "not_open"
    if poll.state == OpenClosed.CLOSED:
        return "closed"
    if elector is None or elector.roll_id != poll.roll_id or not elector.may_be_cast_by(cast_by):
        return "not_on_roll"
    if poll.roll.presence_required and not elector.present:
        return "absent"
    return None


def confirmation_code() -> str:
    return "".join(secrets.choice(CONFIRMATION_ALPHABET) for _ in range(10))


@dataclass(frozen=True)
class CastResult:
    vote: Vote
    superseded: Vote | None


def named_vote_cast(*, poll: Poll, elector: Elector, cast_by, option_code: str,
                    secret: bool = False) -> CastResult:
    """Record ``cast_by``'s vote for ``elector``; a vote already there stops counting.

    ``secret``: the audit row records that the elector voted, not how (a secret council
    vote shows counts only, the audit log included).

    The elector's row is locked first, so simultaneous submits for one elector queue and
    each supersedes the one before: one live vote remains. The trigger and the partial
    unique index refuse what slips past the checks; that surfaces as ``refused``.
    """
    try:
        with transaction.atomic():
            elector = Elector.objects.select_for_update().select_related("roll").get(
                pk=elector.pk)
            poll = Poll.objects.select_related("roll").get(pk=poll.pk)
            code = named_vote_refusal(poll=poll, elector=elector, cast_by=cast_by)
            if code:
                raise _refusal(code)
            option = Option.objects.filter(poll=poll, code=option_code).first()
            if option is None:
                raise _refusal("no_option")
            previous = Vote.objects.filter(poll=poll, elector=elector, counts=True).first()
            if previous is not None:
                Vote.objects.filter(pk=previous.pk).update(counts=False)
            vote = Vote.objects.create(poll=poll, option=option, elector=elector,
                                       voter=cast_by, weight=elector.weight,
                                       receipt_code=confirmation_code())
            audit_record(
                action="vote.change" if previous else "vote.cast", actor=cast_by,
                obj=poll if secret else vote,  # a vote's repr names its option
                organisation=poll.organisation_id, stream=f"poll:{poll.pk}",
                from_state=previous.option.code if previous and not secret else "",
                to_state="" if secret else option.code,
                details={"poll": poll.pk, "elector": elector.pk,
                         "elector_name": str(elector.user), "cast_by": str(cast_by),
                         "proxy": cast_by.pk != elector.user_id, "weight": elector.weight,
                         "confirmation": vote.receipt_code,
                         "superseded": previous.pk if previous else None})
    except IntegrityError:
        raise _refusal("refused") from None
    return CastResult(vote=vote, superseded=previous)


def elector_presence_set(*, elector: Elector, present: bool, actor) -> Elector:
    """Mark an elector present or absent: its ``arrive`` / ``leave`` transition, audited.

    Raises ``PermissionDenied`` when ``actor`` may not (another elector's presence).
    Already in that state: nothing changes and nothing is recorded.
    """
    with transaction.atomic():
        locked = Elector.objects.select_for_update().get(pk=elector.pk)
        if locked.present == present:
            return locked
        return transition_run(locked, "arrive" if present else "leave", actor=actor,
                              details={"roll": locked.roll_id})


def roll_presence_reset(*, roll: Roll, actor) -> int:
    """Everyone on ``roll`` leaves at once (a new presence check begins): one UPDATE of
    those present, and the audit rows their ``leave`` transitions write. The caller
    checks that ``actor`` may record attendance."""
    with transaction.atomic():
        leaving = list(Elector.objects.select_for_update().filter(
            roll=roll, attendance=Elector.Attendance.PRESENT).select_related("roll"))
        Elector.objects.filter(pk__in=[e.pk for e in leaving]).update(
            attendance=Elector.Attendance.ABSENT, present=False)
        transition_audit_many(Elector, "leave", leaving, actor=actor,
                              organisation=roll.organisation_id,
                              details={"roll": roll.pk, "reset": True})
    return len(leaving)


def roll_tally(poll: Poll) -> Tally:
    """Live votes per option code, by head and by weight (the one tally selector's)."""
    return poll_tally_by_code(poll)


@dataclass(frozen=True)
class RollSize:
    """Electors on a roll, and those present, by head and by weight."""

    heads: int
    weight: int
    present_heads: int
    present_weight: int


def roll_size(roll: Roll) -> RollSize:
    """Count the roll and its electors present: one aggregate query."""
    present = Q(present=True)
    row = Elector.objects.filter(roll=roll).aggregate(
        n=Count("id"), total=Sum("weight"),
        n_present=Count("id", filter=present), total_present=Sum("weight", filter=present))
    return RollSize(heads=row["n"], weight=row["total"] or 0,
                    present_heads=row["n_present"], present_weight=row["total_present"] or 0)


def live_votes(poll: Poll):
    """The counting votes of a poll with their elector and caster."""
    return (Vote.objects.filter(poll=poll, counts=True)
            .select_related("option", "elector__user", "voter").order_by("elector__position",
                                                                        "elector_id"))
