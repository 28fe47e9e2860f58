from django.urls import path

from motcua.identity import views

app_name = "identity"
urlpatterns = [
    path("quay/", views.counter, name="counter"),
    path("quay/dang-ky/", views.counter_register, name="counter_register"),
    path("quay/tra-cuu/", views.counter_lookup, name="counter_lookup"),
    path("quay/khuon-mat/", views.face_identify, name="face_identify"),
    path("ho-so/<str:link>/", views.citizen_page, name="citizen"),
    path("ho-so/<str:link>/dong-y/", views.consent_give, name="consent_give"),
    path("ho-so/<str:link>/rut-dong-y/", views.consent_withdraw, name="consent_withdraw"),
    path("ho-so/<str:link>/lien-he/", views.contacts_update, name="contacts_update"),
    path("ho-so/<str:link>/khuon-mat/dang-ky/", views.face_enrol, name="face_enrol"),
    path("ho-so/<str:link>/khuon-mat/doi-chieu/", views.face_verify, name="face_verify"),
    path("ho-so/<str:link>/xuat-du-lieu/", views.citizen_export, name="citizen_export"),
    path("ho-so/<str:link>/xoa-du-lieu/", views.citizen_erase, name="citizen_erase"),
    path("gop-ho-so/", views.citizen_merge, name="citizen_merge"),
    path("nhat-ky-truy-cap/", views.access_oversight, name="access_oversight"),
    path("ai-da-xem-du-lieu-cua-toi/", views.my_access_log, name="my_access_log"),
    path("ai-da-xem-du-lieu-cua-toi/rut-dong-y/", views.my_access_withdraw, name="my_access_withdraw"),
    path("ai-da-xem-du-lieu-cua-toi/tai-du-lieu/", views.my_access_export, name="my_access_export"),
    path("ai-da-xem-du-lieu-cua-toi/ket-thuc/", views.my_access_end, name="my_access_end"),
]
