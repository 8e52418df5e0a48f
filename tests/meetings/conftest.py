"""A company with a secretary and a meeting whose members may register and vote."""
import pytest

from meetings import services
from meetings.models import Meeting
from organisations.models import Organisation
from organisations.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def company(db):
    return OrganisationFactory(name="Spółka Testowa S.A.", slug="spolka-testowa",
                               kind=Organisation.Kind.COMPANY)


@pytest.fixture
def secretary(company):
    user = UserFactory(email="sekretarz@example.org")
    MembershipFactory(user=user, organisation=company, role=Role.COMPANY_SECRETARY)
    return user


def meeting_make(company, secretary, *, kind=Meeting.Kind.BOARD, weights=(1, 1, 1),
                 share_capital=None, register=True, start=False, resolutions=(),
                 emails=None):
    """A meeting with members of ``weights``; registered and voting if asked."""
    meeting = services.meeting_create(organisation=company, kind=kind, title="Posiedzenie",
                                      actor=secretary, share_capital=share_capital)
    members = []
    for i, weight in enumerate(weights):
        email = emails[i] if emails else f"czlonek{i}-{meeting.pk}@example.org"
        user = UserFactory(email=email)
        members.append(services.member_add(meeting=meeting, email=user.email, weight=weight,
                                           actor=secretary))
    for spec in resolutions:
        services.resolution_add(meeting=meeting, actor=secretary, **spec)
    meeting = services.meeting_open_registration(meeting=meeting, actor=secretary,
                                                 base_url="http://testserver/")
    if register:
        for invitation in meeting.invitations.all():
            services.invitation_accept(invitation=invitation, password=None)
    if start:
        meeting = services.meeting_start_voting(meeting=meeting, actor=secretary)
    for member in members:
        member.refresh_from_db()
    return meeting, members


@pytest.fixture
def make_meeting(company, secretary, django_capture_on_commit_callbacks):
    def make(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return meeting_make(company, secretary, **kwargs)
    return make
