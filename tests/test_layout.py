"""The layout shows the architecture: imports run one way (the public pages and the press
office's admin → the rules → the records), and the page cache knows nothing of years. The
contracts are in pyproject.toml ([tool.importlinter])."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_imports_run_one_way(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
