from django.urls import path

from motcua.indices import views

app_name = "indices"
urlpatterns = [
    path("", views.index_page, name="index"),
    path("<str:code>/", views.items_page, name="items"),
]
