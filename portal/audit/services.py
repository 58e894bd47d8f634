"""Writing the audit log: the one way an entry is made."""

from typing import Any

from django.db import models

from portal.audit.models import Action, AuditEntry

TARGET_REPR_LENGTH = AuditEntry._meta.get_field("target_repr").max_length


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    target_repr: str | None = None,
) -> AuditEntry:
    """Write who (``actor``, a user or None for the system) did ``action`` (an
    ``Action``) on ``target`` (any saved model instance, or None), with optional
    JSON ``details``. ``target_repr`` replaces ``str(target)`` where that would
    name a person whose data must not outlive an erasure.

    Call it inside the service's transaction: the action and its entry are
    committed together or not at all. Keep personal data out of ``details``.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action: {action!r}")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        actor=actor,
        actor_name=(actor.get_full_name() or actor.email)[:150] if actor is not None else "",
        actor_role=getattr(actor, "role", "") if actor is not None else "",
        action=action,
        details=details or {},
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = "" if target.pk is None else str(target.pk)
    if target_repr is None and target is not None:
        target_repr = str(target)
    entry.target_repr = (target_repr or "")[:TARGET_REPR_LENGTH]
    entry.save()
    return entry
