"""Operations that do not bite: the example settings are safe to deploy as they stand, and
`make` puts itself in development mode without writing a file production would read."""

import subprocess
import sys

import pytest

from .servers import ROOT, production_env

# Starts real processes (PostgreSQL tools, gunicorn, make): the `server` tier.
pytestmark = pytest.mark.server


def example_settings():
    lines = (ROOT / ".env.example").read_text().splitlines()
    active = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return dict(line.split("=", 1) for line in active)


@pytest.mark.django_db
def test_the_example_settings_copied_to_production_let_it_start():
    example = example_settings()
    assert example.get("DEBUG", "false").lower() not in ("true", "1", "on", "yes")
    env = production_env(**example)
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def make(*args, **env):
    base = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://x@127.0.0.1/x"}
    return subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", *args],  # noqa: S607 - make from the PATH given
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_runs_in_development_mode_without_writing_an_env_file():
    show = ["--eval", 'show-debug: ; @echo "DEBUG=$$DEBUG"', "show-debug"]
    assert make(*show).strip() == "DEBUG=true"
    assert make(*show, ENVIRONMENT="production").strip() == "DEBUG="
    # Every step of a fresh set-up, printed rather than run: none writes .env.
    assert ".env" not in make("-n", "-B", "install").replace(".env.example", "")
