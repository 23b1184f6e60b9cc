"""The shipped stack for the deploy tier: the images built as `make images` builds them, and
compose.yaml started with podman-compose exactly as docs/deploy.md says, under a project name
of its own, with its own secrets, ports (127.0.0.1 only), network and volumes, all removed
when the tier ends. Requests go to the proxy from the host, over TLS, as a visitor's would."""

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path

from .servers import ROOT, free_port

PODMAN_COMPOSE = str(Path(sys.executable).with_name("podman-compose"))
HOST = "localhost"
# The services that answer a health check (the worker's is its own: it may be stopped).
SERVICES = ["db", "redis", "web-1", "web-2", "proxy"]


def run(args, timeout=600, check=True, **kwargs):
    done = subprocess.run(  # noqa: S603 - podman and our own scripts, fixed arguments
        args, capture_output=True, text=True, timeout=timeout, **kwargs
    )
    if check and done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def podman_problem():
    """Why podman cannot run containers here, or None."""
    if shutil.which("podman") is None or shutil.which("buildah") is None:
        return "podman and buildah are not installed: `make containers` (in `make test`) does it"
    if not Path(PODMAN_COMPOSE).exists():
        return "podman-compose is not in the virtual environment: `make install`"
    probe = run(
        ["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"], timeout=60, check=False
    )
    if probe.returncode != 0:
        return f"podman cannot run here: {probe.stderr.strip()[-500:]}"
    return None


def unused_subnet():
    """A /24 no podman network uses yet, its automatic range (the upper half), and the proxy's
    fixed address (outside that range)."""
    taken = set(
        run(
            ["podman", "network", "ls", "--format", "{{range .Subnets}}{{.Subnet}} {{end}}"]
        ).stdout.split()
    )
    for _ in range(100):
        third = random.randint(100, 250)  # noqa: S311 - not a secret
        subnet = f"172.31.{third}.0/24"
        if subnet not in taken:
            return subnet, f"172.31.{third}.128/25", f"172.31.{third}.10"
    raise RuntimeError("no free 172.31.x.0/24 for the test stack")


class Stack:
    def __init__(self, folder):
        self.folder = folder
        self.project = f"alliance-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.https_port, self.http_port = free_port(), free_port()
        self.env_file = folder / "stack.env"
        self.origin = f"https://{HOST}:{self.https_port}"

    # --- set-up, as docs/deploy.md ---------------------------------------------------------
    def write_settings(self):
        tls = self.folder / "tls"
        tls.mkdir()
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
             "-addext", f"subjectAltName=DNS:{HOST}",
             "-keyout", str(tls / "key.pem"), "-out", str(tls / "cert.pem")])  # fmt: skip
        ports = [str(self.https_port), str(self.http_port)]
        write = [str(ROOT / "scripts" / "stack-env.sh"), HOST, *ports]
        run(write, env={**os.environ, "STACK_ENV_FILE": str(self.env_file)})
        subnet, automatic, proxy = unused_subnet()
        self.proxy_address = proxy
        self.set(
            TLS_DIR=str(tls), SUBNET=subnet, SUBNET_AUTOMATIC_RANGE=automatic, PROXY_ADDRESS=proxy
        )

    def set(self, **values):
        text = self.env_file.read_text()
        for name, value in values.items():
            text, found = re.subn(rf"(?m)^#? ?{name}=.*$", f"{name}={value}", text)
            if not found:
                text += f"{name}={value}\n"
        self.env_file.write_text(text)

    def setting(self, name):
        return re.search(rf"(?m)^{name}=(.*)$", self.env_file.read_text()).group(1)

    def compose(self, *args, timeout=600, check=True):
        return run(
            [PODMAN_COMPOSE, "-p", self.project, "--env-file", str(self.env_file), *args],
            cwd=ROOT, timeout=timeout, check=check,
            env=self.compose_environment(),
        )  # fmt: skip

    def compose_environment(self):
        """Only what podman-compose needs: its own environment would override the env file's
        values (a WEB_CONCURRENCY or DEBUG exported in the shell that runs the tests)."""
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
        return {**keep, "STACK_ENV_FILE": str(self.env_file)}

    def manage(self, *args, env=None, timeout=300):
        """A one-off command, as docs/deploy.md gives it: the migrate service's container."""
        extra = [f"-e{name}={value}" for name, value in (env or {}).items()]
        return self.compose(
            "run", "--rm", *extra, "migrate", "python", "manage.py", *args, timeout=timeout
        )

    def container(self, service):
        return f"{self.project}_{service}_1"

    def podman(self, *args, timeout=120, check=True):
        return run(["podman", *args], timeout=timeout, check=check)

    def inspect(self, service, template):
        return self.podman("inspect", self.container(service), "--format", template).stdout.strip()

    def healthy(self, service):
        return (
            self.podman("healthcheck", "run", self.container(service), check=False).returncode == 0
        )

    def logs(self, service):
        done = self.podman("logs", self.container(service))
        return done.stdout + done.stderr

    def json_lines(self, service):
        lines = []
        for line in self.logs(service).splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def wait(self, condition, seconds=180, what="the stack"):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except OSError:
                pass
            time.sleep(1)
        raise AssertionError(f"{what} not ready after {seconds} s")

    def wait_healthy(self, *services, seconds=120):
        for service in services:
            try:
                self.wait(lambda s=service: self.healthy(s), seconds, f"{service}'s health check")
            except AssertionError as error:  # say why: the check's own words and its log
                kind, *test = json.loads(self.inspect(service, "{{json .Config.Healthcheck.Test}}"))
                command = ["sh", "-c", *test] if kind == "CMD-SHELL" else test
                check = self.podman("exec", self.container(service), *command, check=False)
                raise AssertionError(
                    f"{error}: {command} said {check.stdout}{check.stderr}\n"
                    f"{self.logs(service)[-3000:]}"
                ) from None

    def remove(self):
        """Everything this stack made, by its project's label; what is left, by name."""
        self.compose("down", "-v", "-t", "5", timeout=300, check=False)
        label = f"label=io.podman.compose.project={self.project}"
        for kind, listing in [
            ("container", ["ps", "-a", "-q"]),
            ("pod", ["pod", "ls", "-q"]),
            ("volume", ["volume", "ls", "-q"]),
            ("network", ["network", "ls", "-q"]),
        ]:
            names = self.podman(*listing, "--filter", label, check=False).stdout.split()
            if names:
                self.podman(kind, "rm", "-f", *names, check=False)
        return [
            name
            for listing in (["ps", "-a"], ["pod", "ls"], ["volume", "ls"], ["network", "ls"])
            for name in self.podman(*listing, "--format", "{{.Name}}", check=False).stdout.split()
            if self.project in name
        ]

    # --- a visitor, over TLS through the proxy -------------------------------------------------
    def connect(self, timeout=15):
        context = ssl.create_default_context(cafile=str(self.folder / "tls" / "cert.pem"))
        context.check_hostname = False  # the certificate names localhost; we dial 127.0.0.1
        return http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=context, timeout=timeout
        )

    def request(self, method, path, body=None, headers=None, timeout=15):
        connection = self.connect(timeout)
        try:
            connection.request(
                method,
                path,
                body=body,
                headers={"Host": f"{HOST}:{self.https_port}", **(headers or {})},
            )
            response = connection.getresponse()
            response.body = response.read()
            response.text = response.body.decode(errors="replace")
            return response
        finally:
            connection.close()

    def plain(self, method, path):
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=15)
        try:
            connection.request(method, path, headers={"Host": f"{HOST}:{self.http_port}"})
            response = connection.getresponse()
            response.body = response.read()
            return response
        finally:
            connection.close()


@contextlib.contextmanager
def started_stack(say):
    """The images built under tags of this run's own (an operator's images, or another
    checkout's run, are left alone; the build cache is shared, so an unchanged image builds in
    seconds), compose.yaml up and ready with the demo data; everything removed afterwards.
    `say` is given the build's lines, with the images' sizes."""
    folder = Path(tempfile.mkdtemp(prefix="alliance-stack-"))
    stack = Stack(folder)
    images = {
        "WEB_IMAGE": f"localhost/operation-alliance:{stack.project}",
        "PROXY_IMAGE": f"localhost/operation-alliance-proxy:{stack.project}",
    }
    started = time.monotonic()
    try:
        built = run(
            [str(ROOT / "scripts" / "images.sh")], timeout=1800, env={**os.environ, **images}
        )
        say([*built.stdout.splitlines(), f"Images ready in {time.monotonic() - started:.0f} s."])
        stack.write_settings()
        stack.set(**images)
        stack.compose("up", "-d")
        stack.wait(lambda: stack.plain("GET", "/readyz").status == HTTPStatus.OK, 300)
        # The documented one-off command: demo data is for a try-out, never production.
        stack.manage("load_demo", env={"ENVIRONMENT": "try-out"})
        yield stack
    finally:
        left = stack.remove()
        for image in images.values():
            stack.podman("untag", image, image, check=False)
        shutil.rmtree(folder, ignore_errors=True)
    # Only when the tier itself passed: an assertion in `finally` would hide why it failed.
    assert not left, f"left behind: {left}"


class Visitor:
    """A browser's cookies, CSRF token and referer, signing in to the admin through the proxy."""

    def __init__(self, stack):
        self.stack, self.cookies = stack, {}

    def call(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers.update(Origin=self.stack.origin, Referer=self.stack.origin + path)
        response = self.stack.request(method, path, body, headers)
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def post_form(self, path, fields):
        body = urllib.parse.urlencode(fields)
        return self.call("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path, fields, files):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields:
            head = f'Content-Disposition: form-data; name="{name}"'
            parts.append(f"--{boundary}\r\n{head}\r\n\r\n{value}\r\n".encode())
        for name, (filename, data, content_type) in files.items():
            head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
            parts.append(f"--{boundary}\r\n{head}\r\nContent-Type: {content_type}\r\n\r\n".encode())
            parts.append(data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        kind = f"multipart/form-data; boundary={boundary}"
        return self.call("POST", path, body, {"Content-Type": kind})


class _Form(HTMLParser):
    """The fields a browser would send for one form, as (name, value) pairs."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select = self.textarea = None
        self.options = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
        elif tag == "select":
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [
                value for value, _ in self.options[:1]
            ]
            self.fields.extend((self.select, value) for value in chosen)
            self.select = None


def form_fields(page, form_id):
    parser = _Form(form_id)
    parser.feed(page)
    return parser.fields


def fresh(path):
    """The same page under an address nginx's micro-cache has not seen: the request reaches a
    web server (whose page cache ignores the query string)."""
    return f"{path}?n={uuid.uuid4().hex}"
