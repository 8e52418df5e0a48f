"""Residents' pages: their proposals, drafts, submission, files and the printable form."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView
from viewflow.fsm import TransitionNotAllowed

from .. import selectors, services
from ..forms import PaperProposalForm, ProposalForm
from ..models import Attachment, Edition, Proposal
from .base import form_errors_add


def proposal_for(user, pk) -> Proposal:
    """The proposal if ``user`` may see it; a 404 otherwise, so nobody learns it exists."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("edition", "edition__organisation", "pool"), pk=pk)
    if not selectors.proposal_visible_to(user, proposal):
        raise Http404
    return proposal


def _limits_help(edition: Edition) -> str:
    return _("At most %(count)d files of up to %(size)d MB each.") % {
        "count": edition.max_attachments_per_proposal, "size": edition.max_attachment_mb}


class MyProposalsView(LoginRequiredMixin, ListView):
    template_name = "intake/proposal_list.html"
    context_object_name = "proposals"
    paginate_by = 25

    def get_queryset(self):
        return selectors.proposals_of_applicant(self.request.user)

    def get_context_data(self, **kwargs):
        editions = [(edition, edition.refusal("intake"))
                    for edition in selectors.editions_taking_proposals()]
        return super().get_context_data(open_editions=editions, **kwargs)


class ProposalFormView(LoginRequiredMixin, View):
    """Write a proposal and attach its files; save a draft or submit at once.

    Each file is stored by its own service call: a refused file is reported next to the
    file field while the proposal and the files already stored stay saved.
    """

    template_name = "intake/proposal_form.html"
    channel = Proposal.Channel.ONLINE

    def get_form_class(self, proposal=None):
        paper = proposal is not None and proposal.applicant_id != self.request.user.pk \
            and proposal.channel == Proposal.Channel.PAPER
        return PaperProposalForm if paper else ProposalForm

    def form_make(self, proposal=None, data=None, files=None):
        initial = {}
        if proposal is None and self.channel == Proposal.Channel.ONLINE:
            initial["applicant_name"] = self.request.user.get_full_name()
        return self.get_form_class(proposal)(data, files, instance=proposal, initial=initial,
                                             edition=self.edition,
                                             limits_help=_limits_help(self.edition))

    def render_form(self, form, proposal=None, status=200):
        context = {"form": form, "edition": self.edition, "proposal": proposal,
                   "attachments": proposal.attachments.all() if proposal else [],
                   "paper": self.channel == Proposal.Channel.PAPER or (
                       proposal is not None and proposal.channel == Proposal.Channel.PAPER)}
        return render(self.request, self.template_name, context, status=status)

    def files_attach(self, proposal, files, public: bool = False) -> list[str]:
        refused = []
        for uploaded in files:
            try:
                services.attachment_add(proposal=proposal, uploaded_file=uploaded,
                                        actor=self.request.user, public=public)
            except ValidationError as error:
                refused.extend(error.messages)
        return refused

    def after_save(self, form, proposal):
        """Attach the files, then submit if asked; re-show the form if a file was refused."""
        refused = self.files_attach(proposal, form.cleaned_data.get("files", []),
                                    public=form.cleaned_data.get("files_public", False))
        if refused:
            messages.warning(self.request, _("The proposal is saved, but not every file was "
                                             "added; see the attachments field."))
            retry = self.get_form_class(proposal)(
                self.request.POST, instance=proposal, edition=self.edition,
                limits_help=_limits_help(self.edition))
            retry.is_valid()
            for message in refused:
                retry.add_error("files", message)
            return self.render_form(retry, proposal, status=400)
        if self.request.POST.get("action") == "submit":
            return proposal_submit_and_redirect(self.request, proposal)
        messages.success(self.request, _("The draft is saved. You can change it until you "
                                         "submit it."))
        return redirect("intake:proposal_detail", proposal.pk)


class ProposalCreateView(ProposalFormView):
    @cached_property
    def edition(self):
        return get_object_or_404(Edition.objects.exclude(state=Edition.State.DRAFT),
                                 pk=self.kwargs["edition"])

    def refused(self):
        refusal = self.edition.refusal("intake")
        if refusal:
            messages.error(self.request, refusal)
            return redirect("intake:my_proposals")
        return None

    def get(self, request, *args, **kwargs):
        return self.refused() or self.render_form(self.form_make())

    def post(self, request, *args, **kwargs):
        form = self.form_make(data=request.POST, files=request.FILES)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            proposal = services.proposal_create(
                edition=self.edition, actor=request.user, fields=form.proposal_fields(),
                channel=self.channel, applicant=self.applicant(form))
        except ValidationError as error:
            form_errors_add(form, error)
            return self.render_form(form, status=400)
        return self.after_save(form, proposal)

    def applicant(self, form):
        return self.request.user


class ProposalUpdateView(ProposalFormView):
    @cached_property
    def proposal(self):
        proposal = proposal_for(self.request.user, self.kwargs["pk"])
        if not selectors.proposal_editable_by(self.request.user, proposal):
            raise PermissionDenied
        return proposal

    @property
    def edition(self):
        return self.proposal.edition

    def get(self, request, *args, **kwargs):
        proposal = self.proposal
        refusal = None
        if proposal.state not in selectors.EDITABLE_STATES:
            refusal = _("This proposal has been submitted; it can no longer be changed.")
        elif proposal.state == Proposal.State.DRAFT:
            refusal = proposal.edition.refusal("intake")
        if refusal:
            messages.error(request, refusal)
            return redirect("intake:proposal_detail", proposal.pk)
        return self.render_form(self.form_make(proposal), proposal)

    def post(self, request, *args, **kwargs):
        form = self.form_make(self.proposal, data=request.POST, files=request.FILES)
        if not form.is_valid():
            return self.render_form(form, self.proposal, status=400)
        try:
            proposal = services.proposal_update(proposal=self.proposal, actor=request.user,
                                                fields=form.proposal_fields())
        except ValidationError as error:
            if error.code in ("phase", "submitted"):
                messages.error(request, " ".join(error.messages))
                return redirect("intake:proposal_detail", self.proposal.pk)
            form_errors_add(form, error)
            return self.render_form(form, self.proposal, status=400)
        return self.after_save(form, proposal)


class ProposalDetailView(LoginRequiredMixin, TemplateView):
    template_name = "intake/proposal_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        proposal = proposal_for(user, self.kwargs["pk"])
        editable = (proposal.state in selectors.EDITABLE_STATES
                    and selectors.proposal_editable_by(user, proposal))
        decisions = selectors.proposal_review_decisions(proposal)
        returned = (decisions[-1] if decisions and proposal.state == Proposal.State.RETURNED
                    else None)
        return super().get_context_data(
            proposal=proposal, attachments=proposal.attachments.all(),
            decisions=decisions, returned=returned,
            correction_late=returned is not None
            and returned.correction_deadline < timezone.localdate(),
            staff_view=user.pk != proposal.applicant_id
            and user.has_perm("intake.view_all_proposals", proposal),
            history=selectors.proposal_history(proposal, user), editable=editable,
            may_submit=selectors.proposal_may_submit(user, proposal),
            intake_refusal=proposal.edition.refusal("intake")
            if proposal.state == Proposal.State.DRAFT else None, **kwargs)


def proposal_submit_and_redirect(request, proposal):
    try:
        proposal = services.proposal_submit(proposal=proposal, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (PermissionDenied, TransitionNotAllowed):
        messages.error(request, _("This proposal cannot be submitted by you now."))
    else:
        messages.success(request, _("Proposal %(reference)s is submitted.")
                         % {"reference": proposal.reference})
    return redirect("intake:proposal_detail", proposal.pk)


@require_POST
def proposal_submit(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return proposal_submit_and_redirect(request, proposal_for(request.user, pk))


class ProposalPrintView(LoginRequiredMixin, TemplateView):
    """The application form, ready to print (PB-9)."""

    template_name = "intake/proposal_print.html"

    def get(self, request, *args, **kwargs):
        proposal = proposal_for(request.user, kwargs["pk"])
        if proposal.number is None:
            messages.info(request, _("The application form can be printed once the proposal "
                                     "is submitted and has its number."))
            return redirect("intake:proposal_detail", proposal.pk)
        return self.render_to_response(self.get_context_data(
            proposal=proposal, attachments=proposal.attachments.all()))


def attachment_download(request, pk):
    """Stream a file to its proposal's applicant or its organisation's staff; a 404 to others."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = get_object_or_404(Attachment.objects.select_related("proposal"), pk=pk)
    proposal_for(request.user, attachment.proposal_id)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                            filename=attachment.original_name,
                            content_type=attachment.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def attachment_remove(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = get_object_or_404(Attachment.objects.select_related("proposal"), pk=pk)
    proposal = proposal_for(request.user, attachment.proposal_id)
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file “%(name)s” is removed.")
                         % {"name": attachment.original_name})
    return redirect("intake:proposal_update", proposal.pk)
