"""What an operator reads: every request has an id (the proxy's, echoed back) and one JSON line
with the visitor's address as our proxy saw it; every line logged while serving it carries the
id. The probes answer whatever the Host header, so a health check by address works with a
real ALLOWED_HOSTS."""

import json
import logging
import re
from http import HTTPStatus

import pytest

from alliance import log

pytestmark = pytest.mark.django_db


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "alliance.request"]


def test_the_proxys_request_id_is_logged_and_echoed_with_the_visitors_address(client, caplog):
    caplog.set_level(logging.INFO, logger="alliance.request")
    response = client.get(
        "/years/",
        HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef",
        HTTP_X_FORWARDED_FOR="198.51.100.7",  # the test client is 127.0.0.1: a trusted proxy
    )
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    (line,) = request_lines(caplog)
    assert line.request_id == "0123456789abcdef0123456789abcdef"
    assert (line.client, line.method, line.path, line.status) == (
        "198.51.100.7",
        "GET",
        "/years/",
        200,
    )
    assert 0 < line.duration < 30


def test_an_id_from_anyone_but_the_proxy_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="alliance.request")
    response = client.get(
        "/years/",
        HTTP_X_REQUEST_ID="chosen",
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    (line,) = request_lines(caplog)
    assert line.client == "203.0.113.9" and line.request_id == response["X-Request-ID"]


def test_a_malformed_id_from_the_proxy_is_replaced(client):
    response = client.get("/years/", HTTP_X_REQUEST_ID='x"\n{"level": "forged"}')
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_json_lines_carry_time_level_logger_message_and_the_request_id():
    record = logging.LogRecord(
        "stats.pagecache", logging.WARNING, __file__, 1, "Lost %s", ("x",), None
    )
    token = log.request_id.set("abc123")
    try:
        log.RequestId().filter(record)
    finally:
        log.request_id.reset(token)
    line = json.loads(log.json_formatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "stats.pagecache"
    assert line["message"] == "Lost x" and line["request_id"] == "abc123"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_a_health_check_by_address_with_a_real_allowed_hosts(client, settings, path):
    settings.ALLOWED_HOSTS = ["results.example.org"]
    assert client.get(path, HTTP_HOST="127.0.0.1:8000").status_code == HTTPStatus.OK
    # Everything else still refuses a host the site does not serve.
    assert client.get("/years/", HTTP_HOST="127.0.0.1:8000").status_code == HTTPStatus.BAD_REQUEST
