"""The page cache's front door (stats/pagecache/front.py), in process around Django's own WSGI
handler: a page a worker holds is answered before Django's request handling runs, with the
bytes, headers and log line Django's path would give; whatever it is not sure of reaches
Django. Through real gunicorn servers, every test of tests/test_cache_faults.py,
test_outage.py and test_page_cache_redis.py goes through it as well."""

import gzip
import io
import logging
import os
import re
import socket
import time
from wsgiref.util import setup_testing_defaults

import brotli
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from stats.pagecache import page_cache
from stats.pagecache.entry import Entry
from stats.pagecache.front import PageCacheFront
from stats.pagecache.redis_store import RedisStore
from stats.pagecache.versions import Versions

pytestmark = pytest.mark.django_db

PROXY_ID = "0123456789abcdef0123456789abcdef"


class Site:
    """Django behind the front door, called as gunicorn calls it; counts the requests that
    reached Django (its request_started signal)."""

    def __init__(self):
        self.application = PageCacheFront(WSGIHandler())
        self.reached_django = 0

    def __call__(self, path="/years/2022/", method="GET", **environ):
        environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "REMOTE_ADDR": "127.0.0.1",
                   "HTTP_HOST": "127.0.0.1", **environ}  # fmt: skip
        environ["wsgi.input"] = io.BytesIO(environ.pop("body", b""))
        setup_testing_defaults(environ)
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, dict(headers)

        body = b"".join(self.application(environ, start_response))
        return answer["status"], answer["headers"], body

    def count(self, **kwargs):
        self.reached_django += 1


@pytest.fixture
def site():
    """As Django's test client does: the test's transaction is not a connection to close."""
    site = Site()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.connect(site.count)
    try:
        yield site
    finally:
        request_started.disconnect(site.count)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def without_request_id(headers):
    return {name: value for name, value in headers.items() if name != "X-Request-ID"}


def test_a_page_held_is_answered_before_django_as_django_answered_it(site, headline_year):
    first = site()
    assert site.reached_django == 1
    second = site()
    assert site.reached_django == 1
    assert first[0] == second[0] == "200 OK"
    assert b"nearly \xc2\xa34m" in second[2] and second[2] == first[2]
    assert without_request_id(second[1]) == without_request_id(first[1])
    assert second[1]["Content-Security-Policy"]
    assert second[1]["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("encoding", "decompress"), [("br", brotli.decompress),
                                                      ("gzip", gzip.decompress)])  # fmt: skip
def test_the_front_sends_the_encoding_the_client_accepts_as_django_does(
    site, headline_year, encoding, decompress
):
    plain = site()[2]
    status, headers, body = site(HTTP_ACCEPT_ENCODING=f"{encoding}, identity;q=0.5")
    assert site.reached_django == 1
    # The same request made conditional, so that Django's middleware answers it.
    through_django = site(HTTP_ACCEPT_ENCODING=f"{encoding}", HTTP_IF_NONE_MATCH='"other"')
    assert site.reached_django == 2
    assert status == through_django[0] == "200 OK"
    assert without_request_id(headers) == without_request_id(through_django[1])
    assert headers["Content-Encoding"] == encoding and "Accept-Encoding" in headers["Vary"]
    assert re.fullmatch(r'".+-(br|gz)"', headers["ETag"])
    assert decompress(body) == plain and headers["Content-Length"] == str(len(body))


def test_a_head_request_gets_the_headers_and_no_body(site, headline_year):
    page = site()
    status, headers, body = site(method="HEAD")
    assert site.reached_django == 1
    assert status == "200 OK" and body == b""
    assert headers["Content-Length"] == str(len(page[2])) == page[1]["Content-Length"]


def test_the_front_logs_the_line_django_would_with_the_proxys_request_id(
    site, headline_year, caplog
):
    caplog.set_level(logging.INFO, logger="alliance.request")
    site()
    caplog.clear()
    status, headers, _ = site(HTTP_X_REQUEST_ID=PROXY_ID, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert site.reached_django == 1
    assert headers["X-Request-ID"] == PROXY_ID
    (line,) = [record for record in caplog.records if record.name == "alliance.request"]
    assert (line.request_id, line.client, line.method, line.path, line.status) == (
        PROXY_ID, "198.51.100.7", "GET", "/years/2022/", 200)  # fmt: skip


def test_an_id_and_address_from_a_stranger_are_not_believed(site, headline_year, caplog):
    caplog.set_level(logging.INFO, logger="alliance.request")
    site()
    caplog.clear()
    _, headers, _ = site(
        REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="chosen", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert site.reached_django == 1
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    (line,) = [record for record in caplog.records if record.name == "alliance.request"]
    assert line.client == "203.0.113.9" and line.request_id == headers["X-Request-ID"]


def test_what_the_front_logs_while_it_looks_carries_the_requests_id(site, headline_year, caplog):
    """Redis gone as the front door asks it for the content version: the warning it logs and
    the request's own line (Django's, which the request then reaches) say the same id."""
    site()
    cache, local = page_cache(), page_cache().versions
    with socket.socket() as nothing_listens:
        nothing_listens.bind(("127.0.0.1", 0))
        port = nothing_listens.getsockname()[1]
    gone = RedisStore(f"redis://127.0.0.1:{port}/0", timeout=0.5, breaker_seconds=5, heartbeat=1)
    cache.versions = Versions(gone, cache.database)
    caplog.set_level(logging.INFO)
    caplog.clear()
    try:
        status, headers, body = site(REMOTE_ADDR="203.0.113.9")
    finally:
        cache.versions = local
        gone.subscription.stop()
    assert status == "200 OK" and b"nearly \xc2\xa34m" in body and site.reached_django == 2
    (warning,) = [r for r in caplog.records if r.getMessage().startswith("Redis unavailable")]
    (line,) = [record for record in caplog.records if record.name == "alliance.request"]
    assert warning.request_id == line.request_id == headers["X-Request-ID"]


def test_https_claimed_by_a_stranger_does_not_reach_the_https_copy(site, headline_year, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    site(HTTP_X_FORWARDED_PROTO="https")  # through our proxy: stored as the https page
    site(HTTP_X_FORWARDED_PROTO="https")
    assert site.reached_django == 1
    site(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert site.reached_django == 2  # the http page, which this worker did not hold


def test_a_page_no_longer_current_goes_to_django_and_is_rendered_again(site, headline_year, caplog):
    site()
    page_cache().versions.renew(void=True)  # what the commit of a public change does
    caplog.set_level(logging.INFO, logger="stats.pagecache")
    status, _, body = site()
    assert site.reached_django == 2
    assert status == "200 OK" and b"nearly \xc2\xa34m" in body
    assert "Rendered /years/2022/" in caplog.text


def test_at_a_scheduled_moment_the_front_asks_the_database_nothing(site, headline_year):
    """The version renews itself at a publication moment, asking the database when the next
    one is: inside Django's request, after its request signals have checked the connection,
    never in the front door."""
    site()
    store = page_cache().store
    store.write_state({**store.read_state(), "until": time.time() - 1})
    asked_before_django = []

    def note(execute, sql, params, many, context):
        if site.reached_django < 2:
            asked_before_django.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        status, _, body = site()
    assert status == "200 OK" and b"nearly \xc2\xa34m" in body
    assert site.reached_django == 2
    assert asked_before_django == []
    assert store.read_state()["until"] != pytest.approx(time.time() - 1, abs=5)


@pytest.mark.parametrize(
    "request_",
    [
        {"method": "POST", "body": b"x=1", "CONTENT_TYPE": "application/x-www-form-urlencoded"},
        {"HTTP_HOST": "evil.example"},
        {"HTTP_IF_NONE_MATCH": '"anything"'},
        {"HTTP_IF_MODIFIED_SINCE": "Wed, 21 Oct 2015 07:28:00 GMT"},
        {"path": "/years/2022/\xc3\xa9/"},
        {"SCRIPT_NAME": "/mounted"},
    ],
    ids=[
        "post",
        "host-not-allowed",
        "if-none-match",
        "if-modified-since",
        "non-ascii",
        "script-name",
    ],  # fmt: skip
)
def test_what_the_front_is_not_sure_of_reaches_django(site, headline_year, request_):
    site()
    site(**request_)
    assert site.reached_django == 2


def test_a_host_not_allowed_gets_djangos_400(site, headline_year):
    site()
    status, _, body = site(HTTP_HOST="evil.example")
    assert status.startswith("400") and b"nearly" not in body


def test_with_the_page_cache_off_every_request_reaches_django(site, headline_year, settings):
    settings.PAGE_CACHE = False
    site()
    site()
    assert site.reached_django == 2


def test_a_version_file_planted_as_a_link_costs_the_cache_not_the_page(site, headline_year):
    """Replaced by a symbolic link (the store refuses to follow one), the content version
    cannot be read: pages come from the database, uncached, until the file is back."""
    site()
    path = page_cache().store.version_file.path
    os.remove(path)
    os.symlink("/etc/hostname", path)
    try:
        time.sleep(1.1)  # each process looks again at the file it maps once a second
        status, _, body = site()
        assert status == "200 OK" and b"nearly \xc2\xa34m" in body
        assert site.reached_django == 2
    finally:
        os.remove(path)
    time.sleep(1.1)
    site()
    status, _, body = site()  # the file made again, a new version, the page held again
    assert status == "200 OK" and b"nearly \xc2\xa34m" in body
    assert site.reached_django == 3


@pytest.mark.parametrize("vary", [None, "Cookie", "cookie, accept-encoding", "Cookie, *", "*"])
def test_a_stored_vary_header_gains_accept_encoding_as_django_would_add_it(vary):
    headers = {"Content-Type": "text/html"} | ({"Vary": vary} if vary else {})
    entry = Entry.build("v" * 32, "g" * 32, 200, headers, b"<p>words</p>" * 100)
    django = HttpResponse(headers=headers)
    patch_vary_headers(django, ("Accept-Encoding",))
    assert entry.answer("br")[1]["Vary"] == django["Vary"]
