"""Authentication backends: Django's and allauth's, reading the signed-in user
of each request from the cache.

Every signed-in request loads its user; from the cache that costs one read
instead of a query. The user is kept under the version of the accounts tables
(``portal.pagecache.ACCOUNTS``), which every committed write to users, groups
or permissions changes, so a deactivated account, a new password or a changed
role takes effect on the next request. Django still checks the session's
password hash against the user it is given. Kept as long as cached pages
(``PAGE_CACHE_SECONDS``, off in unit tests, whose rows are never committed).
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from portal import pagecache


class CachedUserMixin:
    def get_user(self, user_id):
        load = super().get_user
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds:
            return load(user_id)
        return pagecache.remembered(pagecache.ACCOUNTS, f"user:{user_id}", lambda: load(user_id), seconds)


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, AllauthBackend):
    pass
