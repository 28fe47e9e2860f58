from django.urls import path

from motcua.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.one_stop, name="one_stop"),
    path("tong-quan/", views.dashboard, name="dashboard"),
    path("mot-cua.pdf", views.one_stop_download, {"fmt": "pdf"}, name="one_stop_pdf"),
    path("mot-cua.xlsx", views.one_stop_download, {"fmt": "xlsx"}, name="one_stop_xlsx"),
]
