"""Whether something is open now, and if not, a sentence that says why."""
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def format_moment(value) -> str:
    return formats.date_format(timezone.localtime(value), "j E Y, H:i")


def window_refusal(name: str, *, is_open_state: bool, is_past_state: bool, starts, ends,
                   now=None) -> str | None:
    """None if ``name`` (a phase, "Voting") is open now; otherwise why not, with the date."""
    now = now or timezone.now()
    within_dates = (starts is None or starts <= now) and (ends is None or now < ends)
    if is_open_state and within_dates:
        return None
    if (ends is not None and now >= ends) or is_past_state:
        if ends is not None:
            return _("%(phase)s closed on %(date)s.") % {"phase": name,
                                                         "date": format_moment(ends)}
        return _("%(phase)s is closed.") % {"phase": name}
    if starts is not None:
        return _("%(phase)s opens on %(date)s.") % {"phase": name, "date": format_moment(starts)}
    return _("%(phase)s has not opened yet.") % {"phase": name}
