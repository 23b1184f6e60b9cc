import pytest


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """Tests read static files from the source folders: no collectstatic step needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
