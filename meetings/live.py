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

A vote is not a change of the state: 200 members voting within seconds would each send
every screen to the full view. A screen follows the votes it shows, and only those: one
that shows running counts (the secretary's, the session's page, the projector) follows
the meeting's tally (``TALLY``), a member's follows the votes of the electors they vote
for (``voter_follow``), a public page of closed votes follows none. Each is one more
counter, bumped by ``meetings.services.meeting_votes_touch``, named in the tag and checked
with the state's.
"""
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from ballots.models import Vote
from ballots.rolls import Elector
from organisations.roles import Role
from organisations.selectors import organisations_for

from . import selectors
from .models import Meeting, Resolution
from .results import resolution_result

RUNNING_ROLES = (Role.COMPANY_SECRETARY, Role.COUNCIL_OPERATOR, Role.COUNCIL_CHAIR)
TALLY = "t"  # what a screen showing running counts follows besides the state


def voter_follow(user_id: int) -> str:
    """What a member's screen follows besides the state: the votes for their electors."""
    return f"u{user_id}"


def visible_meetings(user):
    """Meetings ``user`` may watch: those they vote in, and those their organisation runs."""
    electors = Elector.objects.filter(Q(user=user) | Q(proxy=user), roll_id=OuterRef("roll_id"))
    return Meeting.objects.filter(
        Exists(electors) | Q(organisation__in=organisations_for(user, *RUNNING_ROLES)))


# A counter that outlives no change for long: if a bump is ever lost (the cache briefly
# down), screens are wrong for at most this long; its expiry costs each screen one 200.
LIVE_TTL = 600
TAG = re.compile(r'"([ms])(\d+)-v([0-9.]+)-c(\d+)(?:-(t|u\d+)=(\d+))?-([0-9a-f]+)"')


def _now() -> float:
    return time.time()


def _version_key(meeting_id: int, follow: str = "") -> str:
    return f"wotum:live:{meeting_id}:{follow}" if follow else f"wotum:live:{meeting_id}"


def due_key(meeting_id: int, counter: int) -> str:
    """When the state as of ``counter`` must be read again (a council vote's deadline)."""
    return f"wotum:live:{meeting_id}:{counter}:due"


def due_remember(meeting_id: int, counter: int, due) -> None:
    """Keep with the state as of ``counter`` when it must be read again (``due``, or None:
    never by itself); ``still_current`` stops matching tags from then on."""
    if counter:
        cache.set(due_key(meeting_id, counter), due.timestamp() if due else 0, LIVE_TTL)


def live_counters(meeting_id: int, *follows: str) -> list[int]:
    """The cache's counters for the meeting's state (``""``) and for what else a screen
    follows, read BEFORE the database: a change committed after this read bumps them, so
    a tag built on them can never outlive that change. 0 when the cache is unavailable
    (no tag then matches in the middleware)."""
    keys = [_version_key(meeting_id, follow) for follow in follows]
    found = cache.get_many(keys)
    counters = []
    for key in keys:
        counter = found.get(key)
        if counter is None:
            # A fresh start never repeats an earlier value, so an old tag cannot match again.
            cache.add(key, time.time_ns(), LIVE_TTL)
            counter = cache.get(key)
        counters.append(counter or 0)
    return counters


def live_bump(meeting_id: int, follow: str = "") -> None:
    """After the commit of a change: screens' tags stop matching."""
    key = _version_key(meeting_id, follow)
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, time.time_ns(), LIVE_TTL)


def _digest(cookies, body: str) -> str:
    # Keyed (SECRET_KEY) hash of what decides who is asking and in which language: the
    # document differs per person (their votes) and language (ChosenLanguageMiddleware
    # reads only the cookie).
    value = "|".join((body, cookies.get(settings.SESSION_COOKIE_NAME, ""),
                      cookies.get(settings.LANGUAGE_COOKIE_NAME, "")))
    return salted_hmac("wotum.live.etag", value).hexdigest()[:24]


def _body(kind: str, meeting_id: int, version: str, counter, follow: str, followed) -> str:
    body = f"{kind}{meeting_id}-v{version}-c{counter}"
    return f"{body}-{follow}={followed}" if follow else body


def state_etag(request, kind: str, meeting_id: int, version, counter: int,
               follow: str = "", followed: int = 0) -> str:
    """The tag of the state as of ``counter`` (and, for a screen that ``follow``s votes,
    of those as of ``followed``), both read from the cache before ``version``."""
    body = _body(kind, meeting_id, version, counter, follow, followed)
    return f'"{body}-{_digest(request.COOKIES, body)}"'


def still_current(cookies, kind: str, meeting_id: int, header: str) -> str | None:
    """The tag, when ``header`` (If-None-Match) holds the tag this browser (``cookies``)
    got with an authorised 200 for the meeting's current state: a 304 may answer."""
    for match in TAG.finditer(header):
        tag_kind, tag_id, version, counter, follow, followed, digest = match.groups()
        if tag_kind != kind or int(tag_id) != meeting_id or counter == "0" or followed == "0":
            continue
        body = _body(kind, meeting_id, version, counter, follow or "", followed)
        if not constant_time_compare(digest, _digest(cookies, body)):
            continue
        keys = [_version_key(meeting_id), due_key(meeting_id, int(counter))]
        if follow:
            keys.append(_version_key(meeting_id, follow))
        found = cache.get_many(keys)
        if found.get(keys[0]) != int(counter):
            return None
        if follow and found.get(keys[2]) != int(followed):
            return None
        if kind == "s":
            # A council vote past its deadline must be closed by the view (on read).
            due = found.get(keys[1])
            if due is None or (due and _now() >= due):
                return None
        return match.group(0)
    return None


def votes_followed(meeting_id: int, follow: str) -> int:
    """How many votes a screen following ``follow`` shows: all the meeting's (``TALLY``) or
    those for one person's electors. A vote is only ever added (a changed vote is a new
    row), so the number grows with every vote committed."""
    votes = Vote.objects.filter(poll__resolution__meeting_id=meeting_id)
    if follow != TALLY:
        user_id = int(follow.removeprefix("u"))
        votes = votes.filter(Q(elector__user_id=user_id) | Q(elector__proxy_id=user_id))
    return votes.count()


def screen_version(meeting_id: int, version: int, follow: str) -> str:
    """What the screen shows, as a string that changes with it (``data-live-version`` and
    the state's ``screen``): the meeting's ``version`` and the votes it follows. Read
    before what the page shows, so a page never claims more than it holds."""
    return f"{version}.{votes_followed(meeting_id, follow)}" if follow else str(version)


def meeting_follow(user, meeting: Meeting) -> str:
    """Whoever runs the meeting sees the running counts; a member, their own votes."""
    return TALLY if selectors.may_run(user, meeting) else voter_follow(user.pk)


def results_visible(meeting: Meeting, user) -> bool:
    """BR-7: members see results until the meeting closes; whoever runs it, always."""
    return meeting.state != Meeting.State.CLOSED or selectors.may_run(user, meeting)


def state_document(meeting: Meeting, user, screen: str) -> dict:
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
    return {"meeting": meeting.pk, "version": meeting.version, "screen": screen,
            "state": meeting.state, "results_visible": visible, "resolutions": resolutions}


def meeting_state(request, pk: int):
    """GET the live state; 304 when ``If-None-Match`` still holds."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login required"}, status=403)
    mine = voter_follow(request.user.pk)
    counter, tally, followed = live_counters(pk, "", TALLY, mine)
    meeting = visible_meetings(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    follow = meeting_follow(request.user, meeting)
    screen = screen_version(pk, meeting.version, follow)
    etag = state_etag(request, "m", pk, screen, counter, follow,
                      tally if follow == TALLY else followed)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(state_document(meeting, request.user, screen))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, Accept-Language"
    return response
