"""The page cache's own promises (stats/pagecache/), in process: nothing it reads can run
code, keys no request can multiply, pages compressed once, and invalidation no write to a
public record can skip. Faults under load with real servers: tests/test_cache_faults.py."""

import datetime
import gzip
import os
import pickle
import re
import stat
from http import HTTPStatus

import brotli
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stats import signals
from stats.models import ChangeNote, Figure, ReleaseAnnouncement, ReleaseVersion, Year
from stats.models.public import PublicQuerySet
from stats.pagecache import page_cache
from stats.pagecache.addresses import page_key
from stats.pagecache.folder import private_folder

from .factories import make_announcement, make_quote, make_year, release

pytestmark = pytest.mark.django_db


def stored_pages():
    return page_cache().store.entries()


def key_for(rf, path, **extra):
    return page_key(rf.get(path, **extra))


class Exploit:
    """Unpickling this runs a shell command that leaves a file behind."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class TestNothingStoredCanRunCode:
    def test_a_planted_pickle_is_never_unpickled(self, client, headline_year, rf, tmp_path, caplog):
        marker = tmp_path / "ran"
        payload = pickle.dumps(Exploit(marker))
        store = page_cache().store
        # Planted where the page and its last good copy live, in every layout an old cache
        # would have read.
        store.put(key_for(rf, "/years/2022/"), payload, 60)
        response = client.get("/years/2022/")
        assert response.status_code == HTTPStatus.OK and "nearly £4m" in response.text
        assert not marker.exists()
        assert "did not write" in caplog.text

    def test_a_genuine_entry_cannot_answer_for_another_page(self, client, headline_year, rf):
        client.get("/accessibility/")
        store = page_cache().store
        genuine = store.get(key_for(rf, "/accessibility/"))
        store.put(key_for(rf, "/years/2022/"), genuine, 60)  # moved to another address
        page_cache().memory.clear()
        assert "nearly £4m" in client.get("/years/2022/").text

    def test_a_planted_entry_is_not_served_in_an_outage(self, client, headline_year, rf):
        from django.db import OperationalError

        from stats.pagecache.middleware import PageCacheMiddleware

        client.get("/years/2022/")
        key = key_for(rf, "/years/2022/")
        store = page_cache().store
        forged = bytearray(store.get(key))
        forged[-10:] = b"0123456789"  # a figure changed by someone with the folder
        store.put(key, bytes(forged), 60)
        page_cache().memory.clear()
        response = PageCacheMiddleware(lambda r: None).process_exception(
            rf.get("/years/2022/"), OperationalError("down")
        )
        page_cache().database.reset()
        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE


class TestThePrivateFolder:
    def test_made_for_the_site_alone(self, tmp_path):
        folder = tmp_path / "cache"
        private_folder(str(folder))
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    def test_a_folder_others_may_write_to_is_refused(self, tmp_path):
        folder = tmp_path / "shared"
        folder.mkdir()
        folder.chmod(0o777)  # e.g. made first by another user in /tmp, open to all
        with pytest.raises(ImproperlyConfigured, match="other users may write"):
            private_folder(str(folder))

    def test_a_folder_another_user_owns_is_refused(self, tmp_path):
        if os.geteuid() != 0:
            pytest.skip("only root can give a folder to another user")
        folder = tmp_path / "theirs"
        folder.mkdir(mode=0o700)
        os.chown(folder, 54321, -1)
        with pytest.raises(ImproperlyConfigured, match="belongs to user 54321"):
            private_folder(str(folder))

    def test_a_symbolic_link_is_refused(self, tmp_path):
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
        with pytest.raises(ImproperlyConfigured, match="not a folder"):
            private_folder(str(tmp_path / "link"))

    def test_the_same_folder_whatever_the_shell(self):
        """A command run by hand from an SSH session (which sets XDG_RUNTIME_DIR) must renew
        the version the server reads, or the server goes on serving the page as it was."""
        import subprocess
        import sys

        def folder(**extra):
            env = {k: v for k, v in os.environ.items() if k != "SHARED_CACHE_DIR"}
            env.pop("XDG_RUNTIME_DIR", None)
            env.update(DJANGO_SETTINGS_MODULE="alliance.settings", DEBUG="true", **extra)
            code = "from django.conf import settings; print(settings.SHARED_CACHE_DIR)"
            return subprocess.run(  # noqa: S603 - our own settings, fixed arguments
                [sys.executable, "-c", f"import django; django.setup(); {code}"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()

        assert folder() == folder(XDG_RUNTIME_DIR="/run/user/0")


class TestKeys:
    def test_ports_query_strings_and_case_make_no_new_entries(
        self, client, headline_year, settings
    ):
        settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
        assert client.get("/years/2022/", HTTP_HOST="localhost").status_code == HTTPStatus.OK
        before = stored_pages()
        assert before  # the page is stored: nothing new below is a finding, not an empty cache
        for n in range(200):
            response = client.get(f"/years/2022/?n={n}", HTTP_HOST=f"LocalHost:{1000 + n}")
            assert response.status_code == HTTPStatus.OK
        assert stored_pages() == before

    def test_an_unknown_host_is_refused_before_the_cache(self, client, headline_year):
        before = stored_pages()
        assert client.get("/years/2022/", HTTP_HOST="evil.example").status_code == 400
        assert stored_pages() == before
        client.get("/years/2022/")  # the same page for a host the site serves: stored
        assert stored_pages() > before

    def test_site_url_is_the_one_host(self, rf, settings):
        settings.ALLOWED_HOSTS = [".example.org"]
        settings.SITE_URL = "https://results.example.org"
        assert key_for(rf, "/", HTTP_HOST="a.example.org") == key_for(
            rf, "/", HTTP_HOST="b.example.org:81"
        )


class TestCompression:
    def test_each_client_gets_the_encoding_it_accepts(self, client, headline_year):
        plain = client.get("/years/2022/")
        assert "Accept-Encoding" in plain["Vary"] and not plain.has_header("Content-Encoding")
        br = client.get("/years/2022/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        gz = client.get("/years/2022/", HTTP_ACCEPT_ENCODING="gzip")
        assert br["Content-Encoding"] == "br" and gz["Content-Encoding"] == "gzip"
        assert brotli.decompress(br.content) == plain.content
        assert gzip.decompress(gz.content) == plain.content
        assert len(br.content) < len(plain.content) / 2
        assert int(br["Content-Length"]) == len(br.content)
        assert len({plain["ETag"], br["ETag"], gz["ETag"]}) == 3

    def test_a_refused_encoding_is_not_sent(self, client, headline_year):
        response = client.get("/years/2022/", HTTP_ACCEPT_ENCODING="br;q=0, gzip;q=0")
        assert not response.has_header("Content-Encoding")

    def test_each_encodings_etag_revalidates(self, client, headline_year):
        br = client.get("/years/2022/", HTTP_ACCEPT_ENCODING="br")
        again = client.get("/years/2022/", HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=br["ETag"])
        assert again.status_code == HTTPStatus.NOT_MODIFIED
        other = client.get(
            "/years/2022/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=br["ETag"]
        )
        assert other.status_code == HTTPStatus.OK  # the gzip bytes differ: sent in full

    def test_images_are_not_compressed_again(self, client, headline_year):
        card = client.get("/years/2022/card.png", HTTP_ACCEPT_ENCODING="br, gzip")
        assert not card.has_header("Content-Encoding")


def state():
    return page_cache().store.read_state()


class TestInvalidation:
    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_queryset_update_shows_on_the_next_request(self, client, headline_year):
        # A new version reaches the page through Year.objects...update(current_version=...).
        assert "nearly £4m" in client.get("/years/2022/").text
        Figure.objects.filter(year=headline_year).update(value=4200000)
        release(headline_year, note_text="Corrected.")
        assert "nearly £4.2m" in client.get("/years/2022/").text

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_bulk_create_shows_on_the_next_request(self, client, headline_year):
        assert "2023 results" not in client.get("/years/2022/").text
        ReleaseAnnouncement.objects.bulk_create(
            [
                ReleaseAnnouncement(
                    label="2023 results",
                    status="provisional",
                    release_month=datetime.date(2099, 3, 1),
                )
            ]
        )
        assert "2023 results" in client.get("/years/2022/").text

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_a_bulk_update_voids_the_last_good_copies(self, headline_year):
        before = state()
        Year.objects.filter(pk=headline_year.pk).update(title="Results 2022, corrected")
        assert state()["generation"] != before["generation"]

    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_a_migration_renews_the_version(self, headline_year):
        before = state()
        signals.migrated(sender=None)
        assert state()["generation"] != before["generation"]

    @pytest.mark.django_db(transaction=True)
    def test_one_new_version_per_transaction_on_commit(self, headline_year):
        before = state()
        with transaction.atomic():
            headline_year.title = "Results 2022 (corrected)"
            headline_year.save()
            for figure in headline_year.figures.all():
                figure.note = "Checked."
                figure.save()
            make_quote(headline_year, text="Another quote.")
            ChangeNote.objects.create(year=headline_year, text="Corrected the title.")
            assert state() == before  # nothing until the commit
            ours = [f for _, f, _ in connection.run_on_commit if type(f).__name__ == "_Pending"]
            assert len(ours) == 1
        assert state()["version"] != before["version"]
        assert state()["generation"] != before["generation"]

    @pytest.mark.django_db(transaction=True)
    def test_a_rolled_back_change_makes_no_version(self, headline_year):
        before = state()
        with pytest.raises(RuntimeError), transaction.atomic():
            headline_year.title = "Never saved"
            headline_year.save()
            raise RuntimeError
        assert state() == before

    def test_every_model_read_by_a_public_page_is_tracked(self, client, headline_year):
        """A model a public page reads but the cache is not told about would let its page
        outlive a change to it."""
        release(make_year("2021", title="Results 2021"))
        make_announcement(label="2023 results", at=timezone.now() + datetime.timedelta(days=9))
        paths = [
            "/",
            "/years/",
            "/years/2022/",
            "/years/2022/data.csv",
            "/years/2022/data.json",
            "/years/2022/card.png",
            "/card.png",
            "/years/2022/embed/drugs-seized/",
            "/measures/drugs-seized/",
            "/accessibility/",
            "/data/",
            "/data/all.csv",
            "/data/all.json",
            "/data/openapi.json",
            "/data/datapackage.json",
            "/feed.xml",
            "/sitemap.xml",
            "/robots.txt",
            "/next-release.ics",
            "/releases/",
            "/years/2022/versions/",
            "/years/2022/versions/1/",
            "/years/2022/versions/1/data.csv",
        ]  # fmt: skip (not /about/: it is not cached)
        with CaptureQueriesContext(connection) as queries:
            for path in paths:
                assert client.get(path).status_code == HTTPStatus.OK, path
        tables = set()
        for query in queries.captured_queries:
            tables.update(re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"]))
        from django.apps import apps

        by_table = {model._meta.db_table: model for model in apps.get_models()}
        read = {by_table[table] for table in tables if table in by_table}
        assert ReleaseVersion in read and Year in read  # the capture works
        for model in read:
            assert model in signals.PUBLIC_MODELS, f"{model.__name__} is not tracked"
            assert isinstance(model._default_manager.all(), PublicQuerySet), model.__name__


class TestOneRenderPerRelease:
    @pytest.mark.django_db(transaction=True)  # what happens on a real commit
    def test_a_request_that_looked_before_another_stored_the_page_does_not_render_it_again(
        self, client, headline_year, rf
    ):
        """The race behind two renders at a release moment: B loads the old copy, A renders
        and stores the new one and lets go of the lock, then B takes the lock. B must answer
        with A's page, not render it a second time."""
        from stats.pagecache.middleware import PageCacheMiddleware

        client.get("/years/2022/")  # a copy, for the version before the change
        key = key_for(rf, "/years/2022/")
        cache = page_cache()
        old = cache.load(key)
        before = cache.versions.current()
        signals.public_content_changed(seen=False)  # the release: a new version
        assert cache.versions.current() != before
        cache.memory.clear()
        new = client.get("/years/2022/").content  # A renders and stores it for the new version
        renders = []  # B's own render, if it made one: what the rest of the site would do

        def rest_of_the_site(request):
            renders.append(request.path)
            return HttpResponse("rendered again")

        response = PageCacheMiddleware(rest_of_the_site).render_once(
            rf.get("/years/2022/"), key, cache.versions.current(), old
        )  # B, still holding what it loaded before A stored
        assert renders == [] and response.content == new

    @pytest.mark.django_db(transaction=True)
    def test_a_request_waiting_on_a_version_since_replaced_takes_the_newer_page(
        self, client, headline_year, rf
    ):
        """B waits for the render of the version it saw; the lock's holder renders the version
        made meanwhile (after a Redis restart, several processes make one within
        milliseconds). B must answer with that page, not wait it out and render its own."""
        from stats.pagecache.middleware import PageCacheMiddleware

        cache = page_cache()
        client.get("/years/2022/")
        seen = cache.versions.current()  # what B saw when it came in
        signals.public_content_changed(seen=False)
        cache.memory.clear()
        newer = client.get("/years/2022/").content  # the lock's holder: the newer version
        key = key_for(rf, "/years/2022/")
        assert cache.store.lock(key, 10)  # still held: B cannot take it
        renders = []

        def rest_of_the_site(request):
            renders.append(request.path)
            return HttpResponse("rendered again")

        try:
            response = PageCacheMiddleware(rest_of_the_site).render_once(
                rf.get("/years/2022/"), key, seen, None
            )
        finally:
            cache.store.unlock(key)
        assert renders == [] and response.content == newer
