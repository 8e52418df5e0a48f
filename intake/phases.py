"""What may happen in which phase of an edition, and why not when it may not.

Other apps add blockers for a phase change without intake importing them: the
evaluation app, for instance, registers "review tasks still open" for opening the vote.
"""
from collections.abc import Callable

from django.utils import formats, timezone
from django.utils.translation import gettext as _

_blockers: dict[str, list[Callable]] = {}


def blocker_register(transition: str, provider: Callable) -> None:
    """Register ``provider(edition) -> list[str]`` as a precondition of ``transition``."""
    if provider not in _blockers.setdefault(transition, []):
        _blockers[transition].append(provider)


def blockers_for(edition, transition: str) -> list[str]:
    """Every reason why ``transition`` cannot run now; empty when it can."""
    return [reason for provider in _blockers.get(transition, []) for reason in provider(edition)]


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "j E Y, H:i")


def phase_refusal(edition, phase: str, now=None) -> str | None:
    """Why an action of ``phase`` ("intake" or "voting") is refused now, or None if allowed."""
    from .models import Edition

    now = now or timezone.now()
    starts = getattr(edition, f"{phase}_starts_at")
    ends = getattr(edition, f"{phase}_ends_at")
    state = {"intake": Edition.State.INTAKE, "voting": Edition.State.VOTING}[phase]
    names = {"intake": _("Proposal intake"), "voting": _("Voting")}
    within_dates = (starts is None or starts <= now) and (ends is None or now < ends)
    if edition.state == state and within_dates:
        return None
    if (ends is not None and now >= ends) or _is_past(edition.state, state):
        if ends is not None:
            return _("%(phase)s closed on %(date)s.") % {"phase": names[phase], "date": _date(ends)}
        return _("%(phase)s is closed.") % {"phase": names[phase]}
    if starts is not None:
        return _("%(phase)s opens on %(date)s.") % {"phase": names[phase], "date": _date(starts)}
    return _("%(phase)s has not opened yet.") % {"phase": names[phase]}


def _is_past(current: str, phase_state: str) -> bool:
    from .models import Edition

    order = [Edition.State.DRAFT, Edition.State.INTAKE, Edition.State.REVIEW,
             Edition.State.VOTING, Edition.State.CLOSED]
    return order.index(current) > order.index(phase_state)
