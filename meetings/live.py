"""The live state of a meeting: a small JSON document behind an ETag (BR-6).

Screens poll it every second with ``If-None-Match``. An unchanged meeting is answered 304
by ``meetings.middleware.LiveStateMiddleware`` before sessions, auth and the database
(500 screens must cost under a quarter of a core, issue 17): the tag embeds a counter kept
in the cache, bumped after every commit that bumps ``Meeting.version``, and a keyed hash of
the browser's session and language cookies, so only a browser that got an authorised 200
for that very state holds a tag that still matches. Any change bumps the counter and the
full, authorised view answers. Without the cache the view's own check still works (one
indexed query, the visibility check folded in). Only a changed state builds the document,
and the page then fetches its own HTML again (``static/meetings/live.js``), so a reload and
a live update always show the same thing.
"""
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from ballots.rolls import Elector
from organisations.roles import Role
from organisations.selectors import organisations_for

from . import selectors
from .models import Meeting, Resolution
from .results import resolution_result

RUNNING_ROLES = (Role.COMPANY_SECRETARY, Role.COUNCIL_OPERATOR, Role.COUNCIL_CHAIR)


def visible_meetings(user):
    """Meetings ``user`` may watch: those they vote in, and those their organisation runs."""
    electors = Elector.objects.filter(Q(user=user) | Q(proxy=user), roll_id=OuterRef("roll_id"))
    return Meeting.objects.filter(
        Exists(electors) | Q(organisation__in=organisations_for(user, *RUNNING_ROLES)))


# A counter that outlives no change for long: if a bump is ever lost (the cache briefly
# down), screens are wrong for at most this long; its expiry costs each screen one 200.
LIVE_TTL = 600
TAG = re.compile(r'"([ms])(\d+)-v(\d+)-c(\d+)-([0-9a-f]+)"')


def _now() -> float:
    return time.time()


def _version_key(meeting_id: int) -> str:
    return f"wotum:live:{meeting_id}"


def due_key(meeting_id: int, counter: int) -> str:
    """When the state as of ``counter`` must be read again (a council vote's deadline)."""
    return f"wotum:live:{meeting_id}:{counter}:due"


def due_remember(meeting_id: int, counter: int, due) -> None:
    """Keep with the state as of ``counter`` when it must be read again (``due``, or None:
    never by itself); ``still_current`` stops matching tags from then on."""
    if counter:
        cache.set(due_key(meeting_id, counter), due.timestamp() if due else 0, LIVE_TTL)


def live_counter(meeting_id: int) -> int:
    """The cache's counter for the meeting, read BEFORE the database: a change committed
    after this read bumps it, so a tag built on it can never outlive that change. 0 when
    the cache is unavailable (no tag then matches in the middleware)."""
    key = _version_key(meeting_id)
    counter = cache.get(key)
    if counter is None:
        # A fresh start never repeats an earlier value, so an old tag cannot match again.
        cache.add(key, time.time_ns(), LIVE_TTL)
        counter = cache.get(key)
    return counter or 0


def live_bump(meeting_id: int) -> None:
    """After the commit of a change: screens' tags stop matching."""
    try:
        cache.incr(_version_key(meeting_id))
    except ValueError:
        cache.add(_version_key(meeting_id), time.time_ns(), LIVE_TTL)


def _digest(request, body: str) -> str:
    # Keyed (SECRET_KEY) hash of what decides who is asking and in which language: the
    # document differs per person (their votes) and language (ChosenLanguageMiddleware
    # reads only the cookie).
    cookies = request.COOKIES
    value = "|".join((body, cookies.get(settings.SESSION_COOKIE_NAME, ""),
                      cookies.get(settings.LANGUAGE_COOKIE_NAME, "")))
    return salted_hmac("wotum.live.etag", value).hexdigest()[:24]


def state_etag(request, kind: str, meeting_id: int, version: int, counter: int) -> str:
    body = f"{kind}{meeting_id}-v{version}-c{counter}"
    return f'"{body}-{_digest(request, body)}"'


def still_current(request, kind: str, meeting_id: int, header: str) -> str | None:
    """The tag, when ``header`` (If-None-Match) holds the tag this browser got with an
    authorised 200 for the meeting's current state: the middleware may answer 304."""
    for match in TAG.finditer(header):
        tag_kind, tag_id, version, counter, digest = match.groups()
        if tag_kind != kind or int(tag_id) != meeting_id or counter == "0":
            continue
        body = f"{kind}{meeting_id}-v{version}-c{counter}"
        if not constant_time_compare(digest, _digest(request, body)):
            continue
        keys = [_version_key(meeting_id), due_key(meeting_id, int(counter))]
        found = cache.get_many(keys)
        if found.get(keys[0]) != int(counter):
            return None
        if kind == "s":
            # A council vote past its deadline must be closed by the view (on read).
            due = found.get(keys[1])
            if due is None or (due and _now() >= due):
                return None
        return match.group(0)
    return None


def results_visible(meeting: Meeting, user) -> bool:
    """BR-7: members see results until the meeting closes; whoever runs it, always."""
    return meeting.state != Meeting.State.CLOSED or selectors.may_run(user, meeting)


def state_document(meeting: Meeting, user) -> dict:
    """What live screens need to know has changed (and a little of what changed)."""
    visible = results_visible(meeting, user)
    electors = selectors.meeting_electors_of(user, meeting)
    resolutions = []
    for resolution in meeting.resolutions.select_related("poll"):
        entry = {"id": resolution.pk, "identifier": resolution.identifier,
                 "state": resolution.state,
                 "can_vote": bool(electors) and resolution.state == Resolution.State.OPEN
                 and meeting.state == Meeting.State.VOTING}
        if visible and resolution.state == Resolution.State.CLOSED:
            result = resolution_result(resolution)
            if result is not None:
                entry["adopted"], entry["sentence"] = result.adopted, result.sentence
        resolutions.append(entry)
    return {"meeting": meeting.pk, "version": meeting.version, "state": meeting.state,
            "results_visible": visible, "resolutions": resolutions}


def meeting_state(request, pk: int):
    """GET the live state; 304 when ``If-None-Match`` still holds."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login required"}, status=403)
    counter = live_counter(pk)
    version = visible_meetings(request.user).filter(pk=pk).values_list("version",
                                                                       flat=True).first()
    if version is None:
        raise Http404
    etag = state_etag(request, "m", pk, version, counter)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        meeting = Meeting.objects.get(pk=pk)
        response = JsonResponse(state_document(meeting, request.user))
        etag = state_etag(request, "m", pk, meeting.version, counter)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, Accept-Language"
    return response
