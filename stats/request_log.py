"""Every request gets an id and one log line (`alliance.request`): method, path, status,
duration, and the visitor's address as our proxy saw it (stats/visitors.py). The id is the
proxy's X-Request-ID (nginx makes it: the same id is on the proxy's line), or a new one for a
request that did not come through it; the response carries it back, so a visitor's report
("request id ...") leads to both lines."""

import logging
import re
import time
import uuid

from alliance.log import request_id
from stats.visitors import client_address, from_trusted_proxy

logger = logging.getLogger("alliance.request")
# What a well-behaved proxy sends (nginx: 32 hex digits); anything else is replaced.
GOOD_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Where the front door leaves its id in the WSGI environment (no header can reach a key with
# a dot in it: the server names those HTTP_...).
FRONT_DOOR_ID = "alliance.request_id"


def request_log(get_response):
    def middleware(request):
        started = time.monotonic()
        this_id = id_for(request)
        token = request_id.set(this_id)
        try:
            response = get_response(request)
            response["X-Request-ID"] = this_id
            log(request, response.status_code, started)
            return response
        finally:
            request_id.reset(token)

    return middleware


def id_for(request):
    """The proxy's X-Request-ID when our proxy sent a well-formed one, else a new id; the id
    the page cache's front door gave a request it looked at before leaving it to Django."""
    if chosen := request.META.get(FRONT_DOOR_ID):
        return chosen
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    trusted = given and GOOD_ID.fullmatch(given) and from_trusted_proxy(request)
    return given if trusted else uuid.uuid4().hex


def log(request, status, started):
    """The request's one line (also written by the page cache's front door for the pages it
    answers before this middleware: stats/pagecache/front.py)."""
    logger.info(
        "%s %s %s",
        request.method,
        request.path,
        status,
        extra={
            "client": client_address(request),
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration": round(time.monotonic() - started, 4),
        },
    )
