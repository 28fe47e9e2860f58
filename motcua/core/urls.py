from django.urls import path

from motcua.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("ngon-ngu/", views.set_language, name="set_language"),
    path("lam-viec/", views.staff_home, name="staff_home"),
    path("lam-viec/xac-thuc-hai-buoc/", views.totp_setup, name="totp_setup"),
]
