"""The live state of a meeting: a small JSON document behind an ETag (BR-6).

Screens poll it every second with ``If-None-Match``. An unchanged meeting costs one
indexed query (the version, with the visibility check folded in) and a 304 with no body;
only a changed version builds the document, and the page then fetches its own HTML again
(``static/meetings/live.js``), so a reload and a live update always show the same thing.
"""
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.utils.translation import get_language

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


def state_etag(meeting_id: int, version: int, user) -> str:
    # The document differs per person (their votes) and language, so both are in the tag.
    return f'"m{meeting_id}-v{version}-u{user.pk}-{get_language()}"'


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
    version = visible_meetings(request.user).filter(pk=pk).values_list("version",
                                                                       flat=True).first()
    if version is None:
        raise Http404
    etag = state_etag(pk, version, request.user)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        meeting = Meeting.objects.get(pk=pk)
        response = JsonResponse(state_document(meeting, request.user))
        etag = state_etag(pk, meeting.version, request.user)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, Accept-Language"
    return response
