"""Pages of meetings: the member's and the secretary's screens, voting, downloads."""
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.fsm import TransitionNotAllowed

from ballots.models import Vote
from ballots.named import VoteRefused, roll_size

from . import exports, selectors, services
from .forms import CHOICE_LABELS, RegisterForm, StartVotingForm, VoteForm
from .live import meeting_follow, results_visible, screen_version, visible_meetings
from .models import Meeting, Resolution
from .results import resolution_result


def _meeting(request, pk) -> Meeting:
    return get_object_or_404(visible_meetings(request.user).select_related("organisation",
                                                                           "roll"), pk=pk)


def _running(request, pk) -> Meeting:
    meeting = _meeting(request, pk)
    if not selectors.may_run(request.user, meeting):
        raise PermissionDenied
    return meeting


@login_required
def meeting_list(request):
    from .templatetags.meetings_tags import meeting_links

    return render(request, "meetings/meeting_list.html", meeting_links(request.user))


def _rows(meeting: Meeting, user, electors) -> list[dict]:
    """One row per resolution: its state, the user's live votes, the result if visible."""
    resolutions = list(meeting.resolutions.select_related("poll"))
    votes = {(v.poll_id, v.elector_id): v for v in Vote.objects.filter(
        poll__in=[r.poll_id for r in resolutions], elector__in=electors, counts=True)
        .select_related("option")}
    visible = results_visible(meeting, user)
    rows = []
    for resolution in resolutions:
        ballots = []
        for elector in electors:
            cast = votes.get((resolution.poll_id, elector.pk))
            ballots.append({"elector": elector, "vote": cast,
                            "choice": CHOICE_LABELS[cast.option.code] if cast else ""})
        closed = resolution.state == Resolution.State.CLOSED
        rows.append({
            "resolution": resolution, "ballots": ballots,
            "votable": resolution.state == Resolution.State.OPEN
            and meeting.state == Meeting.State.VOTING,
            "result": resolution_result(resolution) if visible and closed else None,
            "cast": resolution.poll.votes.filter(counts=True).count()
            if resolution.state == Resolution.State.OPEN else None,
        })
    return rows


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    # What the live region shows, read before it (meetings/live.py).
    live_version = screen_version(meeting.pk, meeting.version,
                                  meeting_follow(request.user, meeting))
    context = {"meeting": meeting, "results_visible": results_visible(meeting, request.user),
               "live_version": live_version}
    if selectors.may_run(request.user, meeting):
        context.update(
            members=selectors.meeting_members(meeting),
            unregistered=selectors.members_unregistered(meeting),
            rows=_rows(meeting, request.user, []), size=roll_size(meeting.roll),
            start_form=StartVotingForm())
        return render(request, "meetings/meeting_secretary.html", context)
    electors = selectors.meeting_electors_of(request.user, meeting)
    context.update(electors=electors, rows=_rows(meeting, request.user, electors))
    return render(request, "meetings/meeting_member.html", context)


def _refused(request, meeting, message, blockers=()):
    messages.error(request, message)
    for blocker in blockers:
        messages.warning(request, blocker)
    return redirect("meetings:detail", meeting.pk)


@login_required
def vote(request, pk, resolution_pk):
    meeting = _meeting(request, pk)
    resolution = get_object_or_404(meeting.resolutions.select_related("poll"), pk=resolution_pk)
    electors = selectors.meeting_electors_of(request.user, meeting)
    elector = next((e for e in electors if str(e.pk) == request.GET.get("elector", "")),
                   electors[0] if electors else None)
    if elector is None:
        return _refused(request, meeting, _("You are not on the roll of electors of this "
                                            "meeting, nor anyone's proxy on it."))
    form = VoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.meeting_vote(resolution=resolution, elector=elector,
                                           cast_by=request.user,
                                           choice=form.cleaned_data["choice"])
        except VoteRefused as refused:
            return _refused(request, meeting, refused.message)
        return redirect("meetings:confirmation", meeting.pk, result.vote.pk)
    if resolution.state != Resolution.State.OPEN or meeting.state != Meeting.State.VOTING:
        return _refused(request, meeting, _("Voting on %(resolution)s is not open.")
                        % {"resolution": resolution.identifier})
    return render(request, "meetings/vote_form.html", {
        "meeting": meeting, "resolution": resolution, "elector": elector, "form": form,
        "proxy": elector.user_id != request.user.pk})


@login_required
def confirmation(request, pk, vote_pk):
    meeting = _meeting(request, pk)
    vote = get_object_or_404(
        Vote.objects.select_related("option", "elector__user", "voter", "poll__resolution"),
        pk=vote_pk, poll__resolution__meeting=meeting)
    if request.user.pk not in (vote.voter_id, vote.elector.user_id):
        raise PermissionDenied
    return render(request, "meetings/vote_confirmation.html", {
        "meeting": meeting, "vote": vote, "resolution": vote.poll.resolution,
        "choice": CHOICE_LABELS[vote.option.code]})


_MEETING_STEPS = {"invite", "start", "close"}


@login_required
@require_POST
def meeting_step(request, pk, step):
    meeting = _running(request, pk)
    if step not in _MEETING_STEPS:
        raise PermissionDenied
    try:
        if step == "invite":
            services.meeting_open_registration(meeting=meeting, actor=request.user,
                                               base_url=request.build_absolute_uri("/"))
            messages.success(request, _("Invitations were sent."))
        elif step == "start":
            form = StartVotingForm(request.POST)
            form.is_valid()
            services.meeting_start_voting(meeting=meeting, actor=request.user,
                                          without_missing=form.cleaned_data.get(
                                              "without_missing", False))
            messages.success(request, _("The meeting's voting has started."))
        else:
            services.meeting_close(meeting=meeting, actor=request.user)
            messages.success(request, _("The meeting is closed."))
    except services.MeetingRefused as refused:
        return _refused(request, meeting, refused.message, refused.blockers)
    except TransitionNotAllowed:
        return _refused(request, meeting, _("This step is not possible now (the meeting is "
                                            "%(state)s).") % {"state": meeting.get_state_display()})
    return redirect("meetings:detail", meeting.pk)


@login_required
@require_POST
def resolution_step(request, pk, resolution_pk, step):
    meeting = _running(request, pk)
    resolution = get_object_or_404(meeting.resolutions, pk=resolution_pk)
    try:
        if step == "open":
            services.resolution_open(resolution=resolution, actor=request.user)
            messages.success(request, _("Voting on %(resolution)s is open.")
                             % {"resolution": resolution.identifier})
        elif step == "close":
            services.resolution_close(resolution=resolution, actor=request.user)
            messages.success(request, _("Voting on %(resolution)s has ended.")
                             % {"resolution": resolution.identifier})
        else:
            raise PermissionDenied
    except services.MeetingRefused as refused:
        return _refused(request, meeting, refused.message, refused.blockers)
    except TransitionNotAllowed:
        return _refused(request, meeting, _("This step is not possible now (%(resolution)s is "
                                            "%(state)s).") % {
            "resolution": resolution.identifier, "state": resolution.get_state_display()})
    return redirect("meetings:detail", meeting.pk)


@login_required
def results_download(request, pk):
    """The member's xlsx: each closed resolution's result and their own final vote (BR-5)."""
    meeting = _meeting(request, pk)
    if not results_visible(meeting, request.user):
        return _refused(request, meeting, _("The meeting is closed: its results are no "
                                            "longer available to members."))
    electors = selectors.meeting_electors_of(request.user, meeting)
    return exports.member_results_response(meeting, electors)


@login_required
def record_download(request, pk):
    """The secretary's full record: every resolution, result, final vote and change."""
    meeting = _running(request, pk)
    return exports.meeting_record_response(meeting)


def register(request, token):
    """The invitation link: set a password (or keep yours) and be registered (BR-2)."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "meetings/register_invalid.html", status=404)
    user = invitation.elector.user
    needs_password = not user.has_usable_password()
    data = request.POST if request.method == "POST" else None
    form = RegisterForm(data, user=user) if needs_password else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["password1"] if form else None)
        except services.MeetingRefused as refused:
            messages.error(request, refused.message)
            return redirect("home")
        login(request, user, backend="organisations.backends.OrganisationRoleBackend")
        messages.success(request, _("You are registered for %(meeting)s.")
                         % {"meeting": invitation.meeting.title})
        return redirect("meetings:detail", invitation.meeting_id)
    return render(request, "meetings/register.html", {"invitation": invitation, "form": form,
                                                       "meeting": invitation.meeting})
