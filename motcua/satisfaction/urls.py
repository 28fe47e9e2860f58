from django.urls import path

from motcua.satisfaction import views

app_name = "satisfaction"
urlpatterns = [
    # Staff pages first: the rating link below takes any token.
    path("thong-ke/", views.aggregates, name="aggregates"),
    path("thong-ke/don-vi/<str:unit_code>/", views.drilldown_unit, name="drilldown_unit"),
    path("thong-ke/ho-so/<str:code>/", views.drilldown_dossier, name="drilldown_dossier"),
    path("<str:token>/", views.rate, name="rate"),
]
