"""Caching and query budgets: what makes the public pages fast. Speed itself is measured by
`make bench`, never by a timed test."""

import datetime
import subprocess
import sys
import threading
from http import HTTPStatus
from pathlib import Path

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from stats.models import Year
from stats.models.enums import Unit, YearState
from stats.pagecache.version_file import VersionFile

from .factories import (
    make_announcement,
    make_figure,
    make_measure,
    make_quote,
    make_user,
    make_year,
    release,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_a_cached_page_is_served_without_touching_the_database(
    client, headline_year, django_assert_num_queries
):
    first = client.get("/years/2022/")
    with django_assert_num_queries(0):
        again = client.get("/years/2022/")
    assert again.status_code == HTTPStatus.OK and again.content == first.content


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/years/",
        "/data/all.csv",
        "/years/2022/data.json",
        "/feed.xml",
        "/sitemap.xml",
        "/measures/drugs-seized/",
        "/years/2022/card.png",
        "/card.png",
        "/data/openapi.json",
        "/data/datapackage.json",
    ],
)
def test_every_public_page_and_download_is_cached(
    client, headline_year, path, django_assert_num_queries
):
    assert client.get(path).status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        assert client.get(path).status_code == HTTPStatus.OK


@pytest.mark.django_db(transaction=True)  # what happens on a real commit
def test_a_correction_is_visible_on_the_very_next_request(client, headline_year):
    assert "nearly £4m" in client.get("/years/2022/").content.decode()
    figure = headline_year.figures.get()
    figure.value = 4200000
    figure.save()
    release(headline_year, note_text="Corrected.")
    page = client.get("/years/2022/").content.decode()
    assert "nearly £4.2m" in page and "nearly £4m" not in page


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_while_a_correction_is_being_saved_is_not_kept(headline_year):
    pages = []

    def another_request():  # on its own database connection, as another worker would be
        pages.append(Client().get("/years/2022/").content.decode())
        connection.close()

    client = Client()
    assert "nearly £4m" in client.get("/years/2022/").content.decode()
    with transaction.atomic():
        figure = headline_year.figures.get()
        figure.value = 4200000
        figure.save()
        release(headline_year, note_text="Corrected.")  # a new version at once, not yet committed
        thread = threading.Thread(target=another_request)
        thread.start()
        thread.join()
    assert "nearly £4m" in pages[0]  # rendered from the committed data, under the new version
    page = client.get("/years/2022/").content.decode()
    assert "nearly £4.2m" in page and "nearly £4m" not in page


def test_a_head_request_leaves_the_etag_on_the_gets_that_follow(client, headline_year):
    assert client.head("/years/2022/").status_code == HTTPStatus.OK
    first = client.get("/years/2022/")
    assert first["ETag"]
    again = client.get("/years/2022/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED


class TestVersionFile:
    @pytest.mark.server
    def test_a_version_written_by_another_process_is_read_at_once(self, tmp_path):
        path = tmp_path / "content-version"
        here = VersionFile(str(path))
        assert here.read() is None
        here.write({"version": "a" * 32, "until": None, "generation": "g" * 32})
        assert here.read() == {"version": "a" * 32, "until": None, "generation": "g" * 32}
        writer = (
            "import sys; from stats.pagecache.version_file import VersionFile; "
            "VersionFile(sys.argv[1]).write("
            "{'version': 'b' * 32, 'until': 1800000000.5, 'generation': 'g' * 32})"
        )
        subprocess.run([sys.executable, "-c", writer, str(path)], check=True, cwd=ROOT)  # noqa: S603
        assert here.read() == {"version": "b" * 32, "until": 1800000000.5, "generation": "g" * 32}

    def test_a_deleted_file_is_left_for_the_new_one(self, tmp_path):
        path = tmp_path / "content-version"
        old_worker = VersionFile(str(path), check_every=0)
        old_worker.write({"version": "a" * 32, "until": None, "generation": "g" * 32})
        path.unlink()
        new_worker = VersionFile(str(path), check_every=0)
        new_worker.write({"version": "b" * 32, "until": None, "generation": "g" * 32})
        assert old_worker.read() == {"version": "b" * 32, "until": None, "generation": "g" * 32}

    def test_a_garbled_file_reads_as_no_version(self, tmp_path):
        path = tmp_path / "content-version"
        version_file = VersionFile(str(path))
        version_file.write({"version": "c" * 32, "until": None, "generation": "g" * 32})
        with open(path, "r+b") as f:
            f.write(b"c" * 20 + b" half-written")
        assert version_file.read() is None
        version_file.clear()
        assert version_file.read() is None


@pytest.mark.django_db(transaction=True)  # what happens on a real commit
def test_a_correction_through_the_admin_reaches_every_cached_page(
    client, django_app, headline_year
):
    from stats.rules import corrections

    from .admin_pages import fill, fill_figure, year_form

    for path in ["/", "/years/2022/", "/data/all.csv"]:
        client.get(path)
    form = year_form(django_app, make_user("olivia", "Press officers"), headline_year)
    fill_figure(form, headline_year.figures.get().measure, value="3.9m")
    assert fill(form, change_note="Corrected.").submit().status_code == HTTPStatus.FOUND
    # Held for approval: every cached page still shows the approved figure...
    assert "nearly £3.9m" not in client.get("/years/2022/").content.decode()
    corrections.approve(headline_year, make_user("paul", "Publishers"))
    # ...and the approved correction reaches every one of them.
    assert "nearly £3.9m" in client.get("/").content.decode()
    assert "nearly £3.9m" in client.get("/years/2022/").content.decode()
    assert "3900000" in client.get("/data/all.csv").content.decode()


def test_a_scheduled_year_appears_at_its_moment_although_nothing_was_saved(client, headline_year):
    moment = timezone.now() + datetime.timedelta(hours=2)
    release(make_year("2023", title="Results 2023", published_at=moment))
    assert "Results 2022" in client.get("/").content.decode()
    assert client.get("/years/2023/").status_code == HTTPStatus.NOT_FOUND
    with time_machine.travel(moment + datetime.timedelta(seconds=1)):
        assert "Results 2023" in client.get("/").content.decode()
        assert client.get("/years/2023/").status_code == HTTPStatus.OK


def test_the_embed_card_stays_frameable_when_served_from_the_cache(client, headline_year):
    for _ in range(2):
        assert "X-Frame-Options" not in client.get("/years/2022/embed/drugs-seized/")


@pytest.mark.parametrize("figure_count", [1, 50])
def test_an_uncached_year_page_is_built_from_its_version_in_three_queries(
    client, settings, figure_count, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    previous = make_year("2021")
    year = make_year("2022")
    for n in range(figure_count):
        measure = make_measure(unit=Unit.MONEY, is_headline=n < 4)
        make_figure(previous, measure, "100")
        make_figure(year, measure, "200")
        make_quote(year, text=f"Quote {n}.")
        year.change_notes.create(text=f"Change {n}.")
    release(previous)
    release(year)
    make_year("2023")  # the next year, for the page's navigation
    release(Year.objects.get(label="2023"))
    with django_assert_max_num_queries(3):
        response = client.get("/years/2022/")
    html = response.content.decode()
    assert html.count('class="card"') == min(figure_count, 4)
    assert "Up from £100 in 2021" in html and 'rel="next">Next year: 2023' in html


PUBLIC_PAGES = [
    "/",
    "/years/",
    "/years/2022/",
    "/years/2022/versions/",
    "/years/2022/versions/1/",
    "/years/2022/versions/1/data.csv",
    "/years/2022/data.csv",
    "/years/2022/data.json",
    "/years/2022/card.png",
    "/card.png",
    "/years/2022/card/drugs-seized.png",
    "/years/2022/embed/drugs-seized/",
    "/measures/drugs-seized/",
    "/data/",
    "/data/all.csv",
    "/data/all.json",
    "/data/openapi.json",
    "/data/datapackage.json",
    "/feed.xml",
    "/sitemap.xml",
    "/releases/",
    "/next-release.ics",
    "/about/",
    "/accessibility/",
    "/robots.txt",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_uncached_runs_at_most_three_queries(
    client, settings, headline_year, path, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    release(make_year("2021"))
    make_announcement(label="2023 results", at=timezone.now() + datetime.timedelta(days=40))
    with django_assert_max_num_queries(3):
        assert client.get(path).status_code == HTTPStatus.OK


class TestHTTPCaching:
    def test_public_pages_may_be_held_briefly_by_a_cdn_and_served_stale(
        self, client, headline_year
    ):
        header = client.get("/years/2022/")["Cache-Control"]
        assert "public" in header and "s-maxage=60" in header and "max-age=0" in header
        assert "stale-while-revalidate=" in header

    def test_a_cdn_may_not_serve_a_stale_page_on_error_by_default(self, client, headline_year):
        # A CDN's stale copy could show a corrected figure; the site's own outage copies
        # cannot (a correction voids them).
        assert "stale-if-error" not in client.get("/years/2022/")["Cache-Control"]

    def test_previews_and_the_admin_are_never_cached(self, client, headline_year):
        draft = make_year("2023", state=YearState.DRAFT, published_at=None)
        client.force_login(make_user("olivia", "Press officers"))
        for path in [
            f"/admin/stats/year/{draft.pk}/preview/",
            "/admin/",
            f"/admin/stats/year/{draft.pk}/change/",
        ]:
            header = client.get(path)["Cache-Control"]
            assert "no-store" in header and "private" in header, path


@pytest.mark.server
def test_static_files_are_compressed_hashed_and_small(tmp_path, settings):
    """The page's own CSS (it has no fonts or images of its own) weighs under 50 KB compressed."""
    env = {"STATIC_ROOT": str(tmp_path), "SECRET_KEY": "collectstatic-only", "DEBUG": "false"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        check=True,
        env={**__import__("os").environ, **env},
        cwd=Path(__file__).resolve().parent.parent,
    )
    css = [
        p
        for p in (tmp_path / "css").iterdir()
        if p.name.startswith("site.") and p.suffix == ".css" and p.name != "site.css"
    ]
    assert len(css) == 1  # one content-hashed copy
    hashed = css[0]
    for suffix in (".gz", ".br"):
        compressed = hashed.with_name(hashed.name + suffix)
        assert compressed.exists() and compressed.stat().st_size < 50 * 1024

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = Client().get(f"/static/css/{hashed.name}", HTTP_ACCEPT_ENCODING="br")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Encoding"] == "br"
    assert (
        "immutable" in response["Cache-Control"]
        and "max-age=315360000" in response["Cache-Control"]
    )


class TestLastGoodCopies:
    """What the page cache serves when the database is unreachable (a real DatabaseError,
    handed to the middleware as Django would)."""

    def outage(self, path):
        from django.db import OperationalError
        from django.test import RequestFactory

        from stats.pagecache import page_cache
        from stats.pagecache.middleware import PageCacheMiddleware

        request = RequestFactory().get(path)
        response = PageCacheMiddleware(lambda r: None).process_exception(
            request, OperationalError("down")
        )
        page_cache().database.reset()  # and the database is back for the next request
        return response

    def test_a_page_seen_before_is_served_stale(self, client, headline_year):
        page = client.get("/years/2022/").content
        response = self.outage("/years/2022/")
        assert response.status_code == HTTPStatus.OK and response.content == page
        assert response["X-Served-Stale"] == "database unavailable"

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_a_corrected_figure_is_never_served_from_an_older_copy(self, client, headline_year):
        assert "nearly £4m" in client.get("/years/2022/").content.decode()
        figure = headline_year.figures.get()
        figure.value = 4200000
        figure.save()
        release(headline_year, note_text="Corrected the drugs figure.")
        assert self.outage("/years/2022/").status_code == HTTPStatus.SERVICE_UNAVAILABLE
        corrected = client.get("/years/2022/").content  # seen again: a new good copy
        assert self.outage("/years/2022/").content == corrected

    def test_work_on_a_draft_year_keeps_the_copies_of_public_pages(self, client, headline_year):
        page = client.get("/years/2022/").content
        draft = make_year("2023", state=YearState.DRAFT, published_at=None)
        make_figure(draft, headline_year.figures.get().measure, "5")
        draft.title = "Results 2023, in progress"
        draft.save()
        response = self.outage("/years/2022/")
        assert response.status_code == HTTPStatus.OK and response.content == page

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_an_unpublished_year_never_comes_back_in_an_outage(self, client, headline_year):
        from stats.rules import publishing

        client.get("/years/2022/")
        publishing.withdraw(
            headline_year, make_user("paul", "Publishers"), "Withdrawn to check it."
        )
        response = self.outage("/years/2022/")
        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert b"Temporarily unavailable" in response.content
