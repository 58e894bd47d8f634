"""Counting visits on the server, privately: what is counted, how, and what is kept.

What is stored
--------------
For each counted page view, one ``PageView`` row: the day, the kind of page
(``PageKind``, e.g. "question" or "guideline") and the visitor of that day. The
visitor is ``HMAC-SHA256(salt of the day, address + user agent)``, truncated to
32 hexadecimal characters. Nothing else: no address, no user agent, no cookie,
no user, no address of the page, no referrer.

The salt of the day is 32 random bytes (``secrets``, not derived from SECRET_KEY
or anything else), kept in ``VisitorSalt`` for its day only and cached in each
process's memory for that day. The roll-up task deletes it once its day is over.

Every five minutes the task ``roll_up_visits`` folds the raw rows into daily
totals (``DailyTraffic``: views and distinct visitors of a day;
``DailyPageViews``: the same per kind of page) and deletes the raw rows of the
days that are over, shortly after midnight.

Why it is private
-----------------
- No cookie and nothing stored on the visitor's device, so no consent banner.
- The address is used in memory only, to compute the hash, and never stored.
- The hash cannot be reversed, and once the day's salt is deleted nobody (not
  even the portal's administrators) can compute it again from an address, so a
  visitor cannot be followed from one day to the next: the same person gets an
  unrelated hash tomorrow. By the next day only daily totals remain.
- Signed-in users are counted exactly like anonymous visitors: the user is not
  part of the hash.

Not counted: bots and crawlers (by user agent; an empty one too), requests
other than GET, prefetches, responses other than 200, static and media files,
scripts' requests (``Sec-Fetch-Dest`` other than "document", ``?format=json``),
feeds, the health check, the Django admin and the metrics API.

Cost: with Redis (``VISITS_BUFFER``, on when ``REDIS_URL`` is set) a counted
request appends its row to a list in Redis, and the roll-up writes the list to
the database in one INSERT; without Redis, or while Redis does not answer (and
for five seconds after it failed, as for the cache), the request INSERTs its
row itself. On its first counted request of the day each
process reads the day's salt. A counting failure is logged and never breaks
the page.
"""

import hashlib
import hmac
import logging
import re
import secrets
from datetime import date, datetime, timedelta
from functools import cache

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from portal.cache import RedisBreaker, no_retry
from portal.metrics.models import DailyPageViews, DailyTraffic, PageKind, PageView, VisitorSalt

logger = logging.getLogger(__name__)

# Robots, crawlers, link previews, monitors and HTTP libraries, by user agent.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|scrap|archiver|fetch|preview|facebookexternalhit|embedly|"
    r"curl|wget|python|httpx|aiohttp|go-http-client|java/|okhttp|libwww|perl|ruby|axios|node|"
    r"headless|phantomjs|selenium|playwright|puppeteer|lighthouse|pagespeed|gtmetrix|"
    r"pingdom|uptime|monitor|statuscake|checkly|nagios|zabbix|feed|rss|reader|validator|scanner",
    re.IGNORECASE,
)

# What each page showed, by "namespace:url_name" (the root URLconf's names have
# no namespace). A name missing here is OTHER, unless its namespace has a
# default below.
PAGE_KINDS: dict[str, PageKind] = {
    ":home": PageKind.HOME,
    # Forum
    "forum:list": PageKind.QUESTION_LIST,
    "forum:question": PageKind.QUESTION,
    "forum:history": PageKind.QUESTION,
    "forum:faq": PageKind.FAQ,
    "forum:ask": PageKind.ACCOUNT,
    "forum:edit": PageKind.ACCOUNT,
    "forum:edit_answer": PageKind.ACCOUNT,
    "forum:faq_new": PageKind.BOARD_WORK,
    "forum:faq_edit": PageKind.BOARD_WORK,
    "forum:to_faq": PageKind.BOARD_WORK,
    "forum:moderation": PageKind.BOARD_WORK,
    "forum:expert_dashboard": PageKind.BOARD_WORK,
    "forum:triage": PageKind.BOARD_WORK,
    "forum:decline": PageKind.BOARD_WORK,
    "forum:cancel_assignment": PageKind.BOARD_WORK,
    "forum:board_answer": PageKind.BOARD_WORK,
    "forum:public_copy": PageKind.BOARD_WORK,
    "forum:assign": PageKind.BOARD_WORK,
    "forum:claim": PageKind.BOARD_WORK,
    "forum:conflict": PageKind.BOARD_WORK,
    # The board
    "experts:board": PageKind.BOARD,
    "experts:profile": PageKind.BOARD,
    "experts:edit_own_profile": PageKind.ACCOUNT,
    "experts:invite": PageKind.BOARD_WORK,
    # Counselling: a member's funded projects, the board's cases
    "experts:projects": PageKind.ACCOUNT,
    "experts:project": PageKind.ACCOUNT,
    "experts:project_new": PageKind.ACCOUNT,
    "experts:project_edit": PageKind.ACCOUNT,
    "experts:request_counselling": PageKind.ACCOUNT,
    "experts:cases": PageKind.BOARD_WORK,
    "experts:case": PageKind.BOARD_WORK,
    "experts:case_assign": PageKind.BOARD_WORK,
    "experts:case_meeting": PageKind.BOARD_WORK,
    "experts:case_close": PageKind.BOARD_WORK,
    # The clinical network: the directory, introductions, facilitated investigations
    "experts:clinics": PageKind.DIRECTORY,
    "experts:clinic": PageKind.DIRECTORY,
    "experts:introductions": PageKind.DIRECTORY,
    "experts:introduction": PageKind.DIRECTORY,
    "experts:introduction_new": PageKind.DIRECTORY,
    "experts:feasibility_answer": PageKind.DIRECTORY,
    "experts:investigations": PageKind.DIRECTORY,
    "experts:investigation": PageKind.DIRECTORY,
    "experts:clinic_new": PageKind.BOARD_WORK,
    "experts:clinic_edit": PageKind.BOARD_WORK,
    "experts:clinic_delete": PageKind.BOARD_WORK,
    "experts:department_new": PageKind.BOARD_WORK,
    "experts:department_edit": PageKind.BOARD_WORK,
    "experts:department_delete": PageKind.BOARD_WORK,
    "experts:population_new": PageKind.BOARD_WORK,
    "experts:population_edit": PageKind.BOARD_WORK,
    "experts:population_delete": PageKind.BOARD_WORK,
    "experts:contact_new": PageKind.BOARD_WORK,
    "experts:contact_edit": PageKind.BOARD_WORK,
    "experts:contact_delete": PageKind.BOARD_WORK,
    "experts:introduction_send": PageKind.BOARD_WORK,
    "experts:introduction_clinics": PageKind.BOARD_WORK,
    "experts:introduction_close": PageKind.BOARD_WORK,
    "experts:investigation_new": PageKind.BOARD_WORK,
    "experts:investigation_stage": PageKind.BOARD_WORK,
    "experts:investigation_edit": PageKind.BOARD_WORK,
    # Guidelines: the published versions, their PDF, the board's draft
    "guidelines:current": PageKind.GUIDELINE,
    "guidelines:version": PageKind.GUIDELINE,
    "guidelines:versions": PageKind.GUIDELINE,
    "guidelines:compare": PageKind.GUIDELINE,
    "guidelines:pdf_download": PageKind.GUIDELINE_PDF,
    "guidelines:subscription": PageKind.ACCOUNT,
    "guidelines:draft": PageKind.BOARD_WORK,
    "guidelines:edit_title": PageKind.BOARD_WORK,
    "guidelines:add_section": PageKind.BOARD_WORK,
    "guidelines:edit_section": PageKind.BOARD_WORK,
    "guidelines:move_section": PageKind.BOARD_WORK,
    "guidelines:delete_section": PageKind.BOARD_WORK,
    "guidelines:comment": PageKind.BOARD_WORK,
    "guidelines:mark_reviewed": PageKind.BOARD_WORK,
    "guidelines:reply": PageKind.BOARD_WORK,
    "guidelines:resolve": PageKind.BOARD_WORK,
    "guidelines:review": PageKind.BOARD_WORK,
    "guidelines:publish": PageKind.BOARD_WORK,
    "guidelines:editors": PageKind.BOARD_WORK,
    # Surveys: answering one (the rest of the namespace is the staff's work)
    "surveys:respond": PageKind.SURVEY,
    "surveys:thanks": PageKind.SURVEY,
    # My area
    ":dashboard": PageKind.ACCOUNT,
    "accounts:profile": PageKind.ACCOUNT,
    "accounts:notifications": PageKind.ACCOUNT,
}
# Namespaces whose other pages are all of one kind.
NAMESPACE_KINDS: dict[str, PageKind] = {
    "accounts": PageKind.ACCOUNT,
    "surveys": PageKind.BOARD_WORK,
    "metrics": PageKind.BOARD_WORK,
}
# allauth's pages (sign-in, sign-up, email, password, two-factor) are in the root namespace.
ACCOUNT_NAME_PREFIXES = ("account_", "mfa_", "socialaccount_")

# Not page views: the health check, feeds, fragments fetched by scripts, the metrics API.
NOT_PAGES = frozenset({":healthz", "forum:feed", "forum:similar", "forum:preview", "guidelines:feed", "metrics:api"})
NOT_COUNTED_NAMESPACES = frozenset({"admin"})

# Counted views waiting in Redis for the roll-up (VISITS_BUFFER), one
# "created_at day kind visitor" string each; the roll-up renames the list to the
# second key before reading it, so views counted meanwhile start a new list.
BUFFER_KEY = "metrics:visits:buffer"
DRAINING_KEY = "metrics:visits:draining"
DRAIN_LOCK_KEY = "metrics:visits:drain-lock"

# Raw rows of a day are deleted once the day has been over this long: a request
# that began before midnight may still be writing its row just after it.
LATE_WRITES = timedelta(minutes=10)


def page_kind(resolver_match) -> PageKind:
    """What the page of ``resolver_match`` (``request.resolver_match``) showed."""
    namespace = resolver_match.namespace or ""
    name = resolver_match.url_name or ""
    kind = PAGE_KINDS.get(f"{namespace}:{name}")
    if kind is not None:
        return kind
    if namespace in NAMESPACE_KINDS:
        return NAMESPACE_KINDS[namespace]
    if not namespace and name.startswith(ACCOUNT_NAME_PREFIXES):
        return PageKind.ACCOUNT
    return PageKind.OTHER


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or BOT_USER_AGENT.search(user_agent) is not None


def should_count(request, response) -> bool:
    """Whether the request was a person's view of a page (see the module's docstring)."""
    if request.method != "GET" or response.status_code != 200:
        return False
    meta = request.META
    if is_bot(meta.get("HTTP_USER_AGENT", "")):
        return False
    purpose = " ".join(meta.get(header, "") for header in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE"))
    if "prefetch" in purpose.lower() or meta.get("HTTP_X_MOZ", "").lower() == "prefetch":
        return False
    # Browsers say what a request is for: scripts' fetches are not views.
    if meta.get("HTTP_SEC_FETCH_DEST", "document") != "document":
        return False
    if request.GET.get("format") == "json":
        return False
    path = request.path_info
    if any(prefix and path.startswith(prefix) for prefix in (settings.STATIC_URL, settings.MEDIA_URL)):
        return False
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    namespace = match.namespace or ""
    return namespace not in NOT_COUNTED_NAMESPACES and f"{namespace}:{match.url_name or ''}" not in NOT_PAGES


def client_address(request) -> str:
    """The visitor's address: the proxy's last X-Forwarded-For entry when the
    portal runs behind a trusted proxy (``BEHIND_TRUSTED_PROXY``), else REMOTE_ADDR.
    Only the entry the proxy itself appended is trusted: earlier ones come from the client."""
    if getattr(settings, "BEHIND_TRUSTED_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


# This process's copy of the day's salt: (day, salt).
_salt_of_the_day: tuple[date, str] | None = None


def salt_for(day: date) -> str:
    """The random salt of ``day``: from memory, else from the database (made by
    the first process that needs it)."""
    global _salt_of_the_day  # one value a process, replaced each day
    cached = _salt_of_the_day
    if cached is not None and cached[0] == day:
        return cached[1]
    try:
        salt = VisitorSalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})[0].salt
    except IntegrityError:
        # Another process made it between our read and our write.
        salt = VisitorSalt.objects.get(day=day).salt
    _salt_of_the_day = (day, salt)
    return salt


def forget_cached_salt() -> None:
    """Drop this process's copy of the salt (tests; a process never needs it)."""
    global _salt_of_the_day
    _salt_of_the_day = None


def visitor_hash(*, address: str, user_agent: str, day: date) -> str:
    """The visitor of ``day``: a keyed hash of address and user agent with the day's salt."""
    message = f"{address}\n{user_agent}".encode()
    return hmac.new(salt_for(day).encode(), message, hashlib.sha256).hexdigest()[:32]


# Left alone for a few seconds after a failure, like the cache: a Redis that
# does not answer must not cost every counted page a timeout.
_breaker = RedisBreaker()


@cache
def _redis() -> redis.Redis:
    # Short timeouts: a Redis that does not answer costs a counted page at most
    # this long before the row goes to the database instead.
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.25, socket_connect_timeout=0.25, retry=no_retry())


def _buffered(view: PageView) -> bool:
    """Append ``view`` to the Redis buffer; False if Redis is off or failed."""
    if not settings.VISITS_BUFFER or _breaker.is_open:
        return False
    try:
        _redis().rpush(BUFFER_KEY, f"{view.created_at.isoformat()} {view.day.isoformat()} {view.kind} {view.visitor}")
    except redis.RedisError:
        logger.warning("Redis did not take a page view: written to the database.", exc_info=True)
        _breaker.trip()
        return False
    return True


def count_view(request, response) -> PageView | None:
    """Record the view of ``request`` if it counts (in the Redis buffer, else
    one INSERT); None if not counted."""
    if not should_count(request, response):
        return None
    day = timezone.localdate()
    visitor = visitor_hash(address=client_address(request), user_agent=request.META["HTTP_USER_AGENT"], day=day)
    view = PageView(day=day, kind=page_kind(request.resolver_match), visitor=visitor)
    if not _buffered(view):
        view.save()
    return view


def _parse_buffered(entry: bytes) -> PageView:
    created_at, day, kind, visitor = entry.decode().split(" ")
    return PageView(
        created_at=datetime.fromisoformat(created_at), day=date.fromisoformat(day), kind=kind, visitor=visitor
    )


def drain_visit_buffer() -> int:
    """Move the views waiting in Redis into ``PageView`` rows; how many moved.

    One drain at a time (a lock in Redis). The list is renamed before it is read
    and deleted only once its rows are committed, so a drain that fails leaves
    it for the next one (which takes it before the newer views); a crash between
    the commit and the delete would count those views twice.
    """
    if not settings.VISITS_BUFFER:
        return 0
    client = _redis()
    moved = 0
    lock = client.lock(DRAIN_LOCK_KEY, timeout=240)
    if not lock.acquire(blocking=False):
        return 0
    try:
        for _ in range(2):  # a list a failed drain left behind, then the current one
            if not client.exists(DRAINING_KEY):
                try:
                    client.rename(BUFFER_KEY, DRAINING_KEY)
                except redis.ResponseError:  # no views since the last drain
                    break
            views = [_parse_buffered(entry) for entry in client.lrange(DRAINING_KEY, 0, -1)]
            with transaction.atomic():
                PageView.objects.bulk_create(views, batch_size=5_000)
            client.delete(DRAINING_KEY)
            moved += len(views)
    finally:
        lock.release()
    return moved


def _roll_up_day(day: date) -> None:
    """Recompute the totals of ``day`` from its raw rows (replacing earlier ones)."""
    views = PageView.objects.filter(day=day)
    per_kind = list(views.values("kind").annotate(views=Count("id"), visitors=Count("visitor", distinct=True)))
    total = views.aggregate(views=Count("id"), visitors=Count("visitor", distinct=True))
    DailyTraffic.objects.bulk_create(
        [DailyTraffic(day=day, views=total["views"], visitors=total["visitors"])],
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["views", "visitors"],
    )
    DailyPageViews.objects.bulk_create(
        [DailyPageViews(day=day, kind=row["kind"], views=row["views"], visitors=row["visitors"]) for row in per_kind],
        update_conflicts=True,
        unique_fields=["day", "kind"],
        update_fields=["views", "visitors"],
    )


def roll_up_visits() -> None:
    """Fold the raw page views into the daily totals; delete the raw rows of the
    days that are over, and the salts of past days.

    Idempotent: each day still having raw rows is recomputed from all of them
    and its totals replaced; a constant number of queries per day. The views
    waiting in Redis are written first; if that fails, no raw rows are deleted
    this time, since the totals of their day would lose the late ones.
    """
    try:
        drain_visit_buffer()
        drained = True
    except redis.RedisError:
        logger.warning("The page views waiting in Redis could not be drained.", exc_info=True)
        drained = False
    now = timezone.now()
    today = timezone.localdate(now)
    settled_before = timezone.localdate(now - LATE_WRITES) if drained else date.min
    days = PageView.objects.order_by("day").values_list("day", flat=True).distinct()
    for day in list(days):
        with transaction.atomic():
            _roll_up_day(day)
            if day < settled_before:
                PageView.objects.filter(day=day).delete()
    deleted, _ = VisitorSalt.objects.filter(day__lt=today).delete()
    if deleted:
        logger.info("Deleted %d expired visitor salts.", deleted)
