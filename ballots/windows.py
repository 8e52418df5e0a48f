"""Whether something with dates and a state is open now, and if not, why not.

Each caller words the reason in its own sentences (Polish inflects the verb by the
phase's gender); this module only decides which reason applies, once for every caller.
"""
from django.utils import formats, timezone


def format_moment(value) -> str:
    """A date as people read it: "30 May 2026, 23:59" in the local time zone."""
    return formats.date_format(timezone.localtime(value), "j E Y, H:i")


def window_end(*, ends, closed_at=None):
    """When a window ends or ended: its planned end, or the moment it was closed if earlier.

    A window closed late (the scheduler ran after the planned end) refused everything from
    the planned end on, so that is when it ended for everyone who tried."""
    if closed_at is not None and (ends is None or closed_at < ends):
        return closed_at
    return ends


def window_closed_reason(*, is_open_state: bool, is_past_state: bool, starts, ends,
                         now=None, closed_at=None) -> tuple[str, object] | None:
    """None while open; otherwise ``(reason, date)`` with reason one of ``closed_on``,
    ``closed``, ``opens_on``, ``not_open`` and the date it names (or None).

    A window closed early names ``closed_at``, when it really closed, never a planned end
    still to come (see ``window_end``)."""
    now = now or timezone.now()
    within_dates = (starts is None or starts <= now) and (ends is None or now < ends)
    if is_open_state and within_dates:
        return None
    if (ends is not None and now >= ends) or is_past_state:
        ended = window_end(ends=ends, closed_at=closed_at if is_past_state else None)
        return ("closed_on", ended) if ended is not None else ("closed", None)
    if starts is not None and starts > now:
        return "opens_on", starts
    return "not_open", None
