"""A known edition in voting (tests/results/conftest.py), shared with the residents' pages."""
import pytest

from tests.results.conftest import voting_make


@pytest.fixture
def voting(city, staff):
    from organisations.roles import Role

    return voting_make(city, staff(Role.INTAKE_CLERK))
