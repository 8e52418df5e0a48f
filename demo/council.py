"""Demo council: Rada Miasta Rybnika, 21 statutory seats (CS-1 … CS-8), via the real services.

- councillor@wotum.localhost (Radosław Radny) and radny02@ … radny21@wotum.localhost, the
  operator (operator@) and the chair (chair@), all with the demo password;
- "Sesja XI/2026": held and closed; 19 councillors present, two named votes and one secret
  vote closed, so the public page (/rada/rada-rybnik/) has named lists and the exports;
- after it, Teresa Tomala's (radny20@) term ended; her successor Zofia Zawadzka
  (radna22@wotum.localhost) is invited and has not activated her account yet, so the
  operator's "Radni" page shows both states (her link is in the demo outbox);
- "Sesja XII/2026": the agenda ready, not started, with a public document ("Porządek
  obrad"), so a newcomer runs "Rozpocznij sesję", "Sprawdź kworum" and "Rozpocznij
  głosowanie" as operator@.

Idempotent: existing people keep their accounts, an existing session is left as it is.
"""
import datetime

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import User
from council import councillors as office
from council import services
from council.models import Council, Councillor
from meetings.models import Meeting, Resolution
from meetings.services import meeting_close, resolution_close
from organisations.models import Membership, Organisation
from organisations.roles import Role

from .people import person_ensure

SEATS = 21
OPERATOR = "operator@wotum.localhost"
PAST = "Sesja XI/2026"
NEXT = "Sesja XII/2026"
LEAVING = "radny20@wotum.localhost"
SUCCESSOR = ("radna22@wotum.localhost", "Zofia", "Zawadzka")
# A real PDF of one page, so the document opens in any viewer.
AGENDA_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
              b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
              b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
              b"trailer<</Root 1 0 R>>\n%%EOF\n")
# radny02 … radny21 (councillor@ is Radosław Radny, made with the other demo people).
NAMES = [
    ("Agnieszka", "Adamczyk"), ("Bartosz", "Banaś"), ("Cecylia", "Cieślak"),
    ("Dariusz", "Dudek"), ("Edyta", "Englert"), ("Filip", "Figura"), ("Grażyna", "Gajda"),
    ("Henryk", "Hajduk"), ("Irena", "Iwańska"), ("Jerzy", "Jaworski"), ("Katarzyna", "Kołodziej"),
    ("Łukasz", "Łukasik"), ("Małgorzata", "Mazur"), ("Norbert", "Nowak"), ("Olga", "Ociepka"),
    ("Paweł", "Piecha"), ("Renata", "Rduch"), ("Sławomir", "Szołtysek"), ("Teresa", "Tomala"),
    ("Wojciech", "Wójcik"),
]


def councillor_emails() -> list[str]:
    """The 21 serving now: the successor holds the seat of the councillor who left."""
    return ["councillor@wotum.localhost"] + [f"radny{n:02d}@wotum.localhost"
                                             for n in range(2, SEATS + 1)
                                             if f"radny{n:02d}@wotum.localhost" != LEAVING
                                             ] + [SUCCESSOR[0]]


@transaction.atomic
def council_demo_load() -> Council:
    organisation = Organisation.objects.get(slug="rada-rybnik")
    council, _ = Council.objects.get_or_create(organisation=organisation,
                                               defaults={"seats": SEATS})
    for n, (first, last) in enumerate(NAMES, start=2):
        email = f"radny{n:02d}@wotum.localhost"
        user = User.objects.filter(email=email).first() or person_ensure(email, first, last)
        Membership.objects.get_or_create(user=user, organisation=organisation,
                                         role=Role.COUNCILLOR)
    operator = User.objects.get(email=OPERATOR)
    if not Meeting.objects.filter(organisation=organisation, title=PAST).exists():
        past_session_load(council, operator)
    if not Councillor.objects.filter(council=council, user__email=SUCCESSOR[0]).exists():
        succession_load(council, operator)
    if not Meeting.objects.filter(organisation=organisation, title=NEXT).exists():
        meeting = services.council_session_create(council=council, title=NEXT, actor=operator,
                                                  held_on=datetime.date(2026, 12, 17))
        for identifier, title in (
                ("Uchwała nr XII/120/2026", "w sprawie budżetu Miasta Rybnika na rok 2027"),
                ("Uchwała nr XII/121/2026", "w sprawie wieloletniej prognozy finansowej"),
                ("Uchwała nr XII/122/2026", "w sprawie wyboru ławników")):
            services.session_item_add(meeting=meeting, identifier=identifier, title=title,
                                      actor=operator)
        services.session_document_add(
            meeting=meeting, title="Porządek obrad", actor=operator, public=True,
            upload=SimpleUploadedFile("porzadek-obrad.pdf", AGENDA_PDF, "application/pdf"))
    return council


def succession_load(council, operator) -> None:
    """A term ends (its votes stay) and the successor is invited through the real steps."""
    leaving = User.objects.filter(email=LEAVING).first()
    if leaving is not None and Membership.objects.filter(
            user=leaving, organisation_id=council.organisation_id,
            role=Role.COUNCILLOR).exists():
        record = office.councillor_record(council=council, user_id=leaving.pk)
        office.councillor_end(councillor=record, actor=operator)
    email, first, last = SUCCESSOR
    successor = office.councillor_add(council=council, email=email, first_name=first,
                                      last_name=last, actor=operator)
    office.councillor_invite(councillor=successor, actor=operator,
                             base_url=settings.WOTUM_BASE_URL)


def past_session_load(council, operator) -> None:
    meeting = services.council_session_create(council=council, title=PAST, actor=operator,
                                              held_on=datetime.date(2026, 11, 26))
    items = [services.session_item_add(meeting=meeting, identifier=identifier, title=title,
                                       actor=operator)
             for identifier, title in (
                 ("Uchwała nr XI/110/2026", "w sprawie miejscowego planu zagospodarowania "
                                            "przestrzennego dzielnicy Boguszowice"),
                 ("Uchwała nr XI/111/2026", "w sprawie zmiany statutu Miasta Rybnika"),
                 ("Uchwała nr XI/112/2026", "w sprawie wyboru wiceprzewodniczącego Rady"))]
    meeting = services.session_start(meeting=meeting, actor=operator)
    users = [e.user for e in meeting.roll.electors.select_related("user").order_by("position")]
    check = services.quorum_check_start(meeting=meeting, actor=operator)
    present = users[:19]
    for user in present:
        services.presence_confirm(meeting=meeting, user=user)
    services.quorum_check_close(check=check, actor=operator)
    plans = [(items[0], Resolution.Rule.SIMPLE, False, (14, 3, 2)),
             (items[1], Resolution.Rule.ABSOLUTE_OF_MEMBERS, False, (10, 6, 3)),
             (items[2], Resolution.Rule.ABSOLUTE, True, (12, 5, 2))]
    for resolution, rule, secret, (yes, no, abstain) in plans:
        resolution = services.item_vote_open(resolution=resolution, actor=operator, rule=rule,
                                             secret=secret)
        choices = ["for"] * yes + ["against"] * no + ["abstain"] * abstain
        for user, choice in zip(present, choices, strict=True):
            services.item_vote_cast(resolution=resolution, user=user, choice=choice)
        resolution_close(resolution=resolution, actor=operator)
    meeting_close(meeting=meeting, actor=operator)
