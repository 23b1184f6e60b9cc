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


def request_log(get_response):
    def middleware(request):
        started = time.monotonic()
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        trusted = given and GOOD_ID.fullmatch(given) and from_trusted_proxy(request)
        this_id = given if trusted else uuid.uuid4().hex
        token = request_id.set(this_id)
        try:
            response = get_response(request)
            response["X-Request-ID"] = this_id
            duration = time.monotonic() - started
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "client": client_address(request),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration": round(duration, 4),
                },
            )
            return response
        finally:
            request_id.reset(token)

    return middleware
