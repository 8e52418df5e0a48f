"""What may happen in which phase of an edition, and why not when it may not.

Other apps add blockers for a phase change without intake importing them: the
evaluation app, for instance, registers "review tasks still open" for opening the vote.
"""
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from ballots.windows import format_moment, window_closed_reason

_blockers: dict[str, list[Callable]] = {}

# Whole sentences per phase: Polish inflects the verb by the phase's grammatical gender.
_REFUSALS = {
    "intake": {
        "closed_on": _("Proposal intake closed on %(date)s."),
        "closed": _("Proposal intake is closed."),
        "opens_on": _("Proposal intake opens on %(date)s."),
        "not_open": _("Proposal intake has not opened yet."),
    },
    "voting": {
        "closed_on": _("Voting closed on %(date)s."),
        "closed": _("Voting is closed."),
        "opens_on": _("Voting opens on %(date)s."),
        "not_open": _("Voting has not opened yet."),
    },
}


def blocker_register(transition: str, provider: Callable) -> None:
    """Register ``provider(edition) -> list[str]`` as a precondition of ``transition``."""
    if provider not in _blockers.setdefault(transition, []):
        _blockers[transition].append(provider)


def blockers_for(edition, transition: str) -> list[str]:
    """Every reason why ``transition`` cannot run now; empty when it can."""
    return [str(reason) for provider in _blockers.get(transition, [])
            for reason in provider(edition)]


def phase_refusal(edition, phase: str, now=None) -> str | None:
    """Why an action of ``phase`` ("intake" or "voting") is refused now, or None if allowed."""
    from .models import Edition

    state = {"intake": Edition.State.INTAKE, "voting": Edition.State.VOTING}[phase]
    closed = window_closed_reason(
        is_open_state=edition.state == state, is_past_state=_is_past(edition.state, state),
        starts=getattr(edition, f"{phase}_starts_at"), ends=getattr(edition, f"{phase}_ends_at"),
        now=now)
    if closed is None:
        return None
    reason, moment = closed
    message = str(_REFUSALS[phase][reason])
    return message % {"date": format_moment(moment)} if moment else message


def _is_past(current: str, phase_state: str) -> bool:
    from .models import Edition

    order = [Edition.State.DRAFT, Edition.State.INTAKE, Edition.State.REVIEW,
             Edition.State.VOTING, Edition.State.CLOSED]
    return order.index(current) > order.index(phase_state)


def edition_without_pools(edition) -> list[str]:
    """Intake cannot open before there is money to ask for (PB-2)."""
    if not edition.pools.exists():
        return [str(_("The edition has no pools yet: add the city-wide pool or a district "
                      "pool."))]
    return []
