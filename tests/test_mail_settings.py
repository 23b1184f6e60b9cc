"""EMAIL_URL read into Django's email settings (alliance/mail.py): one setting says where
email goes, and each kind of address reaches the backend that sends it."""

import pytest

from alliance import mail


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mail.example.org:2525",
            {"EMAIL_BACKEND": mail.SMTP_BACKEND, "EMAIL_HOST": "mail.example.org",
             "EMAIL_PORT": 2525, "EMAIL_USE_TLS": False},
        ),
        (
            "smtp+tls://press%40example.org:s3cret@smtp.example.org:587",
            {"EMAIL_BACKEND": mail.SMTP_BACKEND, "EMAIL_HOST": "smtp.example.org",
             "EMAIL_PORT": 587, "EMAIL_USE_TLS": True, "EMAIL_HOST_USER": "press@example.org",
             "EMAIL_HOST_PASSWORD": "s3cret"},
        ),
        (
            "consolemail://",
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
        ),
        (
            "filemail:///var/mail/alliance",
            {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
             "EMAIL_FILE_PATH": "/var/mail/alliance"},
        ),
        (
            "anymail://postmark",
            {"EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend", "EMAIL_HOST": "localhost",
             "EMAIL_PORT": 25},
        ),
    ],
    ids=["smtp", "smtp-starttls", "console", "file", "provider"],
)  # fmt: skip
def test_each_kind_of_address_reaches_its_backend(url, expected):
    settings = mail.settings(url)
    assert {name: settings[name] for name in expected} == expected


def test_every_address_gives_every_setting_django_reads():
    for url in ("smtp://localhost:25", "consolemail://", "anymail://mailgun"):
        assert set(mail.settings(url)) == {
            "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_FILE_PATH",
        }  # fmt: skip


def test_development_mail_goes_to_the_checkouts_own_folder_wherever_it_was_started(settings):
    """make run's default (README: files in .local/mail/), absolute whatever the shell's folder."""
    path = mail.settings(settings.EMAIL_URL)["EMAIL_FILE_PATH"]
    assert path == str(settings.BASE_DIR / ".local" / "mail")
