"""A reviewer's queue, inbox and task page: thin callers of selectors and services."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.models import Task

from evaluation.selectors import decisions_for

from . import selectors, services
from .forms import FORMS
from .queue_filters import tasks_filtered


class ReviewerRequiredMixin(LoginRequiredMixin):
    """Reviewers only: anyone else signed in gets a 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.is_reviewer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TaskQueueView(ReviewerRequiredMixin, ListView):
    template_name = "workflows/task_queue.html"
    context_object_name = "tasks"
    paginate_by = 25

    def tasks(self):
        return selectors.queue_for(self.request.user)

    def get_queryset(self):
        tasks, self.filters = tasks_filtered(self.tasks(), self.request.GET)
        return tasks

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, now=timezone.now(), **kwargs)


class TaskInboxView(TaskQueueView):
    template_name = "workflows/task_inbox.html"

    def tasks(self):
        return selectors.inbox_for(self.request.user)


class TaskMixin(ReviewerRequiredMixin):
    """Resolve the task among those the user may see: theirs, or theirs to take; else 404."""

    def get_task(self) -> Task:
        task = selectors.visible_task(self.request.user, self.kwargs["pk"])
        if task is None:
            raise Http404
        return task


class TaskDetailView(TaskMixin, TemplateView):
    """The proposal, its history, and the decision form for the reviewer who holds it."""

    template_name = "workflows/task_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and selectors.is_reviewer(request.user):
            self.task = self.get_task()
            self.mine = self.task.owner_id == request.user.pk
            self.form_class = FORMS[selectors.task_step(self.task)]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        proposal = selectors.task_proposal(self.task)
        kwargs.setdefault("form", self.form_make() if self.mine else None)
        return super().get_context_data(
            task=self.task, mine=self.mine, proposal=proposal, step=selectors.task_step(
                self.task), decisions=decisions_for(proposal).select_related("reviewer"),
            attachments=proposal.attachments.all(), **kwargs)

    def form_make(self, data=None):
        step = selectors.task_step(self.task)
        criteria = (selectors.task_proposal(self.task).edition.review_criteria_list
                    if step == "formal_review" else ())
        return self.form_class(data, criteria=criteria)

    def post(self, request, *args, **kwargs):
        if not self.mine:
            raise PermissionDenied
        form = self.form_make(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            decision = services.review_task_decide(task=self.task, user=request.user,
                                                   **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except TransitionNotAllowed:
            messages.error(request, _("This proposal is no longer at this review step."))
            return redirect("workflows:inbox")
        messages.success(request, _("Decision recorded: %(proposal)s — %(outcome)s.") % {
            "proposal": decision.proposal, "outcome": decision.get_outcome_display()})
        if selectors.correction_by_office(decision):
            messages.warning(request, selectors.office_contact_note(decision))
        return redirect("workflows:inbox")


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class TaskClaimView(TaskMixin, View):
    """Take a task from the queue into one's inbox (POST only)."""

    def post(self, request, pk):
        task = self.get_task()
        try:
            services.review_task_assign(task=task, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workflows:queue")
        messages.success(request, _("The task is in your inbox now."))
        return redirect("workflows:task", pk=task.pk)


class TaskReleaseView(TaskMixin, View):
    """Give a claimed task back to the queue (POST only)."""

    def post(self, request, pk):
        task = self.get_task()
        services.review_task_release(task=task, user=request.user)
        messages.success(request, _("The task is back in the queue."))
        return redirect("workflows:inbox")
