#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        # Typed by hand outside the virtual environment (`python manage.py createsuperuser`):
        # run again with the one `make` created, if there is one and this is not it already.
        venv = Path(__file__).resolve().parent / ".venv"
        if (venv / "bin" / "python").exists() and Path(sys.prefix).resolve() != venv.resolve():
            python = str(venv / "bin" / "python")
            os.execv(python, [python, *sys.argv])  # noqa: S606 - our own venv, same arguments
        raise
    execute_from_command_line(sys.argv)
