from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.home, name="home"),
    path("years/", views.year_list, name="year_list"),
    path("years/<slug:slug>/", views.year_detail, name="year"),
    path("years/<slug:slug>/card.png", views.card, name="card"),
    path("years/<slug:slug>/embed/<slug:measure>/", views.embed, name="embed"),
    path("measures/<slug:slug>/", views.measure_detail, name="measure"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("media/photos/<str:name>", views.photo, name="photo"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("next-release.ics", views.next_release_ics, name="next_release_ics"),
]
