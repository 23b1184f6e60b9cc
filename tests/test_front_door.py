"""The front door, for real: the shipped nginx configuration (deploy/nginx.conf) in front of
gunicorn with the production settings, on loopback. Slow clients, huge bodies, static files,
the micro-cache, and sign-in throttling with visitors' addresses as the proxy sees them."""

import re
import shutil
import socket
import ssl
import tempfile
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django_otp.plugins.otp_totp.models import TOTPDevice

from stats.models.enums import Unit

from .factories import PASSWORD, make_figure, make_measure, make_user, make_year, release
from .proxy import nginx
from .servers import gunicorn, production_env, remove_committed_data
from .test_enrolment import code, wrong_code

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db,
]


@pytest.fixture(scope="module")
def door(django_db_setup, django_db_blocker):
    # Failed, never skipped: a proxy left untested because nginx is missing is a finding.
    if not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: `make tools` (part of `make test`) installs it")
    # Not pytest's tmp_path: nginx's workers (www-data, when run as root) must reach it.
    folder = Path(tempfile.mkdtemp(prefix="alliance-door-"))
    folder.chmod(0o711)
    log = folder / "gunicorn-access.log"
    with django_db_blocker.unblock():
        year = make_year("2022")
        make_figure(year, make_measure(slug="drugs-seized", unit=Unit.MONEY), "4000000")
        release(year)
        olivia = make_user("olivia", "Press officers")
        TOTPDevice.objects.create(user=olivia, name="Authenticator app", confirmed=True)
        try:
            env = production_env(GUNICORN_ACCESS_LOG=str(log))
            with gunicorn(env) as app, nginx(app.removeprefix("http://"), folder) as proxy:
                proxy.app_log = log
                yield proxy
        finally:
            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                model.objects.all().delete()
            remove_committed_data()
            shutil.rmtree(folder, ignore_errors=True)


def seen_by_gunicorn(door, text):
    return door.app_log.read_text().count(text)


def test_https_with_http2_offered_and_plain_http_sent_there(door):
    context = ssl._create_unverified_context()  # noqa: S323 - the test's own certificate
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", door.https_port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"
    page = door.request("GET", "/years/2022/")
    assert page.status == HTTPStatus.OK and b"4m" in page.body
    assert page.getheader("Strict-Transport-Security")  # Django saw HTTPS, from the proxy
    import http.client

    plain = http.client.HTTPConnection("127.0.0.1", door.http_port, timeout=5)
    plain.request("GET", "/years/2022/")
    moved = plain.getresponse()
    assert moved.status == HTTPStatus.MOVED_PERMANENTLY
    # To the port HTTPS is served on, not the standard one (which nothing listens on).
    assert moved.getheader("Location") == f"https://127.0.0.1:{door.https_port}/years/2022/"


def slow_clients(door, count):
    """`count` connections that each start a request and never finish its headers."""
    clients = []
    for _ in range(count):
        connection = door.connect()
        connection.connect()
        connection.sock.sendall(b"GET /years/2022/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        clients.append(connection)
    return clients


def test_fifty_slow_clients_leave_a_visitor_served_at_once(door):
    door.request("GET", "/years/2022/")  # rendered once, as on any busy day
    clients = slow_clients(door, 50)
    try:
        for _ in range(3):
            for connection in clients:
                connection.sock.sendall(b"X-Slow: 1\r\n")  # one more header line, never the end
            # Without the proxy, gunicorn's threads wait on the slow clients and the visitor
            # waits with them, past the connection's timeout: how fast it is is make bench's.
            response = door.request("GET", "/years/2022/")
            assert response.status == HTTPStatus.OK
            time.sleep(0.5)
    finally:
        for connection in clients:
            connection.close()


def big_post(door, body_size, chunked):
    connection = door.connect(timeout=20)
    connection.putrequest("POST", "/admin/login/")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    if chunked:
        connection.putheader("Transfer-Encoding", "chunked")
    else:
        connection.putheader("Content-Length", str(body_size))
    connection.endheaders()
    piece = b"x" * (1024 * 1024)
    try:
        for _ in range(body_size // len(piece)):
            if chunked:
                connection.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
            else:
                connection.send(piece)
    except OSError:
        pass  # nginx stopped reading: it has answered already
    response = connection.getresponse()
    connection.close()
    return response


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_600_mb_body_is_refused_before_it_reaches_python(door, chunked):
    before = seen_by_gunicorn(door, '"POST /admin/login/')
    # The whole 600 MB is announced; what is sent stops as soon as nginx answers (or, chunked,
    # at 20 MB, well past the 12 MB limit).
    response = big_post(door, 600 * 1024 * 1024 if not chunked else 20 * 1024 * 1024, chunked)
    assert response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert seen_by_gunicorn(door, '"POST /admin/login/') == before
    # Nothing of it is left on disk either.
    assert sum(f.stat().st_size for f in (door.state / "body").rglob("*") if f.is_file()) == 0


def test_static_files_come_from_nginx_with_long_caching(door):
    response = door.request("GET", "/static/css/site.css")
    assert response.status == HTTPStatus.OK and response.body
    assert "immutable" in response.getheader("Cache-Control")
    assert "max-age=31536000" in response.getheader("Cache-Control")
    assert seen_by_gunicorn(door, "/static/css/site.css") == 0


def test_a_missing_static_file_is_not_cached(door):
    """It may be deployed a moment later: a year's `immutable` 404 would hide it from
    browsers and CDNs for that long."""
    response = door.request("GET", "/static/css/not-yet-deployed.css")
    assert response.status == HTTPStatus.NOT_FOUND
    assert response.getheader("Cache-Control") == "no-store"


def test_each_request_has_an_id_from_the_proxy_echoed_by_the_site(door):
    first = door.request("GET", "/years/2022/")
    second = door.request("GET", "/years/2022/")  # from nginx's micro-cache or the page cache
    ids = [first.getheader("X-Request-ID"), second.getheader("X-Request-ID")]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and ids[0] != ids[1]
    login = door.request("GET", "/admin/login/", headers={"X-Request-ID": "chosen-by-visitor"})
    assert re.fullmatch(r"[0-9a-f]{32}", login.getheader("X-Request-ID"))


def test_the_micro_cache_keeps_public_pages_and_never_the_admin(door):
    door.request("GET", "/years/")
    assert door.request("GET", "/years/").getheader("X-Cache") == "HIT"
    for _ in range(2):
        login = door.request("GET", "/admin/login/")
        assert login.getheader("X-Cache") != "HIT" and "no-store" in login.getheader(
            "Cache-Control"
        )


class Visitor:
    """A browser at one loopback address: its own cookies, signing in over HTTPS."""

    def __init__(self, door, source):
        self.door, self.source, self.cookies = door, source, {}

    def call(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.door.request(method, path, body, headers, source=self.source)
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def sign_in(self, username, password, otp_token="", forwarded_for=None):
        page = self.call("GET", "/admin/login/").body.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        import urllib.parse

        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": password,
                "otp_token": otp_token,
                "next": "/admin/",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.door.base + "/admin/login/",
            "Origin": self.door.base,
        }
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        return self.call("POST", "/admin/login/", form, headers)


def failures_from(address):
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(ip_address=address))


def test_a_visitor_cannot_choose_the_address_counted_against_them(door):
    Visitor(door, "127.0.0.2").sign_in("nobody", "wrong", forwarded_for="203.0.113.9")
    assert failures_from("127.0.0.2") == 1 and failures_from("203.0.113.9") == 0


def test_a_stranger_cannot_lock_a_press_officer_out_through_the_proxy(door):
    olivia_device = TOTPDevice.objects.get(user__username="olivia")
    stranger = Visitor(door, "127.0.0.4")
    for name in ["olivia"] * 5 + ["press", "office", "admin"]:
        stranger.sign_in(name, "guess")
    refused = stranger.sign_in("olivia", PASSWORD, code(olivia_device))
    assert refused.status == HTTPStatus.TOO_MANY_REQUESTS
    olivia = Visitor(door, "127.0.0.3")
    signed_in = olivia.sign_in("olivia", PASSWORD, code(olivia_device))
    assert signed_in.status == HTTPStatus.FOUND and signed_in.getheader("Location") == "/admin/"


def test_a_wrong_code_through_the_proxy_counts_and_says_no_more(door):
    device = TOTPDevice.objects.get(user__username="olivia")
    visitor = Visitor(door, "127.0.0.5")
    wrong_password = visitor.sign_in("olivia", "not-her-password", "123456").body.decode()
    wrong_code_page = visitor.sign_in("olivia", PASSWORD, wrong_code(device)).body.decode()
    for page in (wrong_password, wrong_code_page):
        assert "Please enter the correct username and password" in page
        assert "Invalid token" not in page and "Authenticator app" not in page
    assert failures_from("127.0.0.5") == 2
