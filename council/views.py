"""Pages of council sessions: the operator's and the councillor's screens, the projector,
the public pages with their feed and exports, and the councillor's own area."""
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from ballots.models import Vote
from ballots.named import VoteRefused
from ballots.rolls import Elector
from meetings import live
from meetings import selectors as meeting_selectors
from meetings.models import Meeting, Resolution
from meetings.services import MeetingRefused
from organisations.roles import Role
from organisations.selectors import organisations_for

from . import exports, selectors, services
from .forms import (
    ItemForm,
    PrivateDocumentForm,
    QuorumForm,
    SessionDocumentForm,
    SessionForm,
    VoteOpenForm,
)
from .models import Council, PrivateDocument, SessionDocument


def _sessions():
    return Meeting.objects.filter(kind=Meeting.Kind.COUNCIL_SESSION).select_related(
        "organisation", "roll")


def _session_for(request, pk) -> tuple[Meeting, bool, Elector | None]:
    """The session, whether the user runs it, and their place on its roll (if any)."""
    meeting = get_object_or_404(_sessions(), pk=pk)
    running = meeting_selectors.may_run(request.user, meeting)
    elector = Elector.objects.filter(roll_id=meeting.roll_id, user=request.user).first()
    if not running and elector is None:
        raise Http404
    return meeting, running, elector


@login_required
def session_list(request):
    """Sessions the user runs or sits in, and (for operators) a new session form."""
    running = meeting_selectors.meetings_run_by(request.user).filter(
        kind=Meeting.Kind.COUNCIL_SESSION)
    councils = Council.objects.filter(organisation__in=organisations_for(
        request.user, Role.COUNCIL_OPERATOR, Role.COUNCIL_CHAIR))
    councils = list(councils.select_related("organisation"))
    for council in councils:
        council.manageable = request.user.has_perm("council.manage_councillors", council)
    return render(request, "council/session_list.html", {
        "running": running.select_related("organisation"),
        "mine": meeting_selectors.meetings_of_member(request.user).filter(
            kind=Meeting.Kind.COUNCIL_SESSION).select_related("organisation"),
        "councils": councils, "form": SessionForm()})


@login_required
@require_POST
def session_new(request, council_pk):
    council = get_object_or_404(Council.objects.select_related("organisation"), pk=council_pk)
    if not request.user.has_perm("meetings.run_meeting", council):
        raise PermissionDenied
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the session a title."))
        return redirect("council:sessions")
    meeting = services.council_session_create(council=council, actor=request.user,
                                              **form.cleaned_data)
    return redirect("council:session", meeting.pk)


@login_required
def session_detail(request, pk):
    meeting, running, elector = _session_for(request, pk)
    services.session_close_due(meeting)
    meeting.refresh_from_db()
    live_version = live.screen_version(meeting.pk, meeting.version, live.TALLY)
    screen = selectors.session_screen(meeting)
    context = {"meeting": meeting, "running": running, "elector": elector, **screen,
               "live_version": live_version, "live_follow": live.TALLY,
               "agenda": meeting.resolutions.select_related("session_item"),
               "documents": meeting.session_documents.select_related("resolution"),
               "votes": selectors.session_votes(meeting),
               "council": selectors.council_for(meeting)}
    if elector is not None and screen["open_item"] is not None:
        context["my_vote"] = Vote.objects.filter(poll_id=screen["open_item"].poll_id,
                                                 elector=elector, counts=True).select_related(
            "option").first()
    if running:
        context.update(item_form=ItemForm(), vote_form=VoteOpenForm(), quorum_form=QuorumForm(),
                       document_form=SessionDocumentForm(meeting=meeting),
                       roll=meeting.roll.electors.select_related("user").order_by(
                           "user__last_name", "user__first_name"))
    return render(request, "council/session.html", context)


def _posted_id(request, name) -> str:
    """A posted id, digits only (a bad one is a 404, never a 500)."""
    value = request.POST.get(name, "")
    if not re.fullmatch(r"[0-9]{1,18}", value):
        raise Http404
    return value


def _back(meeting):
    return redirect("council:session", meeting.pk)


@login_required
@require_POST
def session_step(request, pk, step):
    """The operator's steps and the councillor's presence and vote, all by POST."""
    meeting, running, elector = _session_for(request, pk)
    try:
        if step == "present":
            services.presence_confirm(meeting=meeting, user=request.user)
            messages.success(request, _("Your presence is recorded."))
            return _back(meeting)
        if step == "vote":
            resolution = get_object_or_404(meeting.resolutions, pk=_posted_id(request, "item"))
            choice = request.POST.get("choice", "")
            services.item_vote_cast(resolution=resolution, user=request.user, choice=choice)
            messages.success(request, _("Your vote is recorded."))
            return _back(meeting)
        if not running:
            raise PermissionDenied
        _operator_step(request, meeting, step)
    except (MeetingRefused, VoteRefused) as refused:
        messages.error(request, refused.message)
    return _back(meeting)


def _operator_step(request, meeting, step):
    actor = request.user
    if step == "start":
        services.session_start(meeting=meeting, actor=actor)
        messages.success(request, _("The session has started."))
    elif step == "item":
        form = ItemForm(request.POST)
        if not form.is_valid():
            raise MeetingRefused(_("Give the resolution's identifier (at most 60 characters)."))
        services.session_item_add(meeting=meeting, actor=actor, **form.cleaned_data)
    elif step == "quorum":
        form = QuorumForm(request.POST)
        seconds = form.cleaned_data["seconds"] if form.is_valid() else \
            services.QUORUM_CHECK_SECONDS
        services.quorum_check_start(meeting=meeting, actor=actor, seconds=seconds)
        messages.success(request, _("The quorum check has started."))
    elif step == "quorum-end":
        check = meeting.quorum_checks.filter(state="open").first()
        if check is None:
            raise MeetingRefused(_("No quorum check is in progress."))
        services.quorum_check_close(check=check, actor=actor)
    elif step == "absent":
        elector = get_object_or_404(Elector, roll_id=meeting.roll_id,
                                    pk=_posted_id(request, "elector"))
        services.councillor_mark_absent(meeting=meeting, elector=elector, actor=actor)
        messages.success(request, _("%(name)s is marked absent.") % {"name": elector.user})
    elif step == "open":
        resolution = get_object_or_404(meeting.resolutions, pk=_posted_id(request, "item"))
        form = VoteOpenForm(request.POST)
        if not form.is_valid():
            raise MeetingRefused(_("Choose a majority rule and a duration of 10 to 3600 "
                                   "seconds."))
        services.item_vote_open(resolution=resolution, actor=actor, **form.cleaned_data)
        messages.success(request, _("The vote has started."))
    elif step == "close":
        resolution = get_object_or_404(meeting.resolutions, pk=_posted_id(request, "item"),
                                       state=Resolution.State.OPEN)
        from meetings.services import resolution_close

        resolution_close(resolution=resolution, actor=actor)
        messages.success(request, _("The vote has ended."))
    elif step == "document":
        form = SessionDocumentForm(request.POST, request.FILES, meeting=meeting)
        if not form.is_valid():
            raise MeetingRefused(_("Give the document a title and choose its file."))
        data = form.cleaned_data
        document = services.session_document_add(
            meeting=meeting, actor=actor, title=data["title"], upload=data["file"],
            resolution=data["resolution"], public=data["public"])
        messages.success(request, _("The document “%(title)s” is added.")
                         % {"title": document.title})
    elif step == "document-remove":
        document = get_object_or_404(meeting.session_documents,
                                     pk=_posted_id(request, "document"))
        services.session_document_remove(document=document, actor=actor)
        messages.success(request, _("The document “%(title)s” is removed.")
                         % {"title": document.title})
    elif step == "end":
        services.session_close(meeting=meeting, actor=actor)
        messages.success(request, _("The session is closed."))
    else:
        raise Http404


def session_state(request, pk):
    """The live state every session screen polls: its version, behind an ETag. Public: it
    says only that something changed. A screen showing the running count (``?follow=t``)
    follows the votes too; the public pages show closed votes only, so a vote is no
    change for them. Reading it closes what is past its time (the beat's timetable does
    too, every 5 s); unchanged polls never get here (LiveStateMiddleware), and the
    deadline cached with the tag sends the first poll after it here."""
    follow = live.TALLY if request.GET.get("follow") == live.TALLY else ""
    # before the database: see meetings/live.py
    counter, followed = live.live_counters(pk, "", follow)
    due = services.session_next_deadline(pk)
    if due is not None and due <= timezone.now():
        services.session_close_due(Meeting(pk=pk))
        due = services.session_next_deadline(pk)
    version = _sessions().filter(pk=pk).values_list("version", flat=True).first()
    if version is None:
        raise Http404
    screen = live.screen_version(pk, version, follow)
    live.due_remember(pk, counter, due)
    etag = live.state_etag(request, "s", pk, screen, counter, follow, followed)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = JsonResponse({"meeting": pk, "version": version, "screen": screen})
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


@xframe_options_exempt
def projector(request, pk):
    """The broadcast screen (CS-5): large type; live count while open, then the result."""
    meeting = get_object_or_404(_sessions().exclude(state=Meeting.State.DRAFT), pk=pk)
    services.session_close_due(meeting)
    meeting.refresh_from_db()
    live_version = live.screen_version(meeting.pk, meeting.version, live.TALLY)
    screen = selectors.session_screen(meeting)
    last = None
    if screen["open_item"] is None and screen["last_closed"] is not None:
        votes = selectors.session_votes(meeting)
        last = next((v for v in votes if v.resolution.pk == screen["last_closed"].pk), None)
    return render(request, "council/projector.html", {
        "meeting": meeting, **screen, "last": last, "live_version": live_version,
        "live_follow": live.TALLY})


def _council(slug) -> Council:
    return get_object_or_404(Council.objects.select_related("organisation"),
                             organisation__slug=slug)


@xframe_options_exempt
def public_council(request, slug):
    """The public page of a council: its sessions (the archive), newest first."""
    council = _council(slug)
    sessions = list(selectors.public_sessions(council))
    latest = sessions[0] if sessions else None
    return render(request, "council/public_council.html", {
        "council": council, "sessions": sessions, "latest": latest,
        "votes": selectors.session_votes(latest) if latest else []})


@xframe_options_exempt
def public_session(request, slug, pk):
    council = _council(slug)
    meeting = get_object_or_404(selectors.public_sessions(council), pk=pk)
    return render(request, "council/public_session.html", {
        "council": council, "meeting": meeting, "votes": selectors.session_votes(meeting),
        "documents": meeting.session_documents.filter(public=True).select_related(
            "resolution")})


def public_document(request, slug, pk, document_pk):
    """A document the operator made public, of a session the public sees."""
    council = _council(slug)
    meeting = get_object_or_404(selectors.public_sessions(council), pk=pk)
    document = get_object_or_404(meeting.session_documents, pk=document_pk, public=True)
    return _file_response(document)


def _file_response(document):
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=document.file.name.rsplit("/", 1)[-1],
                        content_type=getattr(document, "content_type", "") or None)


def _vote_json(vote) -> dict:
    heads = vote.result.heads
    entry = {"identifier": vote.resolution.identifier, "subject": vote.subject,
             "kind": "secret" if vote.secret else "named", "rule": vote.resolution.rule,
             "adopted": vote.result.adopted, "sentence": vote.result.sentence,
             "closed": vote.resolution.closed_at.isoformat() if vote.resolution.closed_at
             else None,
             "counts": {"for": heads.for_, "against": heads.against, "abstain": heads.abstain}}
    if vote.named is not None:
        entry["named"] = [{"first_name": p.first_name, "last_name": p.last_name,
                           "choice": p.choice or None} for p in vote.named]
    return entry


def public_feed(request, slug):
    """JSON feed of a council's closed votes, by session (embeddable anywhere)."""
    council = _council(slug)
    sessions = [{"id": m.pk, "title": m.title,
                 "date": m.held_on.isoformat() if m.held_on else None,
                 "url": request.build_absolute_uri(f"/rada/{slug}/sesje/{m.pk}/"),
                 "votes": [_vote_json(v) for v in selectors.session_votes(m)]}
                for m in selectors.public_sessions(council)]
    response = JsonResponse({"council": council.organisation.name, "seats": council.seats,
                             "sessions": sessions}, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def public_export(request, slug, pk, fmt):
    council = _council(slug)
    meeting = get_object_or_404(selectors.public_sessions(council), pk=pk)
    votes = selectors.session_votes(meeting)
    builders = {"xlsx": exports.xlsx_response, "xml": exports.xml_response,
                "pdf": exports.pdf_response}
    if fmt not in builders:
        raise Http404
    return builders[fmt](meeting, votes)


@login_required
def councillor_area(request):
    """CS-7: documents, items to vote, own uploads, past sessions, own activity."""
    electors = list(Elector.objects.filter(user=request.user,
                                           roll__meeting__kind=Meeting.Kind.COUNCIL_SESSION)
                    .select_related("roll__meeting"))
    meetings = [e.roll.meeting for e in electors]
    current = [m for m in meetings if m.state != Meeting.State.CLOSED]
    past = [m for m in meetings if m.state == Meeting.State.CLOSED]
    form = PrivateDocumentForm()
    if request.method == "POST":
        form = PrivateDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            PrivateDocument.objects.create(owner=request.user, title=form.cleaned_data["title"],
                                           file=upload, size=upload.size)
            messages.success(request, _("Your document is saved; only you can see it."))
            return redirect("council:mine")
    my_votes = (Vote.objects.filter(elector__user=request.user, counts=True,
                                    poll__resolution__meeting__kind=Meeting.Kind.COUNCIL_SESSION)
                .exclude(poll__resolution__session_item__secret=True)
                .select_related("option", "poll__resolution__meeting")
                .order_by("-cast_at"))
    attendance = [{"meeting": m, "present": next(e.present for e in electors
                                                 if e.roll_id == m.roll_id)}
                  for m in meetings if m.state != Meeting.State.DRAFT]
    return render(request, "council/councillor_area.html", {
        "current": [{"meeting": m, "documents": m.session_documents.all(),
                     "items": m.resolutions.exclude(state=Resolution.State.CLOSED)
                     .select_related("session_item")} for m in current],
        "past": [{"meeting": m, "documents": m.session_documents.all(),
                  "votes": selectors.session_votes(m)} for m in past],
        "documents": PrivateDocument.objects.filter(owner=request.user), "form": form,
        "my_votes": my_votes, "attendance": attendance})


@login_required
def document_download(request, kind, pk):
    """A session document (its councillors and operators) or one's own private upload."""
    if kind == "private":
        document = get_object_or_404(PrivateDocument, pk=pk, owner=request.user)
    else:
        document = get_object_or_404(SessionDocument.objects.select_related("meeting"), pk=pk)
        _session_for(request, document.meeting_id)
    return _file_response(document)

