import pytest


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
    from django.conf import settings
    from django.core.cache import caches

    from stats.version_file import VersionFile

    caches["default"].clear()
    caches["shared"].clear()
    if settings.CONTENT_VERSION_FILE:
        VersionFile(settings.CONTENT_VERSION_FILE).clear()


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

    from stats.roles import make_groups

    make_groups(apps)
