"""The read-only metrics API: every figure of a period as JSON.

Only a bearer token authenticates (``Authorization: Bearer <token>``); the
session is never read, so a signed-in browser cannot be made to call it and
there is no CSRF to guard (and only GET is served).
"""

# allauth's public helper skips GET requests; its internal one (the same
# counters, the same ACCOUNT_RATE_LIMITS) limits them when asked to.
from allauth.core.internal import ratelimit
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from portal.metrics.exports import metrics_document
from portal.metrics.forms import period_errors, period_from_query
from portal.metrics.tokens import user_for_token

RATE_LIMIT_ACTION = "metrics_api"


def _error(status: int, code: str, message: str, **headers) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    return response


def _bearer(request) -> str:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt  # no session, no cookie: the token in the header is the proof
def figures(request):
    if request.method not in ("GET", "HEAD"):
        response = _error(405, "method_not_allowed", "Only GET is allowed.")
        response["Allow"] = "GET, HEAD"
        return response
    user = user_for_token(_bearer(request))
    if user is None:
        return _error(
            401,
            "invalid_token",
            "Send an active API token of an administrator: Authorization: Bearer <token>.",
            WWW_Authenticate='Bearer realm="metrics"',
        )
    if not ratelimit.consume(request, app="allauth.account", action=RATE_LIMIT_ACTION, user=user, limit_get=True):
        return _error(
            429, "rate_limited", "Too many requests with this token; try again in a minute.", Retry_After="60"
        )
    period = period_from_query(request.GET)
    if period is None:
        return _error(400, "invalid_period", " ".join(period_errors(request.GET)))
    response = JsonResponse(metrics_document(period), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
