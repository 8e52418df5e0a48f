"""Run a model's state-machine transition as one audited, locked, permission-checked step."""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.fsm import FSMField

from .services import audit_record


def _state_field(model) -> str:
    return next(f.attname for f in model._meta.concrete_fields if isinstance(f, FSMField))


def transition_run(instance, name: str, *, actor, check_permission: bool = True,
                   details: dict | None = None, save_fields: dict | None = None, **kwargs):
    """Lock ``instance``'s row, run transition ``name`` as ``actor``, save, write the audit row.

    ``actor=None`` is the system (a scheduled job) and skips the permission check.
    Raises ``PermissionDenied`` or viewflow's ``TransitionNotAllowed``; nothing is saved
    then. Returns the saved, locked copy.
    """
    model = type(instance)
    state = _state_field(model)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=instance.pk)
        method = getattr(locked, name)
        if check_permission and actor is not None and not method.has_perm(actor):
            raise PermissionDenied(f"{actor} may not {name} {locked}")
        source = getattr(locked, state)
        method(**kwargs)
        for field, value in (save_fields or {}).items():
            setattr(locked, field, value)
        locked.save()
        audit_record(action=f"{model._meta.model_name}.{name}", actor=actor, obj=locked,
                     from_state=source, to_state=getattr(locked, state), details=details)
    return locked
