"""Administrators' personal tokens for the read-only metrics API.

A token is ``ctcc_`` followed by 32 random bytes (``secrets.token_urlsafe``).
It is shown once, when created; only its SHA-256 (``hash_api_token``) and its
first characters (to tell tokens apart in the list) are stored. A request
presents it as ``Authorization: Bearer <token>``; ``user_for_token`` finds its
owner by the hash.
"""

import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.accounts.models import User
from portal.accounts.roles import Capability, user_can
from portal.audit.models import Action as AuditAction
from portal.errors import ServiceError
from portal.metrics.models import ApiToken, hash_api_token

TOKEN_PREFIX = "ctcc_"  # noqa: S105 (a marker, not a secret)
# Characters of the token kept in clear, for the list: the fixed prefix and a few random ones.
SHOWN_CHARACTERS = 12
# last_used_at is written at most this often, so that a busy client does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenError(ServiceError):
    """A token operation the service refuses."""


def may_hold_api_tokens(user) -> bool:
    """API tokens are for administrators: the API reads every figure of the
    centre, and only administrators hold USE_ADMIN_SITE."""
    return user_can(user, Capability.USE_ADMIN_SITE)


def get_token_for_user(user, pk: int) -> ApiToken:
    """``user``'s own token ``pk``; 404 for anybody else's, so that others' tokens are not revealed."""
    token = ApiToken.objects.filter(pk=pk, user=user).first() if user.is_authenticated else None
    if token is None:
        raise Http404
    return token


def create_token(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token of ``user`` called ``name``: the stored token and the raw
    token, which is returned here once and never again."""
    if not may_hold_api_tokens(user):
        raise ApiTokenError(_("Only administrators can create API tokens."))
    name = name.strip()
    if not name:
        raise ApiTokenError(_("Give the token a name."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:SHOWN_CHARACTERS], token_hash=hash_api_token(raw)
        )
        audit.record(actor=user, action=AuditAction.API_TOKEN_CREATED, target=token, target_repr=token.name)
    return token, raw


def revoke_token(*, token: ApiToken, user) -> None:
    """Revoke ``token``, which must be ``user``'s own. Revoking twice changes nothing."""
    if token.user_id != user.pk:
        raise ApiTokenError(_("You can revoke only your own tokens."))
    with transaction.atomic():
        now = timezone.now()
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
            token.revoked_at = now
            audit.record(actor=user, action=AuditAction.API_TOKEN_REVOKED, target=token, target_repr=token.name)


def user_for_token(raw: str) -> User | None:
    """The owner of the raw token ``raw`` if the token is active and its owner is
    an active administrator, else None. Notes the use (at most once a minute)."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    hashed = hash_api_token(raw)
    token = ApiToken.objects.active().select_related("user").filter(token_hash=hashed).first()
    # The database finds the row by the hash (no secret is compared there); compare again in constant time.
    if token is None or not hmac.compare_digest(token.token_hash, hashed):
        return None
    if not may_hold_api_tokens(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_RESOLUTION:
        # Conditional, so that simultaneous calls write once.
        ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(last_used_at=now)
    return token.user
