"""`make bench`: the public pages' throughput and latency under the production configuration,
cached (with the local store and with Redis) and uncached, each against the floor
(bench/floor.py) measured right after it, and a worker's memory against the floor's and
against a floor with a database (bench/floor_db.py); the release moment with each store
(bench/release.py); the year page through the shipped proxy (bench/proxy.py); its compressed
sizes; and, for reference, the year page's bytes through the site's own middleware with and
without one query (bench/stack.py).

Everything binds to 127.0.0.1 and stops by itself. Results go to bench/results.md.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.alerts import measure_alerts
from bench.proxy import measure_proxy
from bench.release import measure_release
from bench.report import report
from tests.servers import redis_server

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PAGES = {"home": "/", "year": "/years/2022/", "all_csv": "/data/all.csv"}
CONNECTIONS, THREADS, SECONDS = 32, 2, int(os.environ.get("BENCH_SECONDS", 5))
ROUNDS, WARM_SECONDS = 3, 3
SITE_PORT, FLOOR_PORT = 8101, 8102
STACK = {"DJANGO_SETTINGS_MODULE": "bench.stack", "PAGE_CACHE": "false"}


def environment(**extra):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.update(extra)
    return env


def wait_until_up(port, path):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def kilobytes(pid, table, name):
    found = re.search(rf"^{name}:\s+(\d+) kB", Path(f"/proc/{pid}/{table}").read_text(), re.M)
    return int(found.group(1))


class Server:
    def __init__(self, app, port, env, log=None):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:  # we would measure that one instead
                raise SystemExit(f"port {port} is taken: a server left by an earlier run?")
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [GUNICORN, app, "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=log or subprocess.DEVNULL,
        )
        self.port = port

    def memory(self):
        """In MB: the largest worker's resident memory, and the proportional memory of the
        master and its workers together (each shared page counted once, split between the
        processes that share it: what the server costs the machine)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        workers = [int(pid) for pid in children.read_text().split()]
        return {
            "worker_rss": max(kilobytes(pid, "status", "VmRSS") for pid in workers) / 1024,
            "total_pss": sum(
                kilobytes(pid, "smaps_rollup", "Pss") for pid in [self.process.pid, *workers]
            )
            / 1024,
        }

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wrk(port, path, connections=CONNECTIONS, seconds=SECONDS, script=None, url=None):
    output = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk"),
            f"-t{THREADS}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *(["-s", str(script)] if script else []),
            url or f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency_ms(label):
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency_ms("50"),
        "p99": latency_ms("99"),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket.groups())) if socket else 0),
    }


def show(label, name, result):
    line = f"  {label:9} {name:8} {result['rps']:8.0f} req/s  p99 {result['p99']:6.1f} ms"
    if "floor" in result:
        line += f"  (floor {result['floor']['rps']:.0f}: {share(result):.2f})"
    print(line)


def share(result):
    return result["rps"] / result["floor"]["rps"]


def capture(port, folder):
    """The exact bytes and type of each page, for the floor to serve."""
    types = {}
    for name, path in PAGES.items():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:  # noqa: S310
            (folder / name).write_bytes(response.read())
            types[name] = response.headers["Content-Type"]
    (folder / "types.json").write_text(json.dumps(types))


def against_floor(port, path, name):
    """A page's runs taken in turns with the floor serving its bytes: the machine's speed
    drifts by a tenth over a minute here, so a share of the floor compares runs seconds apart,
    and averages a few of them."""
    wrk(port, path, seconds=WARM_SECONDS)  # fill the cache, open connections
    site, floor = [], []
    for _ in range(ROUNDS):
        site.append(wrk(port, path))
        floor.append(wrk(FLOOR_PORT, f"/{name}"))
    return {**combined(site), "floor": combined(floor)}


def combined(runs):
    """Mean throughput; the median p50 and the worst p99; every error."""
    return {
        "rps": sum(r["rps"] for r in runs) / len(runs),
        "p50": sorted(r["p50"] for r in runs)[len(runs) // 2],
        "p99": max(r["p99"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def measure_site(env, label):
    server = Server("alliance.wsgi:application", SITE_PORT, env)
    try:
        wait_until_up(SITE_PORT, "/healthz")
        results = {}
        for name, path in PAGES.items():
            results[name] = against_floor(SITE_PORT, path, name)
            show(label, name, results[name])
        results["memory"] = server.memory()
        return results
    finally:
        server.stop()


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    bodies = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    env = environment(STATIC_ROOT=str(static_root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )  # noqa: S603

    server = started(Server("alliance.wsgi:application", SITE_PORT, {**env, "PAGE_CACHE": "false"}))
    try:
        capture(SITE_PORT, bodies)
    finally:
        server.stop()
    # Each logs a line a request, as any production server does: the site its own
    # (stats/request_log.py, gunicorn's access log off), the floor gunicorn's access log.
    floor_env = {**env, "FLOOR_BODIES": str(bodies), "GUNICORN_ACCESS_LOG": "-"}
    floor_server = Server("bench.floor:application", FLOOR_PORT, floor_env)
    try:
        wait_until_up(FLOOR_PORT, "/home")
        for name in PAGES:
            wrk(FLOOR_PORT, f"/{name}")  # warm up
        print(f"wrk: {CONNECTIONS} connections, {THREADS} threads, {SECONDS}s per run")
        modes, release = measure_modes(env)
        stack = measure_stack({**env, "FLOOR_BODIES": str(bodies)})
        floor_memory = floor_server.memory()
    finally:
        floor_server.stop()
    floor_memory["with the database"] = database_floor_memory(floor_env)
    sizes = compressed_sizes({**env, "PAGE_CACHE": "true"})
    proxy = measure_proxy(
        lambda e: started(Server("alliance.wsgi:application", SITE_PORT, e)),
        wrk,
        env,
        SITE_PORT,
        show,
    )
    alerts = measure_alerts(
        lambda e: started(Server("alliance.wsgi:application", SITE_PORT, e)),
        wrk,
        {**env, "PAGE_CACHE": "true"},
        SITE_PORT,
        subscribers=int(os.environ.get("BENCH_ALERT_SUBSCRIBERS", 10_000)),
    )
    show_alerts(alerts)
    shutil.rmtree(static_root, ignore_errors=True)
    shutil.rmtree(bodies, ignore_errors=True)
    settings = {"connections": CONNECTIONS, "seconds": SECONDS, "rounds": ROUNDS, "pages": PAGES}
    report(settings, modes, floor_memory, stack, release, sizes, proxy, alerts)


def database_floor_memory(env):
    """A worker's resident memory in the floor with a database (bench/floor_db.py), after
    serving each page as long as the site does."""
    server = Server("bench.floor_db:application", FLOOR_PORT, env)
    try:
        wait_until_up(FLOOR_PORT, "/home")
        for name in PAGES:
            for _ in range(ROUNDS):
                wrk(FLOOR_PORT, f"/{name}")
        return server.memory()["worker_rss"]
    finally:
        server.stop()


def show_alerts(alerts):
    took = "never" if alerts["seconds"] is None else f"{alerts['seconds']:.1f} s"
    print(
        f"  alerts    {alerts['received']}/{alerts['subscribers']} received, last after {took}; "
        f"pages' p99 {alerts['quiet']['p99']:.1f} ms quiet, {alerts['sending']['p99']:.1f} ms "
        "while sending"
    )


def measure_modes(env):
    """The pages with each store and uncached; the release moment with each store."""

    def release_moment(store_env):
        result = measure_release(
            lambda e, log: started(Server("alliance.wsgi:application", SITE_PORT, e, log)),
            wrk,
            {**env, "PAGE_CACHE": "true", **store_env},
            SITE_PORT,
        )
        show("release", "/ + year", result)
        return result

    modes = {"cached": measure_site({**env, "PAGE_CACHE": "true"}, "cached")}
    release = {"cached": release_moment({"SHARED_CACHE_DIR": tempfile.mkdtemp(prefix="bench-")})}
    with redis_server() as cache_url:
        modes["redis"] = measure_site(
            {**env, "PAGE_CACHE": "true", "CACHE_URL": cache_url}, "redis"
        )
        release["redis"] = release_moment({"CACHE_URL": cache_url})
    modes["uncached"] = measure_site({**env, "PAGE_CACHE": "false"}, "uncached")
    return modes, release


def started(server):
    try:
        wait_until_up(server.port, "/healthz")
    except BaseException:
        server.stop()  # not left serving after the run
        raise
    return server


def compressed_sizes(env):
    """Bytes of the year page as sent to a client accepting each encoding."""
    server = started(Server("alliance.wsgi:application", SITE_PORT, env))
    sizes = {}
    try:
        for encoding in ("identity", "gzip", "br"):
            request = urllib.request.Request(  # noqa: S310 - loopback
                f"http://127.0.0.1:{SITE_PORT}{PAGES['year']}",
                headers={"Accept-Encoding": encoding},
            )
            with urllib.request.urlopen(request) as response:  # noqa: S310
                sizes[encoding] = len(response.read())
    finally:
        server.stop()
    return sizes


def measure_stack(env):
    """The year page's bytes through the site's whole middleware stack (bench/stack.py),
    without and with one database round trip: the best an uncached page could do."""
    server = Server("alliance.wsgi:application", SITE_PORT, {**env, **STACK})
    results = {}
    try:
        wait_until_up(SITE_PORT, "/stack/year")
        for mode, path in (("stack only", "/stack/year"), ("stack + 1 query", "/query/year")):
            results[mode] = against_floor(SITE_PORT, path, "year")
            show(mode[:9], "year", results[mode])
    finally:
        server.stop()
    return results


if __name__ == "__main__":
    main()
