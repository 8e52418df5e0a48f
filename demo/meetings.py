"""Demo meetings of Przykładowa Spółka S.A. (BR-1 … BR-8), through the real services.

- "Posiedzenie Zarządu nr 3/2026": three members, registration open; shareholder@ and
  board2@ registered, board3@ not (to show the gate); no resolution opened yet, so a
  newcomer runs the whole flow as secretary@.
- "Zwyczajne Walne Zgromadzenie 2026": shareholders with their shares, board3@
  represented by board2@ (a proxy document noted); voting started, the first resolution
  voted and closed (results and xlsx to see), the others waiting.

Idempotent: a meeting that exists already is left as it is (it may be mid-demo).
"""
from django.conf import settings
from django.db import transaction

from accounts.models import User
from meetings import services
from meetings.models import Meeting, Resolution
from organisations.models import Organisation

BOARD = "Posiedzenie Zarządu nr 3/2026"
GENERAL = "Zwyczajne Walne Zgromadzenie 2026"
SECRETARY = "secretary@wotum.localhost"
MEMBERS = ["shareholder@wotum.localhost", "board2@wotum.localhost", "board3@wotum.localhost"]


def _meeting(organisation, title, kind, secretary, **fields):
    meeting = Meeting.objects.filter(organisation=organisation, title=title).first()
    if meeting is not None:
        return meeting, False
    return services.meeting_create(organisation=organisation, kind=kind, title=title,
                                   actor=secretary, **fields), True


@transaction.atomic
def meetings_demo_load() -> None:
    company = Organisation.objects.get(slug="spolka")
    secretary = User.objects.get(email=SECRETARY)
    board_load(company, secretary)
    general_load(company, secretary)


def board_load(company, secretary) -> None:
    meeting, created = _meeting(company, BOARD, Meeting.Kind.BOARD, secretary)
    if not created:
        return
    for email in MEMBERS:
        services.member_add(meeting=meeting, email=email, actor=secretary)
    for number, rule in ((7, Resolution.Rule.SIMPLE), (8, Resolution.Rule.ABSOLUTE),
                         (9, Resolution.Rule.TWO_THIRDS)):
        services.resolution_add(meeting=meeting, identifier=f"Uchwała nr {number}/2026",
                                rule=rule, actor=secretary)
    meeting = services.meeting_open_registration(meeting=meeting, actor=secretary,
                                                 base_url=settings.WOTUM_BASE_URL)
    for invitation in meeting.invitations.filter(elector__user__email__in=MEMBERS[:2]):
        services.invitation_accept(invitation=invitation, password=None)


def general_load(company, secretary) -> None:
    meeting, created = _meeting(company, GENERAL, Meeting.Kind.SHAREHOLDERS, secretary,
                                share_capital=12000)
    if not created:
        return
    stefan, bozena, bartlomiej = (
        services.member_add(meeting=meeting, email=email, weight=weight, actor=secretary)
        for email, weight in zip(MEMBERS, (5000, 3000, 2000), strict=True))
    services.proxy_note(meeting=meeting, elector=bartlomiej, proxy_email=MEMBERS[1],
                        document="pełnomocnictwo z 10 marca 2026 r. (forma pisemna)",
                        actor=secretary)
    first, *_ = [
        services.resolution_add(meeting=meeting, identifier=identifier, rule=rule,
                                basis=Resolution.Basis.WEIGHT, quorum=quorum, actor=secretary)
        for identifier, rule, quorum in (
            ("Uchwała nr 1/2026 ZWZ", Resolution.Rule.SIMPLE, Resolution.Quorum.THIRD),
            ("Uchwała nr 2/2026 ZWZ", Resolution.Rule.ABSOLUTE, Resolution.Quorum.NONE),
            ("Uchwała nr 3/2026 ZWZ", Resolution.Rule.THREE_QUARTERS, Resolution.Quorum.HALF))]
    meeting = services.meeting_open_registration(meeting=meeting, actor=secretary,
                                                 base_url=settings.WOTUM_BASE_URL)
    for invitation in meeting.invitations.all():
        services.invitation_accept(invitation=invitation, password=None)
    services.meeting_start_voting(meeting=meeting, actor=secretary)
    services.resolution_open(resolution=first, actor=secretary)
    bartlomiej.refresh_from_db()
    for elector, by, choice in ((stefan, stefan.user, "for"), (bozena, bozena.user, "for"),
                                (bartlomiej, bozena.user, "against")):
        services.meeting_vote(resolution=first, elector=elector, cast_by=by, choice=choice)
    services.resolution_close(resolution=first, actor=secretary)
