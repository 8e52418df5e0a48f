"""Demo organisations and one person per role."""
from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User
from organisations.models import Membership, Organisation
from organisations.roles import Role

DEMO_PASSWORD = "wotum-demo"  # noqa: S105 - printed for people trying the demo

ORGANISATIONS = {
    "rybnik": ("Miasto Rybnik", Organisation.Kind.CITY),
    "spolka": ("Przykładowa Spółka S.A.", Organisation.Kind.COMPANY),
    "rada-rybnik": ("Rada Miasta Rybnika", Organisation.Kind.COUNCIL),
}

# e-mail, first name, last name, organisation slug (None for a resident), role
PEOPLE = [
    ("resident@wotum.localhost", "Anna", "Mieszkańska", None, Role.RESIDENT),
    ("clerk@wotum.localhost", "Celina", "Urzędnik", "rybnik", Role.INTAKE_CLERK),
    ("formal@wotum.localhost", "Feliks", "Formalny", "rybnik", Role.FORMAL_REVIEWER),
    ("merit@wotum.localhost", "Maria", "Merytoryczna", "rybnik", Role.MERIT_REVIEWER),
    ("budget@wotum.localhost", "Bogdan", "Budżetowy", "rybnik", Role.BUDGET_ADMIN),
    ("secretary@wotum.localhost", "Sabina", "Sekretarz", "spolka", Role.COMPANY_SECRETARY),
    ("shareholder@wotum.localhost", "Stefan", "Akcjonariusz", "spolka", Role.SHAREHOLDER),
    ("board2@wotum.localhost", "Bożena", "Zarządzająca", "spolka", Role.SHAREHOLDER),
    ("board3@wotum.localhost", "Bartłomiej", "Członkowski", "spolka", Role.SHAREHOLDER),
    ("operator@wotum.localhost", "Oskar", "Operator", "rada-rybnik", Role.COUNCIL_OPERATOR),
    ("chair@wotum.localhost", "Halina", "Przewodnicząca", "rada-rybnik", Role.COUNCIL_CHAIR),
    ("councillor@wotum.localhost", "Radosław", "Radny", "rada-rybnik", Role.COUNCILLOR),
]
ADMIN = ("admin@wotum.localhost", "Adam", "Administrator")


def person_ensure(email: str, first_name: str, last_name: str, *, superuser=False) -> User:
    """Create (or reset) a demo account whose e-mail address is already confirmed."""
    user, _ = User.objects.get_or_create(email=email, defaults={
        "first_name": first_name, "last_name": last_name})
    user.first_name, user.last_name = first_name, last_name
    user.is_staff = user.is_superuser = superuser
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def people_load() -> list[tuple[str, str, str]]:
    """Load organisations and people; return (e-mail, role, organisation) rows to print."""
    organisations = {
        slug: Organisation.objects.update_or_create(slug=slug, defaults={"name": name,
                                                                           "kind": kind})[0]
        for slug, (name, kind) in ORGANISATIONS.items()
    }
    rows = []
    for email, first, last, slug, role in PEOPLE:
        user = person_ensure(email, first, last)
        organisation = organisations.get(slug)
        if organisation is not None:
            Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        rows.append((email, str(role.label), organisation.name if organisation else "—"))
    person_ensure(*ADMIN, superuser=True)
    rows.append((ADMIN[0], "superuser (/admin/)", "—"))
    return rows
