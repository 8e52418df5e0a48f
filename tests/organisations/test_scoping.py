"""X-7: staff see only their own organisations; roles count only where they are held."""
import pytest
from django.urls import reverse

from audit.services import audit_record
from organisations.roles import Role
from organisations.selectors import organisations_for


@pytest.mark.django_db
def test_staff_member_gets_404_on_another_organisations_dashboard(client, staff, city,
                                                                  other_city):
    client.force_login(staff(Role.BUDGET_ADMIN, organisation=city))

    assert client.get(reverse("organisations:dashboard", args=[city.slug])).status_code == 200
    assert client.get(reverse("organisations:dashboard",
                              args=[other_city.slug])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_audit_trail_of_another_organisation_is_404_and_own_shows_only_own_rows(
        client, staff, city, other_city):
    from django.db import transaction

    with transaction.atomic():
        audit_record(action="edition.open", organisation=city, details={"city": "mine"})
        audit_record(action="edition.open", organisation=other_city, details={"city": "theirs"})
    client.force_login(staff(Role.BUDGET_ADMIN, organisation=city))

    own = client.get(reverse("audit:list", args=[city.slug]))
    assert own.status_code == 200
    assert [r.organisation_id for r in own.context["records"]] == [city.pk]
    assert client.get(reverse("audit:list", args=[other_city.slug])).status_code == 404


@pytest.mark.django_db
def test_role_without_audit_permission_cannot_read_the_audit_trail(client, staff, city):
    client.force_login(staff(Role.FORMAL_REVIEWER, organisation=city))
    assert client.get(reverse("audit:list", args=[city.slug])).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, city):
    response = client.get(reverse("organisations:dashboard", args=[city.slug]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_permissions_on_an_object_count_only_roles_held_in_its_organisation(staff, city,
                                                                            other_city):
    from audit.models import AuditRecord

    admin = staff(Role.BUDGET_ADMIN, organisation=city)
    mine, theirs = AuditRecord(organisation=city), AuditRecord(organisation=other_city)

    assert admin.has_perm("audit.view_auditrecord")
    assert admin.has_perm("audit.view_auditrecord", mine)
    assert not admin.has_perm("audit.view_auditrecord", theirs)


@pytest.mark.django_db
def test_organisations_for_filters_by_role(staff, city, other_city):
    from organisations.models import Membership

    person = staff(Role.FORMAL_REVIEWER, organisation=city)
    Membership.objects.create(user=person, organisation=other_city, role=Role.INTAKE_CLERK)

    assert set(organisations_for(person)) == {city, other_city}
    assert list(organisations_for(person, Role.FORMAL_REVIEWER)) == [city]


@pytest.mark.django_db
def test_every_role_has_its_group():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
