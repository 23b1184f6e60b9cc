"""The shipped reverse proxy (deploy/nginx.conf), measured in `make bench`: a cached public
page through nginx and the site, against the same nginx serving the same bytes as a static
file, over the same TLS and HTTP/1.1 connections from wrk."""

import tempfile
import urllib.request
from pathlib import Path

from tests.proxy import nginx  # the tests' own way to run the shipped config

PAGE = "/years/2022/"


def measure_proxy(start_site, wrk, env, site_port, show):
    """{"proxied": wrk result, "static": wrk result} for the year page."""
    folder = Path(tempfile.mkdtemp(prefix="bench-proxy-"))
    folder.chmod(0o755)  # nginx's workers (www-data, as root) must reach the static file
    static = folder / "static"
    static.mkdir()
    site = start_site({**env, "PAGE_CACHE": "true"})
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{site_port}{PAGE}") as response:  # noqa: S310
            (static / "year.html").write_bytes(response.read())
        static.chmod(0o755)
        (static / "year.html").chmod(0o644)
        with nginx(f"127.0.0.1:{site_port}", folder, static_root=static) as proxy:
            results = {}
            for mode, path in (("proxied", PAGE), ("static", "/static/year.html")):
                url = f"https://127.0.0.1:{proxy.https_port}{path}"
                wrk(None, path, url=url)  # warm up: fill nginx's micro-cache, open connections
                results[mode] = wrk(None, path, url=url)
                show(mode, "year", results[mode])
            return results
    finally:
        site.stop()
