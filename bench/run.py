"""`make bench`: the public pages' throughput and latency under the production configuration,
cached (with the local store and with Redis) and uncached, against the floor (bench/floor.py)
measured in the same run; the release moment (bench/release.py); the year page's compressed
sizes; and, for reference, the year page's bytes through the site's own middleware with and
without one query (bench/stack.py).

Everything binds to 127.0.0.1 and stops by itself. Results go to bench/results.md.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from proxy import measure_proxy
from release import measure_release

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PAGES = {"home": "/", "year": "/years/2022/", "all_csv": "/data/all.csv"}
CONNECTIONS, THREADS, SECONDS = 32, 2, int(os.environ.get("BENCH_SECONDS", 10))
TARGETS = {"cached_ratio": 0.8, "p99_ms": 50.0, "release_p99_ms": 100.0, "proxy_ratio": 0.8}
SITE_PORT, FLOOR_PORT = 8101, 8102
STACK = {"DJANGO_SETTINGS_MODULE": "bench.stack", "PAGE_CACHE": "false"}


def environment(**extra):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "GUNICORN_ACCESS_LOG": "-",
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


class Server:
    def __init__(self, app, port, env, log=None):
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [GUNICORN, app, "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=log or subprocess.DEVNULL,
        )
        self.port = port

    def memory_mb(self):
        """Resident memory of the gunicorn master and its workers."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(pid) for pid in children.read_text().split()]
        total = 0
        for pid in pids:
            status = Path(f"/proc/{pid}/status")
            if status.exists():
                found = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
                total += int(found.group(1)) if found else 0
        return total / 1024

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
    print(f"  {label:9} {name:8} {result['rps']:8.0f} req/s  p99 {result['p99']:6.1f} ms")


def capture(port, folder):
    """The exact bytes and type of each page, for the floor to serve."""
    types = {}
    for name, path in PAGES.items():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:  # noqa: S310
            (folder / name).write_bytes(response.read())
            types[name] = response.headers["Content-Type"]
    (folder / "types.json").write_text(json.dumps(types))


def measure_site(env, label):
    server = Server("alliance.wsgi:application", SITE_PORT, env)
    try:
        wait_until_up(SITE_PORT, "/healthz")
        results = {}
        for name, path in PAGES.items():
            wrk(SITE_PORT, path)  # warm up: fill the cache, open connections
            results[name] = wrk(SITE_PORT, path)
            show(label, name, results[name])
        results["memory_mb"] = server.memory_mb()
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

    print(f"wrk: {CONNECTIONS} connections, {THREADS} threads, {SECONDS}s per run")
    cached = measure_site({**env, "PAGE_CACHE": "true"}, "cached")
    from tests.servers import redis_server  # importable once bench/proxy.py set the path

    def release_moment(store_env):
        result = measure_release(
            lambda e, log: started(Server("alliance.wsgi:application", SITE_PORT, e, log)),
            wrk,
            {**env, "PAGE_CACHE": "true", **store_env},
            SITE_PORT,
        )
        show("release", "/ + year", result)
        return result

    release = {"cached": release_moment({"SHARED_CACHE_DIR": tempfile.mkdtemp(prefix="bench-")})}
    with redis_server() as cache_url:
        cached_redis = measure_site({**env, "PAGE_CACHE": "true", "CACHE_URL": cache_url}, "redis")
        release["redis"] = release_moment({"CACHE_URL": cache_url})
    uncached = measure_site({**env, "PAGE_CACHE": "false"}, "uncached")
    sizes = compressed_sizes({**env, "PAGE_CACHE": "true"})
    proxy = measure_proxy(
        lambda e: started(Server("alliance.wsgi:application", SITE_PORT, e)),
        wrk,
        env,
        SITE_PORT,
        show,
    )

    server = Server("alliance.wsgi:application", SITE_PORT, {**env, "PAGE_CACHE": "false"})
    try:
        wait_until_up(SITE_PORT, "/healthz")
        capture(SITE_PORT, bodies)
    finally:
        server.stop()
    floor_server = Server(
        "bench.floor:application", FLOOR_PORT, {**env, "FLOOR_BODIES": str(bodies)}
    )
    floor = {}
    try:
        wait_until_up(FLOOR_PORT, "/home")
        for name in PAGES:
            wrk(FLOOR_PORT, f"/{name}")
            floor[name] = wrk(FLOOR_PORT, f"/{name}")
            show("floor", name, floor[name])
        floor["memory_mb"] = floor_server.memory_mb()
    finally:
        floor_server.stop()
    stack = measure_stack({**env, "FLOOR_BODIES": str(bodies)})
    shutil.rmtree(static_root, ignore_errors=True)
    shutil.rmtree(bodies, ignore_errors=True)
    modes = {"cached": cached, "redis": cached_redis, "uncached": uncached}
    report(modes, floor, stack, release, sizes, proxy)


def started(server):
    wait_until_up(server.port, "/healthz")
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
            wrk(SITE_PORT, path)
            results[mode] = wrk(SITE_PORT, path)
            show(mode[:9], "year", results[mode])
    finally:
        server.stop()
    return results


def row(path, mode, result, floor):
    share = result["rps"] / floor["rps"]
    cells = [f"`{path}`", mode, f"{result['rps']:.0f}", f"{share:.2f}", f"{result['p50']:.1f}"]
    cells += [f"{result['p99']:.1f}", str(result["errors"])]
    return "| " + " | ".join(cells) + " |"


def report(modes, floor, stack, release, sizes, proxy):
    """modes: {"cached": local store, "redis": Redis store, "uncached": no cache}."""
    checks = []
    lines = [
        "# Benchmark results",
        "",
        f"`make bench`, {time.strftime('%Y-%m-%d %H:%M %Z')}: production settings (DEBUG off, "
        "gunicorn with gunicorn.conf.py defaults, local PostgreSQL, demo data), wrk on loopback "
        f"with {CONNECTIONS} connections for {SECONDS}s per run after a warm-up run. The floor "
        "is a minimal Django view returning the same bytes under the same gunicorn settings "
        "(bench/floor.py). *cached*: the page cache's local store (files shared by the "
        "workers); *redis*: its Redis store, as several machines would share it.",
        "",
        "| page | mode | req/s | share of floor | p50 ms | p99 ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, path in PAGES.items():
        lines.append(row(path, "floor", floor[name], floor[name]))
        lines += [row(path, mode, results[name], floor[name]) for mode, results in modes.items()]
        for mode in ("cached", "redis"):
            result = modes[mode][name]
            checks.append(
                (
                    f"{path} {mode} ≥ {TARGETS['cached_ratio']} of floor",
                    result["rps"] / floor[name]["rps"] >= TARGETS["cached_ratio"],
                )
            )
            checks.append(
                (
                    f"{path} {mode} p99 < {TARGETS['p99_ms']:.0f} ms",
                    result["p99"] < TARGETS["p99_ms"],
                )
            )
    lines += [
        "",
        "The uncached year page has no target; what bounds it (bench/stack.py): the year page's "
        "bytes answered through the site's own settings and middleware, without and with one "
        "database round trip.",
        "",
        "| page | mode | req/s | share of floor | p50 ms | p99 ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [row(PAGES["year"], mode, r, floor["year"]) for mode, r in stack.items()]
    lines += [
        "",
        "Release moment (bench/release.py): `/` and "
        f"`{PAGES['year']}` with 200 connections for 10s while a scheduled year went public, "
        "with each store:",
        "",
        "| store | req/s | p50 ms | p99 ms | errors | renders in the window |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for mode, result in release.items():
        renders = result["renders"]
        lines.append(
            f"| {mode} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} | "
            f"{result['errors']} | "
            + ", ".join(f"`{path}` {count}" for path, count in renders.items())
            + " |"
        )
        checks += [
            (f"release moment ({mode}): no errors", result["errors"] == 0),
            (
                f"release moment ({mode}) p99 < {TARGETS['release_p99_ms']:.0f} ms",
                result["p99"] < TARGETS["release_p99_ms"],
            ),
            (
                f"release moment ({mode}): at most one render per page",
                all(n <= 1 for n in renders.values()),
            ),
        ]
    lines += [
        "",
        f"Year page sent: {sizes['identity']:,} bytes plain, {sizes['gzip']:,} gzip, "
        f"{sizes['br']:,} brotli (compressed once, when stored).",
    ]
    proxied, static = proxy["proxied"], proxy["static"]
    lines += [
        "",
        "Through the shipped reverse proxy (deploy/nginx.conf, TLS, its micro-cache honouring the "
        "site's Cache-Control), against the same nginx serving the same bytes as a static file:",
        "",
        "| page | mode | req/s | share of static | p50 ms | p99 ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        row(PAGES["year"], "nginx static file", static, static),
        row(PAGES["year"], "through nginx", proxied, static),
    ]
    checks.append(
        (
            f"year page through the proxy ≥ {TARGETS['proxy_ratio']} of nginx static",
            proxied["rps"] / static["rps"] >= TARGETS["proxy_ratio"],
        )
    )
    errors = sum(r[name]["errors"] for r in (*modes.values(), floor) for name in PAGES)
    errors += sum(r["errors"] for r in (*stack.values(), *proxy.values()))
    checks.append(("no non-2xx responses or socket errors", errors == 0))
    lines += [
        "",
        "Memory (resident, master and workers): "
        f"site {modes['cached']['memory_mb']:.0f} MB cached, "
        f"{modes['redis']['memory_mb']:.0f} MB with Redis, "
        f"{modes['uncached']['memory_mb']:.0f} MB uncached; floor {floor['memory_mb']:.0f} MB.",
        "",
        "| target | met |",
        "| --- | --- |",
    ]
    lines += [f"| {label} | {'yes' if met else '**no**'} |" for label, met in checks]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results.md").write_text(text)
    print()
    print(text)
    if not all(met for _, met in checks):
        raise SystemExit("Some targets were not met (see above).")


if __name__ == "__main__":
    main()
