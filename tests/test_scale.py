"""Load and several machines: a loopback load run with zero errors, and two app servers that
share one Redis, where a change saved through one shows on the other at once."""

import re
import shutil
import subprocess
import time
from http import HTTPStatus

import pytest

from .servers import (
    Browser,
    gunicorn,
    production_env,
    redis_server,
)

# The servers read data this module commits to the test database (never the development one).
pytestmark = [pytest.mark.server, pytest.mark.django_db]


def test_two_servers_sharing_redis_show_a_change_made_through_either(committed_year):
    with redis_server() as cache_url:
        env = production_env(CACHE_URL=cache_url, OTP_REQUIRED="false")
        with gunicorn(env) as first, gunicorn(env) as second:
            a, b = Browser(first), Browser(second)
            for browser in (a, b):  # both hold the page in the shared cache
                assert browser.get("/years/2022/").status == HTTPStatus.OK
            assert a.sign_in().status == HTTPStatus.FOUND
            token = a.form_token(f"/admin/stats/year/{committed_year.pk}/change/")
            asked = a.get(
                f"/admin/stats/year/{committed_year.pk}/withdraw/",
                {"csrfmiddlewaretoken": token, "reason": "Withdrawn to check a figure."},
            )
            assert asked.status == HTTPStatus.FOUND
            review = asked.headers["Location"]  # the request's page: the only publisher approves
            request_id = re.search(r"/releaserequest/(\d+)/", review).group(1)
            approved = a.get(
                f"/admin/stats/releaserequest/{request_id}/approve/",
                {"csrfmiddlewaretoken": a.form_token(review), "seen": request_id},
            )
            assert approved.status == HTTPStatus.FOUND
            assert b.get("/years/2022/").status == HTTPStatus.GONE  # the very next request

            # And back: published again through the other server, visible through the first.
            assert b.sign_in().status == HTTPStatus.FOUND
            form = b.get(f"/admin/stats/year/{committed_year.pk}/publish/").text
            republished = b.get(
                f"/admin/stats/year/{committed_year.pk}/publish/",
                {
                    "csrfmiddlewaretoken": re.search(r'csrfmiddlewaretoken" value="([^"]+)', form)[
                        1
                    ],
                    "seen": re.search(r'name="seen" value="([^"]+)"', form)[1],
                    "change_note": "Checked and republished.",
                },
            )
            problems = re.findall(r"<li>(.*?)</li>", republished.text)
            assert republished.status == HTTPStatus.FOUND, problems
            page = a.get("/years/2022/")
            assert page.status == HTTPStatus.OK and "Checked and republished." in page.text


def test_a_load_run_of_200_connections_ends_with_zero_errors(committed_year):
    wrk = shutil.which("wrk")
    if not wrk:
        pytest.skip("wrk is not installed (make test installs it)")
    with gunicorn(production_env()) as url:
        output = subprocess.run(  # noqa: S603 - bounded: 200 connections for 10 seconds on loopback
            [
                wrk,
                "-t2",
                "-c200",
                "-d10s",
                "--timeout",
                "30s",  # a busy machine is slow, not wrong: latency is for make bench
                "-H",
                "X-Forwarded-Proto: https",
                url + "/years/2022/",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    assert requests >= 200, output  # every connection answered; how fast is make bench's
    assert "Non-2xx or 3xx responses" not in output, output
    assert "Socket errors" not in output, output


def worker_pids(master):
    with open(f"/proc/{master}/task/{master}/children") as listing:
        return [int(pid) for pid in listing.read().split()]


def test_a_stuck_worker_is_replaced_while_the_others_keep_serving(committed_year):
    import os
    import signal

    with gunicorn(production_env(GUNICORN_TIMEOUT="3", WEB_CONCURRENCY="2")) as url:
        browser = Browser(url, timeout=10)  # a request left with the frozen worker hangs
        # The first worker may answer before gunicorn has forked the second.
        deadline = time.monotonic() + 10
        while len(worker_pids(url.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        stuck, healthy = worker_pids(url.pid)
        os.kill(stuck, signal.SIGSTOP)  # frozen mid-work: it answers nothing, not even gunicorn
        try:
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                response = browser.get("/years/2022/")
                assert response.status == HTTPStatus.OK
                time.sleep(0.05)
            workers = worker_pids(url.pid)
            assert stuck not in workers and healthy in workers and len(workers) == 2
        finally:
            if os.path.exists(f"/proc/{stuck}"):
                os.kill(stuck, signal.SIGKILL)
