"""The council office's "Radni" page (CS-1) and the councillor's invitation link."""
from allauth.account.forms import SetPasswordForm
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import councillors
from .forms import CouncillorForm
from .models import Council


def _managed(request, council_pk) -> Council:
    council = get_object_or_404(Council.objects.select_related("organisation"), pk=council_pk)
    if not request.user.has_perm("council.manage_councillors", council):
        raise PermissionDenied
    return council


@login_required
def councillor_list(request, council_pk):
    """The councillors, whether each has activated the account, and adding one."""
    council = _managed(request, council_pk)
    form = CouncillorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            councillor = councillors.councillor_add(council=council, actor=request.user,
                                                    **form.cleaned_data)
            councillors.councillor_invite(councillor=councillor, actor=request.user,
                                          base_url=request.build_absolute_uri("/"))
        except councillors.CouncillorRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("%(name)s is added; the invitation is on its way to "
                                        "%(email)s.") % {"name": councillor,
                                                         "email": councillor.user.email})
            return redirect("council:councillors", council.pk)
    rows = councillors.councillors_list(council)
    serving = sum(1 for c in rows if c.state != c.State.FORMER)
    return render(request, "council/councillor_list.html", {
        "council": council, "councillors": rows, "form": form, "serving": serving,
        "full": serving >= council.seats})


@login_required
@require_POST
def councillor_step(request, council_pk, user_pk, step):
    """"Wyślij zaproszenie" (again) or "no longer serving"."""
    council = _managed(request, council_pk)
    try:
        councillor = councillors.councillor_record(council=council, user_id=user_pk)
        if step == "invite":
            councillors.councillor_invite(councillor=councillor, actor=request.user,
                                          base_url=request.build_absolute_uri("/"))
            messages.success(request, _("The invitation is sent to %(email)s; an earlier "
                                        "link no longer works.")
                             % {"email": councillor.user.email})
        elif step == "end":
            councillors.councillor_end(councillor=councillor, actor=request.user)
            messages.success(request, _("%(name)s no longer serves; their past votes stay.")
                             % {"name": councillor})
        else:
            raise Http404
    except councillors.CouncillorRefused as refused:
        messages.error(request, refused.message)
    return redirect("council:councillors", council.pk)


def councillor_activate(request, token):
    """The invitation link: set a password and log in (forged, used or old: a sentence)."""
    check = councillors.councillor_for_token(token)
    if check.problem:
        return render(request, "council/activate_invalid.html", {
            "problem": check.problem, "councillor": check.councillor},
            status=404 if check.problem == "invalid" else 410)
    councillor = check.councillor
    form = SetPasswordForm(user=councillor.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            councillors.councillor_activate(councillor=councillor,
                                            password=form.cleaned_data["password1"])
        except councillors.CouncillorRefused as refused:
            messages.error(request, refused.message)
            return redirect("account_login")
        login(request, councillor.user, backend="organisations.backends.OrganisationRoleBackend")
        messages.success(request, _("Your password is set. Welcome to %(council)s.")
                         % {"council": councillor.council.organisation.name})
        return redirect("council:mine")
    return render(request, "council/activate.html", {"councillor": councillor, "form": form})
