from django.contrib import admin
from django.urls import include, path

from motcua.config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("thu-tuc/", include("motcua.catalog.urls")),
    path("cong-dan/", include("motcua.identity.urls")),
    path("danh-gia/", include("motcua.satisfaction.urls")),
    path("phan-anh/", include("motcua.feedback.urls")),
    path("chi-so/", include("motcua.indices.urls")),
    path("open311/v2/", include("motcua.feedback.open311_urls")),
    path("bao-cao/", include("motcua.reports.urls")),
    path("doi-thoai/", include("motcua.feedback.dialogues.urls")),
    path("so-dang-ky/tau-ca/", include("motcua.registries.vessels.urls")),
    path("", include("motcua.dossiers.urls")),
    path("", include("motcua.core.urls")),
]
