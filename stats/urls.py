from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from . import views, views_open_data
from .feeds import YearsFeed
from .sitemaps import SITEMAPS


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
    path("", views.home, name="home"),
    path("years/", views.year_list, name="year_list"),
    path("years/<slug:slug>/", views.year_detail, name="year"),
    path("years/<slug:slug>/card.png", views.card, name="card"),
    path("years/<slug:slug>/data.<format:extension>", views_open_data.year_data, name="year_data"),
    path("years/<slug:slug>/embed/<slug:measure>/", views.embed, name="embed"),
    path("measures/<slug:slug>/", views.measure_detail, name="measure"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("data/", views_open_data.data_page, name="data"),
    path("data/all.<format:extension>", views_open_data.all_data, name="all_data"),
    path("feed.xml", YearsFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("media/photos/<str:name>", views.photo, name="photo"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("next-release.ics", views.next_release_ics, name="next_release_ics"),
]
