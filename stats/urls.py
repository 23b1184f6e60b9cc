from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from stats.public import alerts, calendar, feedback, open_data_views, previews, versions, views
from stats.public.feeds import YearsFeed
from stats.public.sitemaps import SITEMAPS

from .pagecache import cached_page


class DataFormat:
    """The formats the figures download in: data.csv or data.json, nothing else."""

    regex = "csv|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DataFormat, "format")

app_name = "stats"

urlpatterns = [
    path("", cached_page(views.home), name="home"),
    path("card.png", cached_page(views.site_card), name="site_card"),
    path("years/", cached_page(views.year_list), name="year_list"),
    path("years/<slug:slug>/", cached_page(views.year_detail), name="year"),
    path("years/<slug:slug>/card.png", cached_page(views.card), name="card"),
    path(
        "years/<slug:slug>/card/<slug:measure>.png",
        cached_page(views.figure_card),
        name="figure_card",
    ),
    path(
        "years/<slug:slug>/data.<format:extension>",
        cached_page(views.any_origin(open_data_views.year_data)),
        name="year_data",
    ),
    path("years/<slug:slug>/embed/<slug:measure>/", cached_page(views.embed), name="embed"),
    path("years/<slug:slug>/versions/", cached_page(versions.version_list), name="versions"),
    path(
        "years/<slug:slug>/versions/<int:number>/",
        cached_page(versions.version_detail),
        name="version",
    ),
    path(
        "years/<slug:slug>/versions/<int:number>/data.<format:extension>",
        cached_page(views.any_origin(versions.version_data)),
        name="version_data",
    ),
    path("measures/<slug:slug>/", cached_page(views.measure_detail), name="measure"),
    path("accessibility/", cached_page(views.accessibility), name="accessibility"),
    # Not cached: what it promises depends on who may publish (staff accounts), which the page
    # cache is not told about; it is a small page, rarely read.
    path("about/", views.about, name="about"),
    path("data/", cached_page(open_data_views.data_page), name="data"),
    path(
        "data/openapi.json",
        cached_page(views.any_origin(open_data_views.openapi)),
        name="openapi",
    ),
    path(
        "data/datapackage.json",
        cached_page(views.any_origin(open_data_views.datapackage)),
        name="datapackage",
    ),
    path(
        "data/all.<format:extension>",
        cached_page(views.any_origin(open_data_views.all_data)),
        name="all_data",
    ),
    path("feed.xml", cached_page(views.any_origin(YearsFeed())), name="feed"),
    path("sitemap.xml", cached_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", cached_page(views.robots_txt), name="robots"),
    path("media/photos/<str:name>", views.photo, name="photo"),
    path("preview/<str:token>/", previews.preview, name="preview"),
    path("staff-preview/<int:pk>/", previews.staff_preview, name="staff_preview"),
    path("releases/", cached_page(calendar.releases), name="releases"),
    path("next-release.ics", cached_page(calendar.next_release_ics), name="next_release_ics"),
    # Email alerts and readers' reports: the forms on cached pages post to pages of their own.
    path("alerts/", cached_page(alerts.alerts_page), name="alerts"),
    path("alerts/subscribe/", alerts.subscribe, name="subscribe"),
    path("alerts/confirm/<str:signed>/", alerts.confirm, name="confirm_alerts"),
    path("alerts/manage/<str:token>/", alerts.manage, name="manage_alerts"),
    path("alerts/unsubscribe/<str:token>/", alerts.unsubscribe, name="unsubscribe"),
    path("privacy/", cached_page(alerts.privacy), name="privacy"),
    path("report-a-problem/", feedback.report_problem, name="report_problem"),
]
