from django.urls import path

from motcua.registries.vessels import views

app_name = "vessels"

urlpatterns = [
    path("", views.vessel_list_view, name="list"),
    path("xuat.xlsx", views.vessel_export, name="export"),
    path("nhap/", views.import_page, name="import"),
    path("nhap/<int:job_id>/", views.import_job, name="import_job"),
    path("ra-soat/", views.campaigns, name="campaigns"),
    path("ra-soat/<int:pk>/", views.campaign, name="campaign"),
    path("ra-soat/<int:pk>/phan-cong/", views.campaign_assign_view, name="campaign_assign"),
    path("ra-soat/<int:pk>/ket-qua.xlsx", views.campaign_export, name="campaign_export"),
    path("ra-soat/muc/<int:item_id>/", views.item_page, name="item"),
    path("<int:pk>/", views.vessel_detail, name="detail"),
    path("<int:pk>/chu-tau/", views.vessel_owner, name="owner"),
    path("<int:pk>/<str:action>/", views.vessel_action, name="action"),
]
