"""Erasure: a person's account is anonymised, never deleted (X-5).

The audit trail is append-only and chained: its rows keep pointing at the account, so the
account row stays and loses what identifies the person. What the audit rows themselves
recorded (who did what, when) is kept: the trail is the organisation's legal record.
"""
from django.contrib.sessions.models import Session
from django.db import transaction

from audit.services import audit_record

from .models import User

ERASED_DOMAIN = "erased.invalid"


def user_anonymise(*, user: User, actor) -> User:
    """Blank ``user``'s identity, sign them out everywhere, and record it in the audit."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.email = f"erased-{user.pk}@{ERASED_DOMAIN}"
        user.first_name = user.last_name = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.filter(user=user).delete()
        user.memberships.all().delete()
        _sessions_end(user)
        audit_record(action="user.anonymise", actor=actor, obj=user)
    return user


def _sessions_end(user: User) -> None:
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
