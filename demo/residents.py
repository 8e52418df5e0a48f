"""Demo for residents' pages: places, categories, pictures, population, cards over days.

Idempotent: every value is set, not added, and the one picture is attached once.
"""
import datetime
import struct
import zlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ballots.models import Ballot
from intake.models import Attachment, Edition, Proposal

# title: (category, address, latitude, longitude)
PLACES = {
    "Ścieżka rowerowa wzdłuż Kłokocinki": ("Transport", "wzdłuż potoku Kłokocinka",
                                          "50.0683", "18.5720"),
    "Plac zabaw przy ul. Żurawiej": ("Sport i rekreacja", "ul. Żurawia, Boguszowice",
                                     "50.0551", "18.5864"),
    "Remont boiska przy SP 5": ("Sport i rekreacja", "ul. Przewozowa 8, Chwałowice",
                                "50.0480", "18.5555"),
    "Drzewa na ul. 1 Maja": ("Zieleń", "ul. 1 Maja, Chwałowice", "50.0512", "18.5611"),
    "Skatepark w parku Wiśniowiec": ("Sport i rekreacja", "park Wiśniowiec, Niedobczyce",
                                     "50.0603", "18.4861"),
    "Tężnia solankowa na Bulwarach": ("Zieleń", "Bulwary nad Nacyną", "50.0957", "18.5430"),
    "Koncerty letnie na rynku": ("Kultura", "Rynek w Rybniku", "50.0968", "18.5418"),
    "Chodnik przy ul. Zebrzydowickiej": ("Transport", "ul. Zebrzydowicka, Zamysłów",
                                         "50.0879", "18.5170"),
    "Rower miejski: 10 nowych stacji": ("Transport", "10 stacji w całym mieście", None, None),
    "Psi park w Kampusie": ("Zieleń", "Kampus, ul. Rudzka 13", "50.1027", "18.5300"),
    "Darmowe warsztaty kodowania dla seniorów": ("Edukacja", "Biblioteka Miejska", None, None),
}
PICTURE_OF = "Tężnia solankowa na Bulwarach"
POPULATION = 112_000  # residents aged 16 or more, as the city gives it
CRITERIA = "zgodny z prawem\nw kompetencjach gminy\nkoszt realny"


def _png(width: int = 320, height: int = 180) -> bytes:
    """A small picture (a sky over a green bank) without an imaging library."""
    rows = b""
    for y in range(height):
        sky = y < height * 0.6
        pixel = bytes((120 + y // 3, 170 + y // 4, 230)) if sky else bytes((60, 140 - y // 6, 70))
        rows += b"\x00" + pixel * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def _places(edition: Edition) -> None:
    for title, (category, address, lat, lon) in PLACES.items():
        Proposal.objects.filter(edition=edition, title=title).update(
            category=category, location=address,
            latitude=Decimal(lat) if lat else None, longitude=Decimal(lon) if lon else None)


def _picture(edition: Edition) -> None:
    proposal = Proposal.objects.filter(edition=edition, title=PICTURE_OF).first()
    if proposal is None or proposal.attachments.filter(public=True).exists():
        return
    content = _png()
    picture = Attachment(proposal=proposal, original_name="tężnia-wizualizacja.png",
                         size=len(content), content_type="image/png", public=True)
    picture.file.save(picture.original_name, ContentFile(content), save=True)


def _cards_over_days(edition: Edition) -> None:
    """Spread the cards over the days since the vote opened, so the day chart has a shape."""
    if edition.voting_starts_at is None:
        return
    days = max((timezone.now() - edition.voting_starts_at).days, 0) + 1
    start = edition.voting_starts_at + datetime.timedelta(hours=2)
    for n, pk in enumerate(Ballot.objects.filter(box_id=edition.ballot_box_id)
                           .order_by("pk").values_list("pk", flat=True)):
        day = min(n * n % (days * 3) // 3, days - 1)  # more cards at the start, fewer later
        moment = min(start + datetime.timedelta(days=day, minutes=n), timezone.now())
        Ballot.objects.filter(pk=pk).update(cast_at=moment)


@transaction.atomic
def residents_demo_load() -> None:
    for edition in Edition.objects.filter(organisation__slug="rybnik",
                                          ballot_box__isnull=False):
        _places(edition)
        _picture(edition)
        _cards_over_days(edition)
        Edition.objects.filter(pk=edition.pk).update(population=POPULATION)
    # The formal reviewers' checklist on every Rybnik edition that has none yet.
    Edition.objects.filter(organisation__slug="rybnik", review_criteria="").update(
        review_criteria=CRITERIA)
