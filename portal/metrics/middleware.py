"""Counting page views on the server (what and why: ``portal.metrics.visits``)."""

import logging

from portal.metrics.visits import count_view

logger = logging.getLogger(__name__)


class CountVisitsMiddleware:
    """Count the view once the response is produced: the view has resolved
    (``request.resolver_match``) and the middleware inside this one have set
    the status. Placed after AuthenticationMiddleware, so that the redirects of
    RequireMFAMiddleware and the rejections of CsrfViewMiddleware reach it too.
    Counting never breaks a page: any failure is logged and the response returned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            count_view(request, response)
        except Exception:
            logger.warning("A page view could not be counted.", exc_info=True)
        return response
