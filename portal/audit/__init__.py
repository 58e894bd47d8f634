"""The audit log of staff and administrator actions: who, what, when, on which object.

Services call ``audit.record(actor=..., action=..., target=..., details=...)``
inside their transaction, so an action and its entry commit together or not at
all. Entries can be written, never changed or deleted (see ``models``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model

    from portal.audit.models import AuditEntry


def record(
    *,
    actor,
    action: str,
    target: Model | None = None,
    details: dict[str, Any] | None = None,
    target_repr: str | None = None,
) -> AuditEntry:
    """Write one audit entry; see ``portal.audit.services.record``."""
    # Imported here: this package is imported while Django loads its apps,
    # before models may be.
    from portal.audit.services import record as _record

    return _record(actor=actor, action=action, target=target, details=details, target_repr=target_repr)
