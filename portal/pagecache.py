"""A cache of whole rendered pages for the routes that every visitor reads.

A page is kept under a key made of the *content version*, the language, the
reader (anonymous, or one user) and the full path with its query string. The
content version is a random token in the shared cache that changes after every
committed write to the portal's content tables, whatever made it (a service, the
admin, a Celery task, a management command): ``track_writes`` watches the SQL
each database connection runs. A page can therefore never outlive a change that
could alter it; the short lifetime (``PAGE_CACHE_SECONDS``) only bounds how old
relative times ("2 hours ago", "overdue") may get.

One request renders a page at a time. When a page's lifetime is over, one
reader renders it again while the others still get the page of the same
content version (kept twice as long as its lifetime). When there is no page
(after a write), the others wait for the one being rendered, at most
``WAIT_SECONDS``, instead of all rendering it at once.

Writes that change nothing a page shows (raw page views, the visitor salt,
sessions, API token use) leave the version alone. The daily visit totals have
a version of their own (``TRAFFIC``), which only the metrics pages read, so the
roll-up every five minutes does not empty the cache of the forum's pages. The
accounts tables (users, groups, permissions) change ``ACCOUNTS`` as well as
``CONTENT``: the signed-in user of each request is kept under that version
(``remembered``, used by portal/accounts/backends.py).

A page is not cached when it carries flash messages, sets a cookie, changes the
session, uses the CSP nonce or is marked private; the CSRF token of its forms is
replaced on every hit by a token for the reader's own cookie.
"""

import hashlib
import re
import secrets
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CONTENT = "content"
TRAFFIC = "traffic"
ACCOUNTS = "accounts"

# Tables whose writes change no cached page (CONTENT), or only the metrics pages (TRAFFIC).
# Tables no cached page shows (the job table is written by every queued email).
IGNORED_TABLES = frozenset(
    {"metrics_pageview", "metrics_visitorsalt", "metrics_apitoken", "django_session", "django_migrations", "jobs_job"}
)
TRAFFIC_TABLES = frozenset({"metrics_dailytraffic", "metrics_dailypageviews"})
ACCOUNT_TABLES = frozenset(
    {
        "accounts_user",
        "accounts_user_groups",
        "accounts_user_user_permissions",
        "auth_group",
        "auth_group_permissions",
        "auth_permission",
    }
)

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_READ_ONLY = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN", "SET ", "SHOW", "EXPLAIN", "PRAGMA")
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
_CSRF_MARK = b"\x00csrf\x00"
_CSRF_PLACEHOLDER = b'name="csrfmiddlewaretoken" value="' + _CSRF_MARK + b'"'
_HTML = "text/html; charset=utf-8"

# How long a reader waits for a page another request is rendering, and how often it looks.
WAIT_SECONDS = 5.0
WAIT_STEP_SECONDS = 0.02


def _version_key(scope: str) -> str:
    return f"pagecache:version:{scope}"


def bump(scope: str = CONTENT) -> None:
    """Make every cached page of ``scope`` stale."""
    cache.set(_version_key(scope), secrets.token_hex(6), None)


def scopes_written(sql: str) -> tuple[str, ...]:
    """The cache scopes a statement changes: none for reads and ignored tables."""
    head = sql.lstrip()[:9].upper()
    if head.startswith(_READ_ONLY):
        return ()
    match = _WRITE.match(sql)
    if match is None:  # DDL, CTEs and anything unforeseen: stale is worse than a miss
        return (CONTENT, ACCOUNTS)
    table = match.group(1).lower()
    if table in IGNORED_TABLES:
        return ()
    if table in TRAFFIC_TABLES:
        return (TRAFFIC,)
    return (CONTENT, ACCOUNTS) if table in ACCOUNT_TABLES else (CONTENT,)


def _watch(connection):
    pending: set[str] = set()

    def bump_pending():
        for scope in list(pending):
            bump(scope)
        pending.clear()

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        scopes = scopes_written(sql)
        if scopes:
            pending.update(scopes)
            # After the commit, so that a page rendered from the old rows while
            # the transaction ran is stored under the old version. Once per
            # transaction: a rollback forgets the callback, so look for it.
            if not any(entry[1] is bump_pending for entry in connection.run_on_commit):
                connection.on_commit(bump_pending, robust=True)
        return result

    wrapper.watches_writes = True
    return wrapper


def _on_connection_created(sender, connection, **kwargs):
    # Sent again each time the connection is opened anew (after CONN_MAX_AGE, after
    # every Celery task), for the same ``connection`` object: watch it once, or the
    # wrappers pile up until a query overflows the stack.
    if not any(getattr(wrapper, "watches_writes", False) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(_watch(connection))


def track_writes() -> None:
    """Watch the writes of every database connection (called once, from AppConfig.ready)."""
    connection_created.connect(_on_connection_created, dispatch_uid="pagecache.track_writes")
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _on_connection_created(None, connection)


def _start_version(key: str) -> str:
    """The version under ``key`` in a cache emptied by a restart: any new token
    will do, but the first process to set one wins."""
    cache.add(key, secrets.token_hex(6), None)
    return cache.get(key)


def _versions(scopes: tuple[str, ...]) -> str:
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    return ".".join(str(found[key] if key in found else _start_version(key)) for key in keys)


def remembered(scope: str, key: str, compute, seconds: int):
    """``compute()``, kept in the cache for ``seconds`` while no write changes
    ``scope``. One cache read when it is kept (the value is stored with the
    version it was computed under); ``None`` results are not kept."""
    version_key, value_key = _version_key(scope), f"pagecache:kept:{scope}:{key}"
    found = cache.get_many([version_key, value_key])
    version = found[version_key] if version_key in found else _start_version(version_key)
    kept = found.get(value_key)
    if kept is not None and kept[0] == version:
        return kept[1]
    # Version read before computing: a write committed meanwhile leaves a stale
    # version on the value, never a stale value under the current version.
    value = compute()
    if value is not None:
        cache.set(value_key, (version, value), seconds)
    return value


def _page_key(request, scopes: tuple[str, ...]) -> str:
    reader = f"u{request.user.pk}" if request.user.is_authenticated else "anon"
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=12).hexdigest()
    return f"pagecache:page:{_versions(scopes)}:{get_language()}:{reader}:{path}"


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _cacheable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type") == _HTML
        and set(response.headers) == {"Content-Type"}  # nothing else the view said to keep
        and not bool(getattr(request, "_csp_nonce", None))
        and not getattr(getattr(request, "session", None), "modified", False)
        and not _has_messages(request)
    )


def _serve(request, content: bytes) -> HttpResponse:
    token = get_token(request).encode()  # the reader's own, for their CSRF cookie
    return HttpResponse(content.replace(_CSRF_MARK, token), content_type=_HTML)


def _wait_for(key: str, lock: str):
    """The page another request is rendering, once stored; None if it is not
    kept (the lock is gone without it) or takes too long."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        found = cache.get_many([key, lock])
        if key in found or lock not in found:
            return found.get(key)
    return None


def _render(view, request, args, kwargs, key: str, seconds: int, lock: str | None):
    """The view's response, kept under ``key`` if it may be; ``lock`` (held by
    this request, if any) is released whatever happens."""
    try:
        response = view(request, *args, **kwargs)
        if _cacheable(request, response):
            content = _CSRF_INPUT.sub(_CSRF_PLACEHOLDER, response.content)
            cache.set(key, (time.time() + seconds, content), 2 * seconds)
        return response
    finally:
        if lock is not None:
            cache.delete(lock)


def cached_page(view=None, *, scopes: tuple[str, ...] = (CONTENT,)):
    """Serve a GET view's page from the cache while nothing it shows has changed."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            seconds = settings.PAGE_CACHE_SECONDS
            if not seconds or request.method != "GET" or _has_messages(request):
                return view(request, *args, **kwargs)
            key = _page_key(request, scopes)
            lock = f"{key}:rendering"
            kept = cache.get(key)
            if kept is None:
                if cache.add(lock, 1, 2 * WAIT_SECONDS):
                    return _render(view, request, args, kwargs, key, seconds, lock)
                kept = _wait_for(key, lock)
                if kept is None:
                    return _render(view, request, args, kwargs, key, seconds, None)
            fresh_until, content = kept
            if fresh_until < time.time() and cache.add(lock, 1, 2 * WAIT_SECONDS):
                return _render(view, request, args, kwargs, key, seconds, lock)
            return _serve(request, content)

        return wrapper

    return decorator(view) if view is not None else decorator
