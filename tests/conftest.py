import pytest

from .stack import podman_problem, started_stack


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """Tests read static files from the source folders: no collectstatic step needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the database is rolled back between tests, and a
    page cached by an earlier test must not answer for this one."""
    from django.core.cache import caches

    from stats.pagecache import page_cache

    caches["default"].clear()
    page_cache().clear()
    page_cache().database.reset()


# A test of what happens when a change commits (the page cache's new version, a file deleted
# after a discard) is marked django_db(transaction=True): it commits for real, as production
# does, rather than inside a test's transaction that never commits.


@pytest.fixture(autouse=True)
def _press_office_groups(request):
    """Transactional tests empty the database after each test, taking the groups the data
    migration made; make them again the same way. (pytest-django's serialized_rollback is
    unreliable once ordinary database tests have run first: pytest-django issue #1117.)"""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from stats.rules.roles import make_groups

    make_groups(apps)


DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "django_app", "admin_client"}


def pytest_collection_modifyitems(items):
    """Every test in one tier: `server`, `browser` and `deploy` are marked where the test is;
    the rest are `db` when they touch the database and `unit` otherwise (`make test-fast`)."""
    import pytest

    for item in items:
        if any(item.get_closest_marker(tier) for tier in ("server", "browser", "deploy")):
            continue
        uses_db = item.get_closest_marker("django_db") or DB_FIXTURES & set(item.fixturenames)
        item.add_marker(pytest.mark.db if uses_db else pytest.mark.unit)


@pytest.fixture(autouse=True)
def _quick_password_hashing(request, settings):
    """Staff accounts made for a unit or db test are hashed with a quick hasher: the real one
    is slow by design, and most tests make a few (it halves `make test-fast`). Not for
    `server` tests, whose separate processes check passwords with the site's own hashers, nor
    `browser` tests, whose accounts may be made once per module."""
    if request.node.get_closest_marker("db") or request.node.get_closest_marker("unit"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The press office's people, as most admin tests need them.
@pytest.fixture
def officer():
    from tests.factories import make_user

    return make_user("olivia", "Press officers")


@pytest.fixture
def publisher():
    from tests.factories import make_user

    return make_user("paul", "Publishers")


@pytest.fixture
def publishers(publisher):
    """Two: one to make a change, another to approve it."""
    from tests.factories import make_user

    return publisher, make_user("petra", "Publishers")


@pytest.fixture
def drugs():
    from tests.factories import make_drugs

    return make_drugs()


@pytest.fixture
def headline_year():
    """2022, public, with one headline figure ("nearly £4m") and a quote: a year's page for
    the tests of how pages are served."""
    from stats.models.enums import Qualifier
    from tests.factories import make_headline_year

    return make_headline_year(qualifier=Qualifier.NEARLY)


@pytest.fixture(scope="module")
def committed_year(django_db_setup, django_db_blocker):
    """A public year and an administrator committed for real, so that servers in other
    processes see them; removed when the module ends."""
    from django.contrib.auth import get_user_model

    from tests.factories import make_headline_year
    from tests.servers import ADMIN_PASSWORD, remove_committed_data

    with django_db_blocker.unblock():
        year = make_headline_year()
        get_user_model().objects.create_superuser("admin", "a@example.org", ADMIN_PASSWORD)
        try:
            yield year
        finally:
            remove_committed_data()


@pytest.fixture
def public_year(drugs, publishers):
    """2022, published, with £4m of drugs seized."""
    from stats.rules import publishing
    from tests.factories import make_publishable_year

    year = make_publishable_year("2022")
    year.figures.filter(measure=drugs).update(value=4000000)
    return publishing.publish(year, publishers[1])


@pytest.fixture(scope="session")
def stack(pytestconfig):
    """The deployment as shipped, for the deploy tier (tests/test_deploy*.py): one stack for the
    session, as it takes a minute to start; each test leaves it as it found it."""
    problem = podman_problem()
    if problem:
        pytest.fail(f"The deploy tier cannot run on this machine: {problem}.")
    # The images' sizes (the site's own layers among them), shown in every run's output.
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")

    def say(lines):
        with capture.global_and_fixture_disabled():
            for line in ["", *lines]:
                reporter.write_line(line)

    with started_stack(say) as stack:
        yield stack
