"""A ballot box shaped like Rybnik's: districts to choose among, and a city-wide poll."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from ballots.models import BallotBox, Option, Poll

# Valid PESELs: born 1990-01-01 (M), 1985-06-15 (F), 2002-02-11 (F); 2012-03-01 (under 16).
PESEL_ADULT_M = "90010112356"
PESEL_ADULT_F = "85061512347"
PESEL_2002_F = "02221101245"
PESEL_UNDER_16 = "12230101239"


def box_make(organisation, *, state="open", districts=("Boguszowice", "Chwałowice"),
             local_choices=1, citywide_choices=1, pesel_required=True, cards_per_email=3):
    now = timezone.now()
    box = BallotBox.objects.create(organisation=organisation, title="Budżet Obywatelski 2026",
                                   opens_at=now - timedelta(days=1),
                                   closes_at=now + timedelta(days=6),
                                   pesel_required=pesel_required,
                                   cards_per_email=cards_per_email)
    number = 0
    for position, name in enumerate(districts):
        poll = Poll.objects.create(organisation=organisation, box=box, title=name,
                                   choice_group="district", max_choices=local_choices,
                                   budget=Decimal("300000"), position=position)
        for _ in range(3):
            number += 1
            Option.objects.create(poll=poll, code=f"2026/{number:03d}",
                                  label=f"Projekt {name} {number}", cost=Decimal("100000"),
                                  position=number)
    citywide = Poll.objects.create(organisation=organisation, box=box, title="Ogólnomiejski",
                                   max_choices=citywide_choices, budget=Decimal("1000000"),
                                   position=len(districts))
    for _ in range(3):
        number += 1
        Option.objects.create(poll=citywide, code=f"2026/{number:03d}",
                              label=f"Projekt miejski {number}", cost=Decimal("400000"),
                              position=number)
    if state == "open":
        from ballots.services import box_open

        with transaction.atomic():
            box = box_open(box=box, actor=None)
    return box


@pytest.fixture
def box(city):
    return box_make(city)


def card_data(box, *, local=None, citywide=None, pesel=PESEL_ADULT_M, declarations=True,
              abstain_local=False, abstain_citywide=False):
    """POST data for the card: option ids by section, as a browser would send them."""
    polls = list(box.polls.order_by("position"))
    group_key = "g-district"
    citywide_poll = polls[-1]
    data = {}
    if local is not None:
        data[f"{group_key}-options"] = local
    if abstain_local:
        data[f"{group_key}-abstain"] = "on"
    if citywide is not None:
        data[f"p-{citywide_poll.pk}-options"] = citywide
    if abstain_citywide:
        data[f"p-{citywide_poll.pk}-abstain"] = "on"
    if declarations:
        names = ("declare_age", "declare_resident", "declare_true", "declare_consent")
        data.update(dict.fromkeys(names, "on"))
    if pesel is not None:
        data["pesel"] = pesel
    return data


def first_option(box, poll_title):
    return box.polls.get(title=poll_title).options.order_by("position").first()


def issue_token(box, email):
    """Request a link as a voter would and read the token from the stored e-mail."""
    import re

    from ballots.services import ballot_link_request
    from notifications.models import OutboundEmail
    from notifications.services import email_text

    ballot_link_request(box=box, email=email, base_url="http://testserver")
    _subject, body = email_text(OutboundEmail.objects.filter(to=email.lower()).latest("id"))
    return re.search(r"/vote/card/([^/\s]+)/", body).group(1)
