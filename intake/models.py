"""Participatory-budget editions, their money pools, and the proposals residents submit."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

from ballots import rules

from . import phases


def _can(permission: str):
    """A transition permission: ``permission`` held in the object's organisation."""
    return lambda instance, user: user.has_perm(permission, instance)


class Edition(models.Model):
    """One year's participatory budget of one organisation (PB-1 … PB-3)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        INTAKE = "intake", _("proposal intake")
        REVIEW = "review", _("review")
        VOTING = "voting", _("voting")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="editions", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    state = FSMField(_("phase"), max_length=20, choices=State.choices, default=State.DRAFT,
                     enforce_initial=True)

    intake_starts_at = models.DateTimeField(_("intake opens"), null=True, blank=True)
    intake_ends_at = models.DateTimeField(_("intake closes"), null=True, blank=True)
    review_ends_at = models.DateTimeField(_("review ends"), null=True, blank=True)
    voting_starts_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    voting_ends_at = models.DateTimeField(_("voting closes"), null=True, blank=True)

    max_proposals_per_applicant = models.PositiveSmallIntegerField(
        _("proposals per applicant"), default=5, validators=[MinValueValidator(1)])
    max_attachments_per_proposal = models.PositiveSmallIntegerField(
        _("attachments per proposal"), default=5)
    max_attachment_mb = models.PositiveSmallIntegerField(
        _("largest attachment (MB)"), default=10, validators=[MinValueValidator(1)])
    ballots_per_email = models.PositiveSmallIntegerField(
        _("ballot cards per e-mail address"), default=3, validators=[MinValueValidator(1)])
    pesel_required = models.BooleanField(_("check PESEL"), default=True)
    minimum_voter_age = models.PositiveSmallIntegerField(_("minimum voter age"), default=16)
    selection_rule = models.CharField(_("selection rule"), max_length=30,
                                      choices=rules.budget_choices, default="greedy")
    # The formal reviewer's checklist, one criterion a line; empty: no checklist.
    review_criteria = models.TextField(
        _("formal review checklist"), blank=True,
        help_text=_("Optional, one criterion per line (e.g. “zgodny z prawem”, “w kompetencjach "
                    "gminy”, “koszt realny”): a formal reviewer ticks them all to accept."))
    # Residents entitled to vote, when the city gives it: the public pages show turnout.
    population = models.PositiveIntegerField(
        _("residents entitled to vote"), null=True, blank=True,
        help_text=_("Optional: with it, the public pages show turnout as a percentage."))

    # Preliminary results shown while people still vote could sway the vote: off unless the
    # edition's rules allow it.
    preliminary_results_during_voting = models.BooleanField(
        _("publish preliminary results while the vote is open"), default=False,
        help_text=_("Only if the edition's rules allow it: results shown during the vote "
                    "may sway it."))

    last_proposal_number = models.PositiveIntegerField(default=0, editable=False)
    # Created when the edition enters voting: the polls, projects and cards of its vote.
    ballot_box = models.OneToOneField("ballots.BallotBox", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="edition",
                                      editable=False)
    # The administrator may publish the preliminary results before the edition closes;
    # after closing they are public anyway (PB-21).
    results_published_at = models.DateTimeField(_("preliminary results published"), null=True,
                                                blank=True, editable=False)
    results_published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+",
                                             editable=False)
    # The META section of the pabulib file the edition was imported from (open data);
    # empty for an edition run in Wotum. No voter ids are kept.
    imported_meta = models.JSONField(default=dict, blank=True, editable=False)
    # The PROJECTS and VOTES columns of an imported pabulib file, in its order, so that an
    # export writes back the file's columns and no others.
    imported_columns = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        permissions = [("manage_edition", _("Can configure and move an edition between phases"))]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="edition_unique_name")]

    def __str__(self):
        return self.name

    # The phase dates in the order the phases follow one another.
    PHASE_DATES = ("intake_starts_at", "intake_ends_at", "review_ends_at", "voting_starts_at",
                   "voting_ends_at")

    def clean(self):
        """Refuse phase dates out of order: each given date after the one before it."""
        errors, previous = {}, None
        for name in self.PHASE_DATES:
            value = getattr(self, name)
            if value is None:
                continue
            if previous is not None and value < getattr(self, previous):
                errors[name] = _("This date must not come before “%(other)s”.") % {
                    "other": self._meta.get_field(previous).verbose_name}
            previous = name
        if errors:
            raise ValidationError(errors)

    # Transitions: the administrator moves an edition by hand; the scheduler as the system.
    @state.transition(source=State.DRAFT, target=State.INTAKE, label=_("Open intake"),
                      permission=_can("intake.manage_edition"),
                      conditions=[lambda e: not phases.blockers_for(e, "open_intake")],
                      custom={"audit": "edition.open_intake"})
    def open_intake(self):
        """Open proposal intake."""

    @state.transition(source=State.INTAKE, target=State.REVIEW, label=_("Close intake"),
                      permission=_can("intake.manage_edition"),
                      conditions=[lambda e: not phases.blockers_for(e, "start_review")],
                      custom={"audit": "edition.start_review"})
    def start_review(self):
        """Close intake and start the review of submitted proposals."""

    @state.transition(source=State.REVIEW, target=State.VOTING, label=_("Open voting"),
                      permission=_can("intake.manage_edition"),
                      conditions=[lambda e: not phases.blockers_for(e, "open_voting")],
                      custom={"audit": "edition.open_voting"})
    def open_voting(self):
        """Open the vote on the accepted proposals."""

    @state.transition(source=State.VOTING, target=State.CLOSED, label=_("Close voting"),
                      permission=_can("intake.manage_edition"),
                      conditions=[lambda e: not phases.blockers_for(e, "close")],
                      custom={"audit": "edition.close"})
    def close(self):
        """Close the vote."""

    @property
    def results_public(self) -> bool:
        """The public results page shows once the vote closed or the results were published."""
        return self.ballot_box_id is not None and (
            self.state == self.State.CLOSED or self.results_published_at is not None)

    @property
    def review_criteria_list(self) -> list[str]:
        return [line.strip() for line in self.review_criteria.splitlines() if line.strip()]

    def refusal(self, phase: str) -> str | None:
        """Why an action of ``phase`` ("intake", "voting") is refused now; None if allowed."""
        return phases.phase_refusal(self, phase)


class Pool(models.Model):
    """Money for one part of the ballot: the city-wide pool or one district's (PB-2, PB-3)."""

    class Kind(models.TextChoices):
        CITYWIDE = "citywide", _("city-wide")
        DISTRICT = "district", _("district")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="pools")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    budget = models.DecimalField(_("budget (PLN)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    choices_per_ballot = models.PositiveSmallIntegerField(
        _("projects a voter may choose"), default=1, validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "kind", "position", "name"]
        verbose_name = _("pool")
        verbose_name_plural = _("pools")
        constraints = [models.UniqueConstraint(fields=["edition", "name"],
                                               name="pool_unique_name")]

    def __str__(self):
        return self.name


class Proposal(models.Model):
    """A project proposal, from draft to the ballot (PB-4 … PB-13)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for correction")
        FORMALLY_ACCEPTED = "formally_accepted", _("formally accepted")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        ON_BALLOT = "on_ballot", _("on the ballot")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PAPER = "paper", _("paper form")
        IMPORT = "import", _("imported file")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="+", editable=False)
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="proposals")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="proposals",
                             verbose_name=_("district or city-wide"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    state = FSMField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT,
                     enforce_initial=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices,
                               default=Channel.ONLINE)

    title = models.CharField(_("title"), max_length=200)
    location = models.CharField(_("location"), max_length=300, blank=True)
    # Where the project would be built, for the map link on its public page (PB-14).
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True,
                                help_text=_("E.g. greenery, sport, culture: residents filter "
                                            "the projects by it."))
    description = models.TextField(_("description"))
    justification = models.TextField(_("justification"), blank=True)
    estimated_cost = models.DecimalField(_("estimated cost (PLN)"), max_digits=14,
                                         decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0.01"))])
    verified_cost = models.DecimalField(_("verified cost (PLN)"), max_digits=14,
                                        decimal_places=2, null=True, blank=True)

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="proposals",
                                  verbose_name=_("applicant account"))
    applicant_name = models.CharField(_("applicant's name"), max_length=200)
    applicant_email = models.EmailField(_("applicant's e-mail"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("entered by"))
    import_key = models.CharField(max_length=100, blank=True, editable=False)
    # An imported pabulib project's row as read (name, category, selected, latitude …).
    imported_fields = models.JSONField(default=dict, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["edition", "number", "created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        permissions = [
            ("enter_paper_proposal", _("Can enter proposals received on paper")),
            ("import_proposals", _("Can import proposals from a file")),
            ("review_formally", _("Can review proposals formally")),
            ("review_merit", _("Can review proposals on merit")),
            ("view_all_proposals", _("Can see every proposal of the organisation")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="proposal_unique_number"),
            models.UniqueConstraint(fields=["edition", "import_key"],
                                    condition=~models.Q(import_key=""),
                                    name="proposal_unique_import_key"),
        ]
        indexes = [models.Index(fields=["edition", "state"]),
                   models.Index(fields=["edition", "applicant", "state"])]

    def __str__(self):
        return f"{self.reference} {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        self.organisation_id = self.edition.organisation_id
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        """The human-readable number used everywhere, e.g. ``2026/017``."""
        return f"{self.edition.year}/{self.number:03d}" if self.number else ""

    def _not_own(self, user) -> bool:
        # Separation of duties (PB-10): nobody assesses a proposal they entered or filed.
        return user.pk not in {self.entered_by_id, self.applicant_id}

    def _may_submit(self, user) -> bool:
        # The applicant, or the clerk who typed it in from paper or imported it from a file;
        # nobody submits a resident's online draft on their behalf.
        if user.pk is not None and user.pk == self.applicant_id:
            return True
        if self.channel == self.Channel.PAPER:
            return user.has_perm("intake.enter_paper_proposal", self)
        if self.channel == self.Channel.IMPORT:
            return user.has_perm("intake.import_proposals", self)
        return False

    def _may_review_formally(self, user) -> bool:
        return user.has_perm("intake.review_formally", self) and self._not_own(user)

    def _may_review_merit(self, user) -> bool:
        return user.has_perm("intake.review_merit", self) and self._not_own(user)

    @state.transition(source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED,
                      label=_("Submit"), permission=_may_submit,
                      custom={"audit": "proposal.submit"})
    def submit(self):
        """Submit the proposal for review."""

    @state.transition(source=State.SUBMITTED, target=State.FORMALLY_ACCEPTED,
                      label=_("Accept formally"), permission=_may_review_formally,
                      custom={"audit": "proposal.accept_formally"})
    def accept_formally(self):
        """Pass formal review: complete and eligible."""

    @state.transition(source=State.FORMALLY_ACCEPTED, target=State.ACCEPTED,
                      label=_("Accept on merit"), permission=_may_review_merit,
                      custom={"audit": "proposal.accept"})
    def accept(self):
        """Pass merit review: feasible, with a verified cost."""

    @state.transition(source=State.SUBMITTED, target=State.REJECTED, label=_("Reject"),
                      permission=_may_review_formally,
                      custom={"audit": "proposal.reject_formally"})
    def reject_formally(self):
        """Fail formal review."""

    @state.transition(source=State.FORMALLY_ACCEPTED, target=State.REJECTED, label=_("Reject"),
                      permission=_may_review_merit,
                      custom={"audit": "proposal.reject_on_merit"})
    def reject_on_merit(self):
        """Fail merit review."""

    @state.transition(source=State.SUBMITTED, target=State.RETURNED,
                      label=_("Return for correction"), permission=_may_review_formally,
                      custom={"audit": "proposal.return_formally"})
    def return_formally(self):
        """Return to the applicant for correction during formal review."""

    @state.transition(source=State.FORMALLY_ACCEPTED, target=State.RETURNED,
                      label=_("Return for correction"), permission=_may_review_merit,
                      custom={"audit": "proposal.return_on_merit"})
    def return_on_merit(self):
        """Return to the applicant for correction during merit review."""

    def _timetable_only(self, user) -> bool:
        # A lapse follows from a date, never from a person's decision.
        return False

    @state.transition(source=State.RETURNED, target=State.REJECTED,
                      label=_("Reject: not corrected in time"), permission=_timetable_only,
                      custom={"audit": "proposal.lapse"})
    def lapse(self):
        """Reject a returned proposal whose correction deadline passed (run by the timetable)."""

    @state.transition(source=State.ACCEPTED, target=State.ON_BALLOT, label=_("Place on ballot"),
                      permission=_can("intake.manage_edition"),
                      custom={"audit": "proposal.place_on_ballot"})
    def place_on_ballot(self):
        """Put an accepted proposal on the ballot when voting opens."""


def attachment_path(instance, filename):
    # A random name on disk: the original name is kept in the row, never trusted as a path.
    import uuid

    return f"proposals/{instance.proposal.edition_id}/{instance.proposal_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to a proposal; stored outside the web root (PB-6)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(max_length=100, blank=True)
    # The applicant's choice: pictures marked public are shown on the project's page.
    public = models.BooleanField(_("show on the project's public page"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


from .import_models import ProposalImport  # noqa: E402,F401  (a model of this app, in its module)
