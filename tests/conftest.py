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
    from django.core.cache import caches

    caches["default"].clear()
    caches["shared"].clear()
