"""Each rule has one home, and every screen, view, task and test asks it: a second spelling of
a rule is how two parts of the site come to disagree. A search of the code is enough here:
each row names the rule, its home, and what spelling it anywhere else would look like."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = [
    path
    for folder in ("stats", "alliance")
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts
]

# rule: (its home, a pattern that would be a second spelling of it)
RULES = {
    "the correction waiting for a year": (
        "stats/models/year.py",
        r"PendingCorrection\.objects\.filter\(year|\w\.pending_correction\b",
    ),
    "whether someone may approve for the public": (
        "stats/rules/approval.py",
        r"publish_year[\"']\)|has_perm\([^)]*publish",
    ),
    "a year counts as approved": ("stats/rules/publishing.py", r"\.approved_at\s*=[^=]"),
    "parts may not add up to more than their total": (
        "stats/rules/checklist.py",
        r"add up to|sum\(parts\)",
    ),
    "a figure in words": ("stats/models/formatting.py", r"return \"not reported this year\""),
    "the public change note field": (
        "stats/admin/release_forms.py",
        r"label=\"Public change note\"",
    ),
    "a new version of a release": (
        "stats/rules/versions.py",
        r"ReleaseVersion\.objects\.create|current_version=version",
    ),
    "a year is published": (
        "stats/models/year.py",
        r"state=YearState\.PUBLISHED,\s*published_at__lte",
    ),
    "a year is published, in SQL": ("stats/models/year_page.py", r"state\s*=\s*'published'"),
    "when a version became public": ("stats/rules/releases.py", r"def last_updated"),
    "when a version became public, in SQL": (
        "stats/models/release_version.py",
        r"Greatest\(\s*\"made_at\"",
    ),
    "subscribers hear of a correction when its note is public": (
        "stats/rules/signals.py",
        r"correction_published\.send",
    ),
    "an alert email is due": ("stats/models/alert.py", r"next_attempt_at__lte"),
    "an alert email is due, in SQL": ("stats/alerts/sending.py", r"next_attempt_at\s*<="),
    "a change note is on the public page (written after the release)": (
        "stats/models/change_note.py",
        r"made_at\s*>\s*\S*published_at|published_at\s*<\s*\S*made_at|made_at__gt",
    ),
}


@pytest.mark.parametrize("rule", RULES)
def test_a_rule_is_spelt_in_its_home_alone(rule):
    home, pattern = RULES[rule]
    found = {str(path.relative_to(ROOT)) for path in CODE if re.search(pattern, path.read_text())}
    assert home in found, f"the rule's home no longer has it: {home}"
    assert found == {home}, f"{rule}: spelt again in {sorted(found - {home})}"
