"""X-4, X-5: the admin anonymises people instead of deleting them; the audit chain holds."""
import pytest
from django.db import transaction
from django.db.models import ProtectedError

from accounts.models import User
from audit.models import AuditRecord
from audit.selectors import audit_chain_verify
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited_user(user_factory, city):
    user = user_factory(email="jan.kowalski@example.org", first_name="Jan",
                        last_name="Kowalski")
    with transaction.atomic():
        audit_record(action="proposal.submit", actor=user, obj=city)
    return user


@pytest.fixture
def admin_client(client, user_factory):
    client.force_login(user_factory(email="root@example.org", is_staff=True,
                                    is_superuser=True))
    return client


def test_the_admin_offers_no_delete_for_users(admin_client, audited_user):
    page = admin_client.get(f"/admin/accounts/user/{audited_user.pk}/delete/")
    assert page.status_code == 403
    changelist = admin_client.get("/admin/accounts/user/").content.decode()
    assert "delete_selected" not in changelist and "anonymise" in changelist


def test_deleting_an_audited_user_in_code_is_refused_cleanly(audited_user):
    with pytest.raises(ProtectedError):
        audited_user.delete()


def test_anonymising_erases_the_identity_and_keeps_the_chain_valid(admin_client,
                                                                   audited_user):
    other = User.objects.create_user("ewa@example.org", "x")
    page = admin_client.post("/admin/accounts/user/", {
        "action": "anonymise", "_selected_action": [audited_user.pk]}, follow=True)

    assert page.status_code == 200
    user = User.objects.get(pk=audited_user.pk)
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert (user.first_name, user.last_name, user.is_active) == ("", "", False)
    assert not user.has_usable_password()
    assert User.objects.get(pk=other.pk).email == "ewa@example.org"
    assert AuditRecord.objects.filter(actor=user).count() == 1  # the old row, untouched
    assert AuditRecord.objects.filter(action="user.anonymise").count() == 1
    assert audit_chain_verify() == []
