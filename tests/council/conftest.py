"""A council of 21 statutory seats, its operator and its councillors, and a session."""
import pytest

from council import services
from council.models import Council
from organisations.models import Organisation
from organisations.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    # 21 councillors per test: the production hasher's cost would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def council(db):
    organisation = OrganisationFactory(name="Rada Gminy Testowej", slug="rada-testowa",
                                       kind=Organisation.Kind.COUNCIL)
    return Council.objects.create(organisation=organisation, seats=21)


@pytest.fixture
def operator(council):
    user = UserFactory(email="operator@rada.example", first_name="Olga", last_name="Operatorka")
    MembershipFactory(user=user, organisation=council.organisation, role=Role.COUNCIL_OPERATOR)
    return user


def councillors_make(council, count):
    people = []
    for i in range(count):
        user = UserFactory(email=f"radny{i:02d}@rada.example", first_name=f"Imię{i:02d}",
                           last_name=f"Nazwisko{i:02d}")
        MembershipFactory(user=user, organisation=council.organisation, role=Role.COUNCILLOR)
        people.append(user)
    return people


@pytest.fixture
def councillors(council):
    return councillors_make(council, 21)


@pytest.fixture
def session(council, operator, councillors):
    """A started session with three agenda items."""
    meeting = services.council_session_create(council=council, title="Sesja XII",
                                              actor=operator)
    for n in (1, 2, 3):
        services.session_item_add(meeting=meeting, identifier=f"Uchwała nr XII/{n}/2026",
                                  title=f"w sprawie punktu {n}", actor=operator)
    return services.session_start(meeting=meeting, actor=operator)


def present_make(meeting, operator, users):
    """A quorum check in which exactly ``users`` confirm; closed by the operator."""
    check = services.quorum_check_start(meeting=meeting, actor=operator)
    for user in users:
        services.presence_confirm(meeting=meeting, user=user)
    return services.quorum_check_close(check=check, actor=operator)
