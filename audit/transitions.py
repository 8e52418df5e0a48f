"""Run a model's state-machine transition as one audited, permission-checked step.

Every ``@state.transition`` names its permission and, in ``custom={"audit": action}``, the
audit row's action; ``tests/audit/test_transitions.py`` fails on one that does not.
"""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.fsm import FSMField

from wotum.db import rows_update

from .services import audit_append_many, audit_entry, audit_record


def _state_field(model) -> str:
    return next(f.attname for f in model._meta.concrete_fields if isinstance(f, FSMField))


def _transitions(model, name: str) -> list:
    return list(getattr(model, name).get_transitions())


def transition_action(model, name: str, source=None) -> str:
    """The audit action transition ``name`` of ``model`` (from ``source``) declares."""
    transitions = _transitions(model, name)
    chosen = next((t for t in transitions if t.source == source), transitions[0])
    return chosen.custom.get("audit") or f"{model._meta.model_name}.{name}"


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
        audit_record(action=transition_action(model, name, source), actor=actor, obj=locked,
                     from_state=source, to_state=getattr(locked, state), details=details)
    return locked


def transition_claim(instance, name: str, *, actor=None, organisation=None,
                     details: dict | None = None, values: dict | None = None) -> bool:
    """Run transition ``name`` as one conditional UPDATE (the row still in a source state)
    and write its audit row; False, and nothing written, when another worker got there
    first. For jobs that two workers may pick up at once: exactly one wins.

    The system's step (``actor`` None, or a person whose permission the caller checked).
    """
    model = type(instance)
    state = _state_field(model)
    transitions = _transitions(model, name)
    sources = [t.source for t in transitions]
    target = transitions[0].target
    with transaction.atomic():
        changed = model._default_manager.filter(pk=instance.pk, **{f"{state}__in": sources}
                                                ).update(**{state: target}, **(values or {}))
        if not changed:
            return False
        source = getattr(instance, state)
        source = source if source in sources else sources[0]
        audit_record(action=transition_action(model, name, source), actor=actor, obj=instance,
                     organisation=organisation, from_state=source, to_state=target,
                     details=details)
    instance.__dict__[state] = target
    for field, value in (values or {}).items():
        setattr(instance, field, value)
    return True


def transition_audit_many(model, name: str, objects, *, actor=None, organisation=None,
                          stream: str = "global", details: dict | None = None) -> int:
    """The audit rows transition ``name`` writes, for ``objects`` moved together by one
    set-based UPDATE (a box's million cards counted at its close): the same rows
    ``transition_run`` writes, appended unchained and chained after commit."""
    transitions = _transitions(model, name)
    action = transition_action(model, name)
    records = (audit_entry(action=action, actor=actor, obj=obj, organisation=organisation,
                           from_state=transitions[0].source, to_state=transitions[0].target,
                           details=details, stream=stream) for obj in objects)
    return audit_append_many(records)


def transition_save_many(moves, *, fields=(), where=None, actor=None,
                         details: dict | None = None) -> list:
    """Save objects of one model that transitions moved in memory, with one conditional
    UPDATE, and one audit row per transition, organisation and source naming their ids.

    ``moves`` are ``(obj, name, source)``: the object after its transition ``name`` ran in
    memory (viewflow checked the source), and the state it left. The rows are locked and
    saved only where they still match ``where`` (a ``Q`` on the model's own columns, e.g.
    still in their claimed state under this sender's lease): rows another worker changed
    meanwhile are left alone and left out of the result and the audit. For the system's
    batched steps (``actor`` None, or a person whose permission the caller checked),
    where a row per object would cost more than the step itself.
    """
    moves = list(moves)
    if not moves:
        return []
    model = type(moves[0][0])
    state = _state_field(model)
    # No savepoint (two round trips less): a failure fails the caller's whole transaction.
    with transaction.atomic(savepoint=False):
        kept = rows_update([obj for obj, _n, _s in moves], [state, *fields], where)
        moves = [move for move in moves if move[0].pk in kept]
        if not moves:
            return []
        groups: dict[tuple, list] = {}
        for obj, name, source in moves:
            key = (name, source, getattr(obj, state), getattr(obj, "organisation_id", None))
            groups.setdefault(key, []).append(obj.pk)
        audit_append_many(
            _batch_entry(model, name, source, target, organisation, ids, actor, details)
            for (name, source, target, organisation), ids in groups.items())
    return [obj for obj, _n, _s in moves]


def _batch_entry(model, name, source, target, organisation, ids, actor, details):
    entry = audit_entry(action=transition_action(model, name, source), actor=actor,
                        organisation=organisation, from_state=source, to_state=target,
                        details={**(details or {}), "ids": sorted(ids)})
    # The model and how many, never an object's text: an e-mail's names its recipient.
    entry.object_type = model._meta.label_lower
    entry.object_repr = f"{len(ids)} × {model._meta.model_name}"
    return entry
