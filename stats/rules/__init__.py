"""The rules the public pages and the press office share: how numbers are written and read,
what changed since last year, the checks that catch slips, what publishing needs, how a
correction waits for approval, the revision history in words, the roles, photos' clean-up.

May import the records (stats.models); never the public pages nor the admin. Enforced by the
contracts in pyproject.toml (tests/test_layout.py).
"""
