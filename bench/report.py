"""`make bench`'s report: bench/results.md, each target met or not. A share of the floor
compares a page with the floor serving the same bytes, measured at once after it."""

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "cached_ratio": 0.9,
    "uncached_year_ratio": 0.15,
    "memory_ratio": 1.3,
    "p99_ms": 50.0,
    "release_p99_ms": 100.0,
    "proxy_ratio": 0.8,
    "alerts_seconds": 120.0,
    "alerts_p99_ratio": 1.2,
}
HEADER = [
    "| page | mode | req/s | floor req/s | share of floor | p50 ms | p99 ms | errors |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
]


def row(path, mode, result, baseline):
    cells = [f"`{path}`", mode, f"{result['rps']:.0f}", f"{baseline['rps']:.0f}"]
    cells += [f"{result['rps'] / baseline['rps']:.2f}", f"{result['p50']:.1f}"]
    cells += [f"{result['p99']:.1f}", str(result["errors"])]
    return "| " + " | ".join(cells) + " |"


def alert_lines(alerts):
    """The 10,000-subscriber send (bench/alerts.py), and its checks."""
    quiet, sending = alerts["quiet"], alerts["sending"]
    took = alerts["seconds"]
    ratio = sending["p99"] / quiet["p99"]
    lines = [
        "",
        f"A year released to {alerts['subscribers']:,} confirmed subscribers (bench/alerts.py): "
        "the Procfile's worker sending to a local SMTP server (aiosmtpd) while wrk asks for "
        f"`/` and the year page with 32 connections for {SECONDS_NOTE}, against the same load "
        "with no send:",
        "",
        "| alerts received | until the last one | p99 quiet ms | p99 while sending ms | ratio |",
        "| ---: | ---: | ---: | ---: | ---: |",
        f"| {alerts['received']:,} | {'never' if took is None else f'{took:.1f} s'} | "
        f"{quiet['p99']:.1f} | {sending['p99']:.1f} | {ratio:.2f} |",
    ]
    checks = [
        (
            f"every alert received, the last in under {TARGETS['alerts_seconds']:.0f} s",
            alerts["received"] == alerts["subscribers"]
            and took is not None
            and took < TARGETS["alerts_seconds"],
        ),
        (
            f"pages' p99 while sending ≤ {TARGETS['alerts_p99_ratio']}× without",
            ratio <= TARGETS["alerts_p99_ratio"],
        ),
    ]
    return lines, checks


SECONDS_NOTE = "10 s from the publication"


def memory_lines(modes, floor):
    """Memory after each mode's runs, against the floor's after its own."""
    lines = [
        "",
        "Memory after the runs, in MB: the largest worker's resident set (shared pages "
        "included), and the whole server's proportional set (master and workers, each shared "
        "page counted once: what it costs the machine).",
        "",
        "| measure | cached | redis | uncached | floor | cached / floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in (("worker_rss", "a worker, resident"), ("total_pss", "server, proportional")):
        cells = [f"{modes[mode]['memory'][key]:.0f}" for mode in ("cached", "redis", "uncached")]
        ratio = modes["cached"]["memory"][key] / floor[key]
        lines.append(f"| {label} | {' | '.join(cells)} | {floor[key]:.0f} | {ratio:.2f} |")
    worst = max(modes[mode]["memory"]["worker_rss"] for mode in ("cached", "redis"))
    target = TARGETS["memory_ratio"]
    with_database = floor["with the database"]
    lines += [
        "",
        f"For reference, a worker of the floor with a database (bench/floor_db.py: the ORM, "
        f"psycopg, the contenttypes and auth apps, one query a request): {with_database:.0f} MB "
        f"resident, {with_database / floor['worker_rss']:.2f}× the floor's; the site's largest "
        f"worker is {worst / with_database:.2f}× it.",
    ]
    checks = [
        (
            f"a worker's resident memory ≤ {target}× the floor's",
            worst / floor["worker_rss"] <= target,
        )
    ]
    return lines, checks


def report(settings, modes, floor_memory, stack, release, sizes, proxy, alerts):
    """modes: {"cached": local store, "redis": Redis store, "uncached": no cache}, each
    {page name: wrk result with its "floor"}."""
    pages = settings["pages"]
    checks = []
    lines = [
        "# Benchmark results",
        "",
        f"`make bench`, {time.strftime('%Y-%m-%d %H:%M %Z')}: production settings (DEBUG off, "
        "gunicorn with gunicorn.conf.py defaults, local PostgreSQL, demo data), wrk on loopback "
        f"with {settings['connections']} connections. The floor is a minimal Django view "
        "returning the same bytes under the same gunicorn settings (bench/floor.py), logging a "
        "line a request as the site does (gunicorn's access log; the site writes its own). "
        f"Each page is measured in {settings['rounds']} runs of {settings['seconds']}s taken in "
        "turns with the floor's, after a warm-up run, so that both see the machine as it was: "
        "req/s is their mean, p50 the median, p99 the worst run's. *cached*: the page cache's "
        "local store (files shared by the workers); *redis*: its Redis store, as several "
        "machines would share it.",
        "",
        *HEADER,
    ]
    for name, path in pages.items():
        for mode, results in modes.items():
            result = results[name]
            lines.append(row(path, mode, result, result["floor"]))
            share = result["rps"] / result["floor"]["rps"]
            if mode == "uncached":
                if name == "year":
                    target = TARGETS["uncached_year_ratio"]
                    checks.append((f"{path} uncached ≥ {target} of floor", share >= target))
                continue
            checks.append(
                (
                    f"{path} {mode} ≥ {TARGETS['cached_ratio']} of floor",
                    share >= TARGETS["cached_ratio"],
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
        "What bounds the uncached year page (bench/stack.py): the year page's bytes answered "
        "through the site's own settings and middleware, without and with one database round "
        "trip.",
        "",
        *HEADER,
    ]
    lines += [row(pages["year"], mode, r, r["floor"]) for mode, r in stack.items()]
    lines += [
        "",
        f"Release moment (bench/release.py): `/` and `{pages['year']}` with 200 connections for "
        "10s while a scheduled year went public, with each store:",
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
        "| page | mode | req/s | nginx static req/s | share of static | p50 ms | p99 ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        row(pages["year"], "through nginx", proxied, static),
    ]
    checks.append(
        (
            f"year page through the proxy ≥ {TARGETS['proxy_ratio']} of nginx static",
            proxied["rps"] / static["rps"] >= TARGETS["proxy_ratio"],
        )
    )
    more, alert_checks = alert_lines(alerts)
    lines += more
    checks += alert_checks
    results = [r[name] for r in modes.values() for name in pages] + list(stack.values())
    errors = sum(r["errors"] + r["floor"]["errors"] for r in results)
    errors += sum(r["errors"] for r in proxy.values())
    checks.append(("no non-2xx responses or socket errors", errors == 0))
    more, memory_checks = memory_lines(modes, floor_memory)
    lines += more
    checks += memory_checks
    lines += [
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
