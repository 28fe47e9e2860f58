from django.urls import path

from motcua.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.channels, name="channels"),
    path("gui/", views.submit, name="submit"),
    path("gui/tuong-tu/", views.similar, name="similar"),
    path("gui/cung-van-de/", views.voice, name="voice"),
    path("da-tra-loi/", views.published, name="published"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/danh-gia/", views.judge, name="judge"),
    path("mau-tra-loi/", views.templates, name="templates"),
    path("mau-tra-loi/tao/", views.template_create, name="template_create"),
    path("mau-tra-loi/<int:pk>/", views.template_edit, name="template_edit"),
    path("so/", views.book, name="book"),
    path("so/ghi-nhan/", views.record, name="record"),
    path("so/<str:code>/", views.detail, name="detail"),
    path("so/<str:code>/<str:action>/", views.act, name="act"),
]
