"""The secretary's setting up: a new meeting, its members and weights, proxies, agenda."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from organisations.roles import Role
from organisations.selectors import organisations_for

from . import selectors, services
from .forms import MeetingForm, MemberForm, ProxyForm, ResolutionForm
from .live import visible_meetings
from .models import Meeting


@login_required
def meeting_new(request, organisation):
    organisation = get_object_or_404(organisations_for(request.user, Role.COMPANY_SECRETARY),
                                     slug=organisation)
    # Asked of an unsaved meeting: the permission is held per organisation.
    if not request.user.has_perm("meetings.run_meeting", Meeting(organisation=organisation)):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_create(organisation=organisation, actor=request.user,
                                          **form.cleaned_data)
        return redirect("meetings:setup", meeting.pk)
    return render(request, "meetings/meeting_new.html", {"form": form,
                                                         "organisation": organisation})


@login_required
def meeting_setup(request, pk):
    meeting = get_object_or_404(visible_meetings(request.user), pk=pk)
    if not selectors.may_run(request.user, meeting):
        raise PermissionDenied
    editable = meeting.state in (Meeting.State.DRAFT, Meeting.State.REGISTRATION)
    which = request.POST.get("form", "")
    forms = {
        "member": MemberForm(request.POST if which == "member" else None, prefix="member"),
        "proxy": ProxyForm(request.POST if which == "proxy" else None, prefix="proxy",
                           meeting=meeting),
        "resolution": ResolutionForm(request.POST if which == "resolution" else None,
                                     prefix="resolution"),
    }
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The roll and the agenda cannot change once the voting "
                                      "has started."))
            return redirect("meetings:setup", meeting.pk)
        form = forms.get(which)
        if form is not None and form.is_valid():
            try:
                _save(which, meeting, form.cleaned_data, request.user)
            except services.MeetingRefused as refused:
                form.add_error(None, refused.message)
            except IntegrityError:
                form.add_error(None, _("This is already on the meeting."))
            else:
                messages.success(request, _("Saved."))
                return redirect("meetings:setup", meeting.pk)
    return render(request, "meetings/meeting_setup.html", {
        "meeting": meeting, "forms": forms, "editable": editable,
        "members": selectors.meeting_members(meeting),
        "resolutions": meeting.resolutions.all()})


def _save(which: str, meeting: Meeting, data: dict, actor) -> None:
    if which == "member":
        services.member_add(meeting=meeting, actor=actor, **data)
    elif which == "proxy":
        services.proxy_note(meeting=meeting, actor=actor, elector=data["elector"],
                            proxy_email=data["proxy_email"], document=data["document"])
    else:
        services.resolution_add(meeting=meeting, actor=actor, **data)
