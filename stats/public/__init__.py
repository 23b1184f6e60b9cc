"""What residents and journalists meet: the public pages (views, what each page shows in
pages.py), open data (CSV, JSON, the data dictionary), share cards, charts, the feed, the
sitemap and the calendar.

May import the rules (stats.rules) and the records (stats.models); never the press office's
admin (stats.admin). Enforced by the contracts in pyproject.toml (tests/test_layout.py).
"""
