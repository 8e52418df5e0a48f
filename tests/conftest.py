"""Shared fixtures: factories, eager celery inside unit tests, the anymail test backend."""
import pytest

from organisations.roles import Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from wotum.celery import app as celery_app


@pytest.fixture(autouse=True)
def _unit_test_services(settings, request):
    """Unit tests run tasks in-process and capture e-mail; worker tests opt out."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.WOTUM_OUTBOX_KEEP_BODIES = True
    eager = "worker" not in request.keywords
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = eager
    celery_app.conf.task_eager_propagates = eager
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def organisation_factory(db):
    return OrganisationFactory


@pytest.fixture
def membership_factory(db):
    return MembershipFactory


@pytest.fixture
def city(organisation_factory):
    return organisation_factory(name="Miasto Testowe", slug="testowe")


@pytest.fixture
def other_city(organisation_factory):
    return organisation_factory(name="Gmina Inna", slug="inna")


@pytest.fixture
def staff(membership_factory, city):
    """Return a maker of users who hold ``role`` in ``organisation`` (default: ``city``)."""

    def make(role=Role.BUDGET_ADMIN, organisation=None, **user_fields):
        user = UserFactory(**user_fields)
        membership_factory(user=user, role=role, organisation=organisation or city)
        return user

    return make
