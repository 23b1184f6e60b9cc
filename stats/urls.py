from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.home, name="home"),
    path("years/", views.year_list, name="year_list"),
    path("years/<slug:slug>/", views.year_detail, name="year"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("next-release.ics", views.next_release_ics, name="next_release_ics"),
]
