"""The shipped nginx configuration (deploy/nginx.conf), running for real on loopback in front
of a test's gunicorn, with a throwaway self-signed certificate. Stopped when the test ends."""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from contextlib import contextmanager

from .servers import ROOT, free_port

NGINX = "/usr/sbin/nginx"
CONFIG = ROOT / "deploy" / "nginx.conf"


def render(values):
    """deploy/nginx.conf with its ${ALLIANCE_...} names filled in, as envsubst does."""
    text = CONFIG.read_text()
    names = set(re.findall(r"\$\{(ALLIANCE_[A-Z_]+)\}", text))
    assert names == set(values), names ^ set(values)
    for name, value in values.items():
        text = text.replace("${" + name + "}", str(value))
    return text


def self_signed_certificate(folder):
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",  # noqa: S607
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class Proxy:
    def __init__(self, https_port, http_port, state):
        self.https_port, self.http_port, self.state = https_port, http_port, state
        self.base = f"https://127.0.0.1:{https_port}"

    def connect(self, source="127.0.0.1", timeout=10):
        """An HTTPS connection to the proxy from a loopback address of our choice: 127.0.0.2
        and 127.0.0.3 are two different visitors to nginx."""
        context = ssl._create_unverified_context()  # noqa: S323 - our own throwaway certificate
        return http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=context, timeout=timeout,
            source_address=(source, 0),
        )  # fmt: skip

    def request(self, method, path, body=None, headers=None, source="127.0.0.1"):
        connection = self.connect(source)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            response.body = response.read()
            return response
        finally:
            connection.close()


@contextmanager
def nginx(upstream, folder, static_root=None):
    """nginx on free loopback ports, passing to `upstream` (host:port). Static files are served
    from `static_root`, by default a copy of the project's in `folder`: nginx's workers run as
    www-data, which cannot enter a clone in a private folder (e.g. one made by mktemp -d)."""
    if static_root is None:
        static_root = folder / "static-files"
        shutil.copytree(ROOT / "static", static_root)
        for path in [static_root, *static_root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    state = folder / "nginx"
    state.mkdir()
    cert, key = self_signed_certificate(folder)
    https_port, http_port = free_port(), free_port()
    config = folder / "nginx.conf"
    config.write_text(
        render(
            {
                "ALLIANCE_STATE": state,
                "ALLIANCE_UPSTREAM": upstream,
                "ALLIANCE_HTTP_LISTEN": f"127.0.0.1:{http_port}",
                "ALLIANCE_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
                "ALLIANCE_SERVER_NAME": "127.0.0.1",
                # The upstream is an address: nothing is looked up.
                "ALLIANCE_RESOLVER": "127.0.0.1",
                "ALLIANCE_HTTPS_PORT_SUFFIX": f":{https_port}",
                "ALLIANCE_TLS_CERT": cert,
                "ALLIANCE_TLS_KEY": key,
                "ALLIANCE_STATIC_ROOT": static_root,
            }
        )
    )
    if os.geteuid() == 0:  # workers run as www-data (the config's `user`)
        shutil.chown(state, "www-data")
    process = subprocess.Popen(  # noqa: S603
        [NGINX, "-g", "daemon off;", "-e", "stderr", "-p", str(state), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    raise RuntimeError(process.stderr.read().decode()[-2000:]) from None
                time.sleep(0.1)
        yield Proxy(https_port, http_port, state)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
