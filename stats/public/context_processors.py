from django.conf import settings
from django.db import DatabaseError

from stats.models import ReleaseAnnouncement
from stats.models.subscriber import AlertKind


def _next_release():
    # A page that can be shown without the database (an error page during an outage) must
    # not fail for want of the announcement in its footer.
    try:
        return ReleaseAnnouncement.objects.next_announced()
    except DatabaseError:
        return None


def force(request):
    """Who publishes the site and where to report crime: configuration, shown on every page."""
    return {
        "force_name": settings.FORCE_NAME,
        "operation_name": settings.OPERATION_NAME,
        "force_website_url": settings.FORCE_WEBSITE_URL,
        "force_area": settings.FORCE_AREA,
        "contact_url": settings.CONTACT_URL,
        "staff_accounts_contact": settings.STAFF_ACCOUNTS_CONTACT,
        "press_office": {
            "name": settings.PRESS_OFFICE_NAME,
            "email": settings.PRESS_OFFICE_EMAIL,
            "phone": settings.PRESS_OFFICE_PHONE,
            "url": settings.PRESS_OFFICE_URL,
        },
        "alert_kinds": AlertKind.choices,
        # Lazy: a page that does not show it runs no query for it.
        "next_release": _next_release,
        "report": {
            "online_url": settings.REPORT_ONLINE_URL,
            "phone": settings.REPORT_PHONE,
            "crimestoppers_phone": settings.CRIMESTOPPERS_PHONE,
            "crimestoppers_url": settings.CRIMESTOPPERS_URL,
        },
    }
