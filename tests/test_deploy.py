"""The deployment as shipped (issue #22): the images built as `make images` builds them and
compose.yaml started with podman-compose as docs/deploy.md says, then used from the host as
visitors and the press office would (the faults an operator meets: test_deploy_faults.py). One
stack for both (tests/conftest.py; it takes a minute to start); each test leaves it as it found
it.

No podman here is a failure, said plainly: a deployment left untested is a finding."""

import base64
import io
import ipaddress
import json
import re
import shlex
import threading
import time
from http import HTTPStatus

import pytest
from django_otp.oath import totp
from PIL import Image

from .servers import ROOT
from .stack import SERVICES, Visitor, form_fields, fresh

pytestmark = pytest.mark.deploy

ADMIN_PASSWORD = "a-long-deploy-test-passphrase"  # noqa: S105 - a throwaway stack's


def test_public_pages_and_static_files_over_tls_in_production_mode(stack):
    page = stack.request("GET", "/years/2022/")
    assert page.status == HTTPStatus.OK and "nearly £4m" in page.text
    assert "max-age=63072000" in page.getheader("Strict-Transport-Security")
    assert page.getheader("Content-Security-Policy")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page.text).group(1)
    static = stack.request("GET", stylesheet)
    assert static.status == HTTPStatus.OK and b"{" in static.body
    assert "immutable" in static.getheader("Cache-Control")
    missing = stack.request("GET", "/static/css/site.0000000000.css")
    assert missing.status == HTTPStatus.NOT_FOUND
    assert missing.getheader("Cache-Control") == "no-store"
    moved = stack.plain("GET", "/years/2022/")
    assert moved.status == HTTPStatus.MOVED_PERMANENTLY
    assert moved.getheader("Location") == f"https://localhost:{stack.https_port}/years/2022/"


def test_every_service_has_a_health_check_that_passes(stack):
    for image in (stack.setting("WEB_IMAGE"), stack.setting("PROXY_IMAGE")):
        # Kept by the docker format (an OCI image drops HEALTHCHECK).
        assert (
            "CMD" in stack.podman("image", "inspect", image, "--format", "{{.HealthCheck}}").stdout
        )
    stack.wait_healthy(*SERVICES)
    # A dump within a minute or two of the database being up (a failed try is retried).
    backups = lambda: stack.podman(  # noqa: E731
        "exec", stack.container("backup"), "ls", "/var/lib/alliance/backups"
    ).stdout.split()
    stack.wait(lambda: any(name.endswith(".dump") for name in backups()), 180, "a backup")
    assert stack.healthy("backup")
    dump = "/var/lib/alliance/backups/" + max(n for n in backups() if n.endswith(".dump"))
    listing = stack.podman("exec", stack.container("backup"), "pg_restore", "--list", dump)
    assert "stats_figure" in listing.stdout


def test_the_web_image_runs_gunicorn_as_pid_1_as_its_own_user_with_pg_dump(stack):
    web = stack.container("web-1")
    assert "gunicorn" in stack.podman("exec", web, "cat", "/proc/1/cmdline").stdout
    assert stack.podman("exec", web, "id", "-un").stdout.strip() == "alliance"
    assert "pg_dump (PostgreSQL)" in stack.podman("exec", web, "pg_dump", "--version").stdout
    processes = stack.podman("top", web, "pid", "ppid", "args").stdout.splitlines()[1:]
    workers = [line for line in processes if line.split()[1] == "1" and "gunicorn" in line]
    assert len(workers) == int(stack.setting("WEB_CONCURRENCY"))
    listing = stack.podman("exec", web, "ls", "-a", "/app", "/app/deploy").stdout.split()
    assert not {".venv", ".git", "tls", "stack.env", "tests", ".env"} & set(listing)
    assert "Control server error" not in stack.logs("web-1")


def test_logs_are_json_lines_that_tie_the_proxy_to_the_site(stack):
    path = fresh("/years/")
    answer = stack.request("GET", path)
    request_id = answer.getheader("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    (proxy_line,) = [
        line for line in stack.json_lines("proxy") if line.get("request_id") == request_id
    ]
    site_lines = [
        line
        for service in ("web-1", "web-2")
        for line in stack.json_lines(service)
        if line.get("request_id") == request_id and line["logger"] == "alliance.request"
    ]
    (site_line,) = site_lines
    assert site_line["client"] == proxy_line["client"] != stack.proxy_address
    assert (site_line["path"], site_line["status"], site_line["level"]) == ("/years/", 200, "INFO")
    assert site_line["duration"] >= 0 and site_line["time"]
    for service in ("web-1", "web-2", "proxy"):
        for line in stack.logs(service).splitlines():
            if line.strip() and not line.startswith("{"):
                # nginx's own error lines (stderr) are its plain format; nothing else.
                assert service == "proxy" and re.match(r"\d{4}/\d\d/\d\d ", line), line
            elif line.strip():
                json.loads(line)


def test_metrics_are_served_inside_and_never_through_the_proxy(stack):
    stack.request("GET", "/years/2022/")
    fetch = "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:9100/metrics').read().decode())"

    def metrics():
        return stack.podman("exec", stack.container("web-1"), "python", "-c", fetch).stdout

    served = metrics()
    for name in ("alliance_page_cache_hits_total", "alliance_page_cache_renders_total",
                 "django_http_requests_before_middlewares_total"):  # fmt: skip
        assert name in served
    # The stack's worker is heard from, through the database (stats/alerts/metrics.py).
    stack.wait(lambda: "\nalliance_workers 1.0\n" in metrics(), 60, "the worker in the metrics")
    assert "\nalliance_database_up 1.0\n" in metrics()
    assert stack.request("GET", "/metrics").status == HTTPStatus.NOT_FOUND
    for service in ("web-1", "web-2", "worker", "db", "redis"):
        assert not stack.podman("port", stack.container(service), check=False).stdout.strip()


def test_only_the_proxy_holds_the_address_the_web_servers_trust(stack):
    def address(service):
        return stack.inspect(service, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}")

    assert address("proxy") == stack.proxy_address
    automatic = ipaddress.ip_network(stack.setting("SUBNET_AUTOMATIC_RANGE"))
    assert ipaddress.ip_address(stack.proxy_address) not in automatic
    for service in ("web-1", "web-2", "db", "redis", "backup"):
        assert ipaddress.ip_address(address(service)) in automatic, service


def test_redis_never_evicts_and_readiness_checks_it(stack):
    policy = stack.podman(
        "exec", stack.container("redis"), "redis-cli", "config", "get", "maxmemory-policy"
    )
    assert policy.stdout.split() == ["maxmemory-policy", "noeviction"]
    assert json.loads(stack.plain("GET", "/readyz").body) == {"database": "ok", "cache": "ok"}


def test_redis_answers_only_the_stacks_password(stack):
    """Anything else on the inside network (a compromised container) can neither empty the
    page cache nor change its settings (an eviction policy, where Redis writes its files)."""
    ping = """import os, redis
for url in ("redis://redis:6379/0", "redis://:wrong@redis:6379/0", os.environ["CACHE_URL"]):
    try:
        print(redis.Redis.from_url(url).ping())
    except redis.AuthenticationError:
        print("refused")"""
    answers = stack.podman("exec", stack.container("worker"), "python", "-c", ping).stdout
    assert answers.split() == ["refused", "refused", "True"]


@pytest.fixture(scope="module")
def press_office(stack):
    """A superuser with an authenticator app, made by the documented commands, signed in
    through the proxy: CSRF, Secure __Host- cookies and the second factor as in production."""
    stack.manage("createsuperuser", "--no-input", "--username", "admin", "--email",
                 "admin@example.org",
                 env={"DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD})  # fmt: skip
    secret = re.search(r"secret=([A-Z2-7]+)", stack.manage("add_totp_device", "admin").stdout)
    visitor = Visitor(stack)
    login = visitor.call("GET", "/admin/login/")
    assert set(visitor.cookies) == {"__Host-csrftoken"}
    assert "Secure" in login.getheader("Set-Cookie")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    form = {"csrfmiddlewaretoken": token, "username": "admin", "password": ADMIN_PASSWORD,
            "next": "/admin/"}  # fmt: skip
    without_code = visitor.post_form("/admin/login/", form)
    assert without_code.status == HTTPStatus.OK  # the form again: a code is required
    code = f"{totp(base64.b32decode(secret.group(1))):06d}"
    signed_in = visitor.post_form("/admin/login/", {**form, "otp_token": code})
    assert signed_in.status == HTTPStatus.FOUND and signed_in.getheader("Location") == "/admin/"
    return visitor


def test_admin_sign_in_through_the_proxy(press_office):
    assert press_office.call("GET", "/admin/").status == HTTPStatus.OK
    assert "__Host-sessionid" in press_office.cookies


def test_a_photo_upload_survives_recreating_the_web_containers(stack, press_office):
    add = press_office.call("GET", "/admin/stats/year/add/")
    fields = dict(form_fields(add.text, "year_form"))
    fields.update(label="2031", title="Results 2031", introduction="What the operation did.",
                  period_start="01/01/2031", period_end="31/12/2031",
                  photo_alt="Officers")  # fmt: skip
    jpeg = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(jpeg, "JPEG")
    saved = press_office.post_multipart(
        "/admin/stats/year/add/", [*fields.items(), ("_save", "Save")],
        {"photo": ("raid.jpg", jpeg.getvalue(), "image/jpeg")},
    )  # fmt: skip
    assert saved.status == HTTPStatus.FOUND, saved.text[-2000:]
    listing = ["ls", "/var/lib/alliance/media/photos"]
    (photo,) = stack.podman("exec", stack.container("web-1"), *listing).stdout.split()
    before = {s: stack.inspect(s, "{{.Id}}") for s in ("web-1", "web-2")}
    stack.compose("up", "-d", "--force-recreate", "web-1", "web-2")
    assert all(stack.inspect(s, "{{.Id}}") != before[s] for s in before)  # new containers
    stack.wait_healthy("web-1", "web-2")
    for service in ("web-1", "web-2"):
        assert stack.podman("exec", stack.container(service), *listing).stdout.split() == [photo]
    # New containers, new addresses: the proxy, never restarted, finds them.
    stack.wait(lambda: stack.request("GET", fresh("/years/2022/")).status == HTTPStatus.OK, 30)
    assert all(stack.request("GET", fresh("/")).status == HTTPStatus.OK for _ in range(10))


def served_by(stack, request_ids):
    lines = stack.json_lines("proxy")
    return {line["upstream"] for line in lines if line.get("request_id") in request_ids}


# A correction as the admin makes one: a press officer's change held, a second person approves.
CORRECTION = """
from django.contrib.auth.models import Group, User
from stats.models import Year
from stats.rules import corrections
officer, publisher = (User.objects.create_user(name, is_staff=True) for name in ("ola", "pat"))
publisher.groups.add(Group.objects.get(name="Publishers"))
year = Year.objects.get(slug="2022")
cash = year.figures.filter(measure__slug="criminal-cash-seized")
before = corrections.content(year)
cash.update(value=1600000)
after = corrections.content(year)
cash.update(value=1500000)
corrections.hold(year, before, after, officer, "The cash figure was mistyped.")
corrections.approve(year, publisher)
"""


def test_a_correction_shows_through_both_web_servers_at_once(stack):
    for _ in range(20):  # both web servers hold the page in their workers' memory
        assert "£1.5m" in stack.request("GET", fresh("/years/2022/")).text
    stack.manage("shell", "-c", CORRECTION)
    time.sleep(1)  # the page cache's promise: within the Redis heartbeat, and on the next request
    answers = [stack.request("GET", fresh("/years/2022/")) for _ in range(20)]
    assert all("£1.6m" in a.text and "£1.5m" not in a.text for a in answers)
    assert len(served_by(stack, {a.getheader("X-Request-ID") for a in answers})) == 2


def test_three_concurrent_migration_runs_on_an_empty_database_all_succeed(stack):
    psql = ["exec", stack.container("db"), "psql", "-U", "alliance", "-d", "alliance", "-c"]
    stack.podman(*psql, "CREATE DATABASE race")
    url = f"postgres://alliance:{stack.setting('POSTGRES_PASSWORD')}@db:5432/race"
    try:
        runs = [
            threading.Thread(
                target=lambda: results.append(
                    stack.compose("run", "--rm", f"-eDATABASE_URL={url}", "migrate", check=False)
                )
            )  # fmt: skip
            for _ in range(3)
        ]
        results = []
        for thread in runs:
            thread.start()
        for thread in runs:
            thread.join(timeout=600)
        assert [r.returncode for r in results] == [0, 0, 0], [r.stdout[-1500:] for r in results]
    finally:
        stack.podman(*psql, "DROP DATABASE IF EXISTS race WITH (FORCE)")


def procfile_worker():
    """The worker's command as the Procfile names it."""
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("worker:"))
    return shlex.split(line.split(":", 1)[1])


def test_the_worker_runs_the_procfiles_command_from_the_same_image_and_settings(stack):
    command = json.loads(stack.inspect("worker", "{{json .Config.Cmd}}"))
    assert command == procfile_worker()
    stack.wait_healthy("worker")
    assert stack.inspect("worker", "{{.State.Status}}") == "running"
