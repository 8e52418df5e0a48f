"""factory_boy factories for the foundation's models."""
import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from organisations.models import Membership, Organisation
from organisations.roles import Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="pl_PL")
    last_name = factory.Faker("last_name", locale="pl_PL")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def confirmed(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Gmina {n}")
    slug = factory.Sequence(lambda n: f"gmina-{n}")
    kind = Organisation.Kind.CITY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.BUDGET_ADMIN


# Participatory budget, part 1 (intake): editions, pools, proposals.
import datetime  # noqa: E402 - kept with the factories that use it (this file grows by appending)
from decimal import Decimal  # noqa: E402

from django.utils import timezone  # noqa: E402


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition with a city-wide pool and two district pools, moved to ``phase``.

    ``EditionFactory(phase="intake")`` runs the real transitions (as the system), so the
    audit trail and the phase blockers are exercised as in production.
    """

    class Meta:
        model = "intake.Edition"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Budżet Obywatelski {n}")
    year = 2027
    intake_starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    intake_ends_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))

    @factory.post_generation
    def with_pools(self, create, extracted, **kwargs):
        if create and extracted is not False:
            PoolFactory(edition=self, kind="citywide", name="Ogólnomiejski", position=0)
            PoolFactory(edition=self, name="Śródmieście", position=1)
            PoolFactory(edition=self, name="Boguszowice", position=2)

    @factory.post_generation
    def phase(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        from intake.services import edition_move

        for transition in ("open_intake", "start_review", "open_voting", "close"):
            if self.state == extracted:
                break
            moved = edition_move(edition=self, transition=transition, actor=None)
            self.state = moved.state


class PoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intake.Pool"

    edition = factory.SubFactory(EditionFactory, with_pools=False)
    kind = "district"
    name = factory.Sequence(lambda n: f"Dzielnica {n}")
    budget = Decimal("300000.00")
    choices_per_ballot = 1


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft by a confirmed resident; ``submitted=True`` submits it through the service."""

    class Meta:
        model = "intake.Proposal"
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory, phase="intake")
    pool = factory.LazyAttribute(lambda o: o.edition.pools.order_by("position").first())
    title = factory.Sequence(lambda n: f"Projekt {n}")
    location = "ul. Zielona 1"
    description = "Opis projektu."
    justification = "Uzasadnienie."
    estimated_cost = Decimal("50000.00")
    applicant = factory.SubFactory(UserFactory)
    applicant_name = factory.LazyAttribute(lambda o: o.applicant.get_full_name()
                                           if o.applicant else "Jan Nowak")
    entered_by = factory.LazyAttribute(lambda o: o.applicant)

    @factory.post_generation
    def submitted(self, create, extracted, **kwargs):
        if create and extracted:
            from intake.services import proposal_submit

            proposal = proposal_submit(proposal=self, actor=self.entered_by or self.applicant)
            self.number, self.submitted_at = proposal.number, proposal.submitted_at
            self.state = proposal.state
