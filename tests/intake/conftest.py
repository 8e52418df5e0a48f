"""Fixtures for the participatory budget's intake: an edition taking proposals, its people."""
import pytest
from django.utils import translation

from organisations.roles import Role
from tests.factories import EditionFactory, PoolFactory, ProposalFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root_and_fast_passwords(settings, tmp_path):
    """Uploaded files go to a throwaway folder; test passwords need no costly hashing."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    # The test client runs in this thread and leaves the last request's language active.
    translation.deactivate()


@pytest.fixture
def edition_factory(db):
    return EditionFactory


@pytest.fixture
def pool_factory(db):
    return PoolFactory


@pytest.fixture
def proposal_factory(db):
    return ProposalFactory


@pytest.fixture
def edition(edition_factory, city):
    """An edition of ``city`` taking proposals, with the default limits (5, 5 files, 10 MB)."""
    return edition_factory(organisation=city, name="Budżet Obywatelski 2027", phase="intake")


@pytest.fixture
def resident(db):
    return UserFactory(email="anna@example.org")


@pytest.fixture
def other_resident(db):
    return UserFactory(email="bartek@example.org")


@pytest.fixture
def clerk(staff):
    return staff(Role.INTAKE_CLERK, email="clerk@testowe.example.org")


@pytest.fixture
def budget_admin(staff):
    return staff(Role.BUDGET_ADMIN, email="admin@testowe.example.org")


@pytest.fixture
def other_clerk(staff, other_city):
    return staff(Role.INTAKE_CLERK, organisation=other_city, email="clerk@inna.example.org")


@pytest.fixture
def other_admin(staff, other_city):
    return staff(Role.BUDGET_ADMIN, organisation=other_city, email="admin@inna.example.org")


@pytest.fixture
def proposal_fields(edition):
    """What a resident types into the proposal form."""
    from decimal import Decimal

    return {"title": "Ławki w parku", "pool": edition.pools.get(name="Śródmieście"),
            "location": "Park Miejski", "description": "Dziesięć ławek.",
            "justification": "Brakuje ich.", "estimated_cost": Decimal("12000.00"),
            "applicant_name": "Anna Mieszkańska"}
