"""The budget administrator's pages: editions, their pools, and moving between phases."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from .. import selectors, services
from ..forms import EditionForm, PoolFormSet
from ..models import Edition, Proposal
from .base import StaffMixin, confirm_render, form_errors_add


class EditionListView(StaffMixin, ListView):
    template_name = "intake/edition_list.html"
    context_object_name = "editions"
    paginate_by = 25

    def get_queryset(self):
        return selectors.editions_of(self.organisation)


class EditionDetailView(StaffMixin, ListView):
    """An edition's phase, dates, pools, next step and its proposals (25 a page)."""

    template_name = "intake/edition_detail.html"
    context_object_name = "proposals"
    paginate_by = 25

    def get_queryset(self):
        return selectors.proposals_of_edition(self.edition, self.state_filter)

    @property
    def state_filter(self) -> str:
        state = self.request.GET.get("state", "")
        return state if state in Proposal.State.values else ""

    def get_context_data(self, **kwargs):
        edition = self.edition
        return super().get_context_data(
            edition=edition, phases=selectors.edition_phases(edition),
            next_move=selectors.edition_next_move(edition), pools=edition.pools.all(),
            intake_refusal=edition.refusal("intake"), states=Proposal.State.choices,
            state_filter=self.state_filter, **kwargs)


class EditionFormView(StaffMixin, TemplateView):
    """Create or change an edition with its pools (one formset)."""

    template_name = "intake/edition_form.html"
    permission = "intake.manage_edition"

    def current(self) -> Edition | None:
        return self.edition if "pk" in self.kwargs else None

    def get(self, request, *args, **kwargs):
        edition = self.current()
        return self.render_to_response(self.get_context_data(
            form=EditionForm(instance=edition),
            pools=PoolFormSet(instance=edition or Edition(organisation=self.organisation))))

    def post(self, request, *args, **kwargs):
        edition = self.current()
        form = EditionForm(request.POST, instance=edition)
        pools = PoolFormSet(request.POST, instance=edition or Edition(
            organisation=self.organisation))
        if form.is_valid() and pools.is_valid():
            try:
                saved = services.edition_save(
                    organisation=self.organisation, actor=request.user,
                    fields=form.cleaned_data, pools=_pool_rows(pools), edition=edition)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("The edition “%(name)s” is saved.")
                                 % {"name": saved.name})
                return redirect("intake:edition_detail", self.organisation.slug, saved.pk)
        context = self.get_context_data(form=form, pools=pools)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        return super().get_context_data(edition=self.current(), **kwargs)


def _pool_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        if not form.has_changed() and form.instance.pk is None:
            continue  # an extra row left empty
        data = form.cleaned_data
        row = {name: data[name] for name in services.POOL_FIELDS if name in data}
        row["position"] = row.get("position") or 0
        row["id"] = form.instance.pk
        row["delete"] = bool(data.get("DELETE"))
        rows.append(row)
    return rows


class EditionMoveView(StaffMixin, TemplateView):
    """Move an edition to its next phase; a refusal lists every blocker."""

    permission = "intake.manage_edition"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        edition = self.edition
        transition = request.POST.get("transition", "")
        if transition != selectors.NEXT_MOVE.get(edition.state):
            messages.error(request, _("The edition has moved on meanwhile; nothing was changed."))
            return redirect("intake:edition_detail", self.organisation.slug, edition.pk)
        if request.POST.get("confirm") != "yes":
            label = str(getattr(edition, transition).label)
            return confirm_render(
                request, question=_("Move the edition to its next phase?"),
                consequence=_("“%(edition)s”: %(step)s. Every page will quote now as the date "
                              "of this step, and it cannot be undone.")
                % {"edition": edition.name, "step": label},
                confirm_label=label,
                fields=[("transition", transition)],
                cancel_url=reverse("intake:edition_detail",
                                   args=[self.organisation.slug, edition.pk]))
        try:
            moved = services.edition_move(edition=edition, transition=transition,
                                          actor=request.user)
        except services.PhaseBlocked as blocked:
            messages.error(request, format_html(
                "{}<ul class=\"mb-0\">{}</ul>", _("The edition cannot move on yet:"),
                format_html_join("", "<li>{}</li>", ((reason,) for reason in blocked.blockers))))
        else:
            messages.success(request, _("The edition is now in the phase “%(phase)s”.")
                             % {"phase": moved.get_state_display()})
        return redirect("intake:edition_detail", self.organisation.slug, edition.pk)
