"""The one query behind every public view of a single year: the published year at an address
(or the latest one), with its current version, the years before and after it, and who had
early access to it.

Written in SQL because the page is the site's most read, and building the same query with the
ORM (four correlated subqueries and an aggregate) cost ten times what running it does. Its
idea of "published" (PUBLISHED, which the release calendar's query uses too) is
YearQuerySet.published()'s, word for word; tests/test_public_vocabulary.py holds every public
address to that rule.
"""

import json

from django.utils import timezone

from .release_version import ReleaseVersion

PUBLISHED = """
    {y}.state = 'published' AND {y}.published_at <= %(now)s
    AND {y}.current_version_id IS NOT NULL
"""

# Only the fixed fragment above is formatted in; every value is a parameter.
SQL = f"""
SELECT y.*,
       v.number AS version_number, v.made_at AS version_made_at, v.content AS version_content,
       v.second_person AS version_second_person,
       before.slug AS previous_slug, before.label AS previous_label,
       after.slug AS next_slug, after.label AS next_label,
       (SELECT json_agg(json_build_object(
                   'organisation', l.organisation, 'role', l.role, 'created_at', l.created_at,
                   'opens_at', l.opens_at, 'revoked_at', l.revoked_at
               ) ORDER BY l.organisation)
          FROM stats_previewlink l WHERE l.year_id = y.id) AS early_access
  FROM stats_year y
  JOIN stats_releaseversion v ON v.id = y.current_version_id
  LEFT JOIN LATERAL (
      SELECT p.slug, p.label FROM stats_year p
       WHERE {PUBLISHED.format(y="p")} AND p.period_end < y.period_start
       ORDER BY p.period_end DESC LIMIT 1
  ) before ON TRUE
  LEFT JOIN LATERAL (
      SELECT n.slug, n.label FROM stats_year n
       WHERE {PUBLISHED.format(y="n")} AND n.period_start > y.period_end
       ORDER BY n.period_start LIMIT 1
  ) after ON TRUE
 WHERE {PUBLISHED.format(y="y")} AND (%(slug)s::text IS NULL OR y.slug = %(slug)s)
 ORDER BY y.period_end DESC, y.published_at DESC
 LIMIT 1
"""  # noqa: S608


def _decoded(value):
    return json.loads(value) if isinstance(value, str) else value


def published_year(years, slug=None, now=None):
    """The published year at `slug` (or, without one, the latest), ready for its page: its
    current version in `year.current_version`, and `previous_slug`, `previous_label`,
    `next_slug`, `next_label` and `early_access` (a list of preview links) beside it. None
    when no published year is there. `years`: the Year model's queryset."""
    params = {"now": now or timezone.now(), "slug": slug}
    year = next(iter(years.raw(SQL, params)), None)
    if year is None:
        return None
    year.current_version = ReleaseVersion(
        pk=year.current_version_id,
        year_id=year.pk,
        number=year.version_number,
        made_at=year.version_made_at,
        content=_decoded(year.version_content),
        second_person=year.version_second_person,
    )
    year.early_access = _decoded(year.early_access) or []
    return year
